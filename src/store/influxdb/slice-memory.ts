/**
 * What this instance knows of whole slices (one indicator's figures in one
 * month, every region): read from InfluxDB or written by this instance,
 * and valid while the change marker is the one it last saw. A bureau posts
 * a month at a time: each batch is checked against the month before and
 * the year before, which this instance wrote or read moments or months
 * ago. Reading them again was most of what InfluxDB did for a batch.
 *
 * Two kinds are kept: recent slices whole (every field, for detecting
 * revisions), and many slices as values only (for the plausibility checks,
 * which compare values), 8 bytes a region.
 */
import type { Reason } from '../../domain/corrections.ts';
import type { Observation, Period, Status } from '../../domain/types.ts';
import type { FigureVersions, PostedRow } from '../store.ts';
import type { StoredFigure } from './lines.ts';

/** Region slots of whole slices kept: a national month of 300 indicators (3,000 regions each), about 35 MB. */
export const WHOLE_FIGURES_MAX = 1_000_000;
/** Values kept: 8 bytes a region and slice; 64 MB holds ten years of 90 indicators for 3,000 regions. */
export const VALUE_BYTES_MAX = 64 * 1024 * 1024;

const keyOf = (indicator: string, period: Period) => `${indicator}\u0000${period}`;
/** A write to any month of an indicator: what answers about the indicator as a whole wait for. */
const wholeKeyOf = (indicator: string) => `${indicator}\u0001`;

const STATUSES: ReadonlyArray<Status | null> = [null, 'p', 'e', 'r', 'b'];
const REASONS: ReadonlyArray<Reason | null> = [null, 'revision', 'correction', 'reclassification'];
const WITHDRAWN = 1;
const RECEIPTED = 2;

/**
 * Every current point of one slice, a column per field indexed by region
 * ordinal: a batch writes thousands of figures, and an object for each
 * was most of what the service spent collecting garbage.
 */
class WholeSlice {
  version: Int32Array;
  value: Float64Array;
  yoy: Float64Array;
  status: Uint8Array;
  receivedAt: Float64Array;
  flags: Uint8Array;
  by: string[];
  /** Each current version's reason (0: none given). */
  reason: Uint8Array;
  /** The notes of the current versions that have one, by ordinal: few do. */
  notes: Map<number, string>;
  /** Its current figures as read answers give them, made when first asked for and dropped by a write. */
  figures: Observation[] | null = null;

  constructor(capacity: number) {
    this.version = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.yoy = new Float64Array(capacity);
    this.status = new Uint8Array(capacity);
    this.receivedAt = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.by = new Array<string>(capacity).fill('');
    this.reason = new Uint8Array(capacity);
    this.notes = new Map();
  }

  get capacity(): number {
    return this.version.length;
  }

  /** Room for ordinals below `capacity`. */
  grow(capacity: number): void {
    if (capacity <= this.capacity) return;
    const grown = new WholeSlice(capacity);
    grown.version.set(this.version);
    grown.value.set(this.value);
    grown.yoy.set(this.yoy);
    grown.status.set(this.status);
    grown.receivedAt.set(this.receivedAt);
    grown.flags.set(this.flags);
    grown.reason.set(this.reason);
    grown.notes = this.notes;
    for (let i = 0; i < this.by.length; i++) grown.by[i] = this.by[i]!;
    Object.assign(this, grown);
  }

  set(
    i: number,
    f: { value: number; yoy: number | null; status: Status | null; version: number; receivedAt: number; by: string; withdrawn?: boolean; receipted?: boolean; reason?: Reason | null; note?: string | null },
  ): void {
    this.figures = null;
    this.version[i] = f.version;
    this.value[i] = f.value;
    this.yoy[i] = f.yoy ?? Number.NaN;
    this.status[i] = STATUSES.indexOf(f.status);
    this.receivedAt[i] = f.receivedAt;
    this.by[i] = f.by;
    this.flags[i] = (f.withdrawn === true ? WITHDRAWN : 0) | (f.receipted === true ? RECEIPTED : 0);
    this.reason[i] = REASONS.indexOf(f.reason ?? null);
    if (f.note === null || f.note === undefined) this.notes.delete(i);
    else this.notes.set(i, f.note);
  }

  get(i: number | undefined, indicator: string, region: string, period: Period): StoredFigure | undefined {
    if (i === undefined || i >= this.capacity || this.version[i] === 0) return undefined;
    const yoy = this.yoy[i]!;
    return {
      indicator,
      region,
      period,
      value: this.value[i]!,
      yoy: Number.isNaN(yoy) ? null : yoy,
      status: STATUSES[this.status[i]!] ?? null,
      version: this.version[i]!,
      receivedAt: this.receivedAt[i]!,
      by: this.by[i]!,
      withdrawn: (this.flags[i]! & WITHDRAWN) !== 0,
      receipted: (this.flags[i]! & RECEIPTED) !== 0,
      reason: REASONS[this.reason[i]!] ?? null,
      note: this.notes.get(i) ?? null,
    };
  }

  /** Every current figure (withdrawals left out), regions in ordinal order. */
  current(indicator: string, period: Period, regionOf: readonly string[]): Observation[] {
    if (this.figures !== null) return this.figures;
    const out: Observation[] = [];
    for (let i = 0; i < this.capacity; i++) {
      if (this.version[i] === 0 || (this.flags[i]! & WITHDRAWN) !== 0) continue;
      const yoy = this.yoy[i]!;
      out.push({ indicator, region: regionOf[i]!, period, value: this.value[i]!, yoy: Number.isNaN(yoy) ? null : yoy, status: STATUSES[this.status[i]!] ?? null });
    }
    return (this.figures = out);
  }

  /** The values of its current figures by ordinal, NaN where none: what it leaves when evicted. */
  valuesArray(): Float64Array {
    const out = new Float64Array(this.capacity).fill(Number.NaN);
    for (let i = 0; i < this.capacity; i++) if (this.version[i] !== 0 && (this.flags[i]! & WITHDRAWN) === 0) out[i] = this.value[i]!;
    return out;
  }

  /** The value of a current figure (not withdrawn), or undefined. */
  valueAt(i: number | undefined): number | undefined {
    if (i === undefined || i >= this.capacity || this.version[i] === 0 || (this.flags[i]! & WITHDRAWN) !== 0) return undefined;
    return this.value[i];
  }
}

/**
 * Versions of whole slices kept for as-of answers, in version records (about
 * 170 bytes each, measured): ten indicators of four national months, three
 * versions a figure, with their cuts at one instant (about 100 MB).
 */
const VERSIONS_MAX = 600_000;
/**
 * Instants a slice's versions are kept cut at, a slice: as-of answers name
 * few instants (a day's end in REPORT_TZ, a release), asked again and again.
 * A cut shares the slice's version records and copies only the figures it
 * has part of; such a copy costs about one and a half records.
 */
const CUTS_PER_SLICE = 4;
const CUT_FIGURE_COST = 1.5;
/** Months whose figures' versions are kept. */
const HISTORY_SLICES_MAX = 4096;
/** Markers of this instance's own writes remembered: more than can be under way at once. */
const OWN_MARKERS_MAX = 256;
/** Answers kept per indicator: a dashboard's regions and peer sets, several hundred at most. */
const ANSWERS_MAX = 1024;

/** A Map used as an LRU list: reading an entry moves it last. */
/** The figures as received by `until`: a figure whose every version was goes as it is, with no copy. */
export function cutAt(figures: readonly FigureVersions[], until: number): FigureVersions[] {
  const out: FigureVersions[] = [];
  for (const f of figures) {
    let received = 0;
    for (const v of f.versions) if (v.receivedAt <= until) received++;
    if (received === f.versions.length) out.push(f);
    else if (received > 0) out.push({ indicator: f.indicator, region: f.region, period: f.period, versions: f.versions.filter((v) => v.receivedAt <= until) });
  }
  return out;
}

function touch<V>(map: Map<string, V>, key: string): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}

export class SliceMemory {
  /** The change marker the memory is valid at; null: nothing known. */
  private marker: string | null = null;
  /** When the marker was last read and found to be one this memory is valid at (ms). */
  private validatedAt = Number.NEGATIVE_INFINITY;
  /**
   * Markers this instance wrote or is writing: what it knows took in every
   * one of those writes, and writes of its own to different months land in
   * any order, so any of them may be the one InfluxDB holds last.
   */
  private readonly own = new Set<string>();
  private readonly whole = new Map<string, WholeSlice>();
  /** Region slots held by whole slices. */
  private wholeCount = 0;
  /**
   * Indicators known whole: every month that has a point, each known whole
   * (a city's few counties over ten years are small enough to hold).
   */
  private readonly complete = new Map<string, Set<Period>>();
  private readonly values = new Map<string, Float64Array>();
  private valueBytes = 0;
  /** Regions numbered as first seen: a slice's values are indexed by them. */
  private readonly ordinals = new Map<string, number>();
  /**
   * Writes of this instance: a read that overlapped one on the same slice
   * may have seen part of it, and is not kept.
   */
  private serial = 0;
  private readonly writing = new Map<string, number>();
  private readonly lastWrite = new Map<string, number>();
  /**
   * Answers of reads that are not whole slices (the latest month with a
   * figure, a region's series, a figure's versions), by indicator: a write
   * to an indicator drops its answers, and leaves the others'.
   */
  private readonly answers = new Map<string, Map<string, unknown>>();
  /** Versions of single figures, by slice and region: a write drops only the months it writes. */
  private readonly histories = new Map<string, Map<string, unknown>>();
  /** Every version of every figure of a slice (as-of answers), by slice: a write drops the months it writes. */
  private readonly versionSlices = new Map<string, { figures: readonly FigureVersions[]; count: number; cuts: Map<number, { figures: readonly FigureVersions[]; cost: number }> }>();
  private versionCount = 0;
  /**
   * How many regions have figures of an indicator (InfluxDB's index says),
   * by indicator: only a guide to how to read, so this instance's own
   * writes leave it as it was.
   */
  private readonly regionCounts = new Map<string, number>();

  /** Keep what is known only if nothing was written since (the marker is the one last seen). */
  validate(marker: string, now = Date.now()): void {
    this.validatedAt = now;
    if (marker === this.marker || this.own.has(marker)) return;
    this.clear();
    this.marker = marker;
  }

  /** Whether the marker was read within `ms`: then it need not be read again to trust what is known. */
  validatedWithin(ms: number, now = Date.now()): boolean {
    return now - this.validatedAt < ms;
  }

  /** This instance is setting the marker to `marker` after its own write: what it knows stays valid. */
  expect(marker: string): void {
    this.own.add(marker);
    // A bounded list: the last few hundred of this instance's writes.
    if (this.own.size > OWN_MARKERS_MAX) this.own.delete(this.own.values().next().value!);
  }

  /** … and has set it. */
  adopt(marker: string): void {
    this.marker = marker;
  }

  /** Before this instance writes to these slices. */
  beginWrite(slices: Iterable<{ indicator: string; period: Period }>): () => void {
    const serial = ++this.serial;
    const keys = new Set<string>();
    // serial: the write's start; a read taken before it does not see it whole.
    let indicator = '';
    let period = '';
    for (const s of slices) {
      // Rows come month by month: most are of the month before.
      if (s.indicator === indicator && s.period === period) continue;
      indicator = s.indicator;
      period = s.period;
      const key = keyOf(s.indicator, s.period);
      keys.add(key);
      keys.add(wholeKeyOf(s.indicator));
      this.answers.delete(s.indicator);
      this.histories.delete(key);
      this.dropVersions(key);
    }
    for (const key of keys) {
      this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
      this.lastWrite.set(key, serial);
    }
    return () => {
      // The end is an event too: a read begun while the write was under way may have seen half of it.
      const end = ++this.serial;
      for (const key of keys) {
        const n = this.writing.get(key)! - 1;
        if (n === 0) this.writing.delete(key);
        else this.writing.set(key, n);
        this.lastWrite.set(key, end);
      }
    };
  }

  /** Taken when a read starts: what it brings back is kept only if no write touched its slice since. */
  readStamp(): number {
    return this.serial;
  }

  private settled(key: string, stamp: number): boolean {
    return !this.writing.has(key) && (this.lastWrite.get(key) ?? 0) <= stamp;
  }

  /** Every version of a slice's figures, when known. */
  versionsOf(indicator: string, period: Period): readonly FigureVersions[] | undefined {
    return touch(this.versionSlices, keyOf(indicator, period))?.figures;
  }

  /** A slice's figures with the versions received by `until` (those with none left out), when the slice is known. */
  versionsUntil(indicator: string, period: Period, until: number): readonly FigureVersions[] | undefined {
    const entry = touch(this.versionSlices, keyOf(indicator, period));
    if (entry === undefined) return undefined;
    const kept = entry.cuts.get(until);
    if (kept !== undefined) return kept.figures;
    const figures = cutAt(entry.figures, until);
    let cost = 0;
    for (let i = 0; i < figures.length; i++) if (figures[i] !== entry.figures[i]) cost += CUT_FIGURE_COST;
    if (entry.cuts.size >= CUTS_PER_SLICE) {
      const [oldest, old] = entry.cuts.entries().next().value!;
      entry.cuts.delete(oldest);
      entry.count -= old.cost;
      this.versionCount -= old.cost;
    }
    entry.cuts.set(until, { figures, cost });
    entry.count += cost;
    this.versionCount += cost;
    this.boundVersions(entry);
    return figures;
  }

  /** Push out the least recently used slices (never `keep`) until the versions kept fit. */
  private boundVersions(keep: unknown): void {
    for (const [k, v] of this.versionSlices) {
      if (this.versionCount <= VERSIONS_MAX) break;
      if (v === keep) continue;
      this.versionSlices.delete(k);
      this.versionCount -= v.count;
    }
  }

  putVersions(indicator: string, period: Period, figures: readonly FigureVersions[], stamp: number): void {
    const key = keyOf(indicator, period);
    if (!this.settled(key, stamp)) return;
    const count = figures.reduce((n, f) => n + f.versions.length, 0);
    this.dropVersions(key);
    const entry = { figures, count, cuts: new Map() };
    this.versionSlices.set(key, entry);
    this.versionCount += count;
    this.boundVersions(entry);
  }

  private dropVersions(key: string): void {
    const old = this.versionSlices.get(key);
    if (old === undefined) return;
    this.versionSlices.delete(key);
    this.versionCount -= old.count;
  }

  historyOf<T>(indicator: string, period: Period, region: string): T | undefined {
    return this.histories.get(keyOf(indicator, period))?.get(region) as T | undefined;
  }

  putHistory(indicator: string, period: Period, region: string, versions: unknown, stamp: number): void {
    const key = keyOf(indicator, period);
    if (!this.settled(key, stamp)) return;
    let regions = this.histories.get(key);
    if (regions === undefined) {
      // A bounded number of months: beyond it the oldest go.
      if (this.histories.size >= HISTORY_SLICES_MAX) this.histories.delete(this.histories.keys().next().value!);
      this.histories.set(key, (regions = new Map()));
    }
    regions.set(region, versions);
  }

  answerOf<T>(indicator: string, key: string): T | undefined {
    return this.answers.get(indicator)?.get(key) as T | undefined;
  }

  /** An answer of a read that began at `stamp`: kept unless this instance wrote since. */
  putAnswer(indicator: string, key: string, answer: unknown, stamp: number): void {
    if (!this.settled(wholeKeyOf(indicator), stamp)) return;
    let answers = this.answers.get(indicator);
    if (answers === undefined) this.answers.set(indicator, (answers = new Map()));
    if (answers.size >= ANSWERS_MAX) answers.delete(answers.keys().next().value!);
    answers.set(key, answer);
  }

  regionCountOf(indicator: string): number | undefined {
    return this.regionCounts.get(indicator);
  }

  putRegionCount(indicator: string, count: number): void {
    this.regionCounts.set(indicator, count);
  }

  clear(): void {
    this.complete.clear();
    this.own.clear();
    this.regionCounts.clear();
    this.answers.clear();
    this.histories.clear();
    this.versionSlices.clear();
    this.versionCount = 0;
    this.validatedAt = Number.NEGATIVE_INFINITY;
    this.whole.clear();
    this.values.clear();
    this.wholeCount = 0;
    this.valueBytes = 0;
    this.marker = null;
  }

  /** Region codes by ordinal. */
  private readonly codes: string[] = [];

  private ordinal(region: string): number {
    let i = this.ordinals.get(region);
    if (i === undefined) {
      this.ordinals.set(region, (i = this.ordinals.size));
      this.codes.push(region);
    }
    return i;
  }

  /**
   * A known slice's current figures (withdrawals left out), as a read
   * answers them: the same array until a write changes the slice, so a
   * dashboard's repeated rankings cost no copy.
   */
  currentFigures(indicator: string, period: Period): readonly Observation[] | undefined {
    return touch(this.whole, keyOf(indicator, period))?.current(indicator, period, this.codes);
  }

  /** Every current point of a slice (withdrawals included), when known: the point of a region, if any. */
  wholeSlice(indicator: string, period: Period): ((region: string) => StoredFigure | undefined) | undefined {
    const whole = touch(this.whole, keyOf(indicator, period));
    if (whole === undefined) return undefined;
    return (region) => whole.get(this.ordinals.get(region), indicator, region, period);
  }

  /** A slice's values by region (withdrawn figures have none), when known. */
  valuesOf(indicator: string, period: Period): ((region: string) => number | undefined) | undefined {
    const whole = touch(this.whole, keyOf(indicator, period));
    if (whole !== undefined) return (region) => whole.valueAt(this.ordinals.get(region));
    const values = touch(this.values, keyOf(indicator, period));
    if (values === undefined) return undefined;
    return (region) => {
      const i = this.ordinals.get(region);
      const v = i === undefined || i >= values.length ? Number.NaN : values[i]!;
      return Number.isNaN(v) ? undefined : v;
    };
  }

  /** A slice read whole from InfluxDB, by a read that began at `stamp`. */
  putWhole(indicator: string, period: Period, points: readonly StoredFigure[], stamp: number): void {
    const key = keyOf(indicator, period);
    if (!this.settled(key, stamp)) return;
    for (const f of points) this.ordinal(f.region);
    const whole = new WholeSlice(this.ordinals.size);
    for (const f of points) whole.set(this.ordinals.get(f.region)!, f);
    const old = this.whole.get(key);
    if (old !== undefined) this.wholeCount -= old.capacity;
    this.whole.delete(key);
    this.whole.set(key, whole);
    this.wholeCount += whole.capacity;
    // Its values are known through it: a values-only copy would be stale after a write.
    const values = this.values.get(key);
    if (values !== undefined) {
      this.values.delete(key);
      this.valueBytes -= values.byteLength;
    }
    this.evict();
  }

  private evict(): void {
    for (const [k, slice] of this.whole) {
      if (this.wholeCount <= WHOLE_FIGURES_MAX) break;
      this.whole.delete(k);
      this.wholeCount -= slice.capacity;
      // An indicator missing a month is no longer known whole.
      this.complete.delete(k.slice(0, k.indexOf('\u0000')));
      // Its values stay: a month written a year ago is next year's growth base.
      const values = slice.valuesArray();
      this.values.set(k, values);
      this.valueBytes += values.byteLength;
    }
    this.evictValues();
  }

  private evictValues(): void {
    for (const [k, v] of this.values) {
      if (this.valueBytes <= VALUE_BYTES_MAX) break;
      this.values.delete(k);
      this.valueBytes -= v.byteLength;
    }
  }

  /** Every month of `indicator` that has a point, when the indicator is known whole. */
  monthsOf(indicator: string): ReadonlySet<Period> | undefined {
    return this.complete.get(indicator);
  }

  /**
   * An indicator read whole (every point it has), month by month, by a read
   * that began at `stamp`: known whole unless this instance wrote since.
   */
  putIndicator(indicator: string, byMonth: ReadonlyMap<Period, readonly StoredFigure[]>, stamp: number): void {
    if (!this.settled(wholeKeyOf(indicator), stamp)) return;
    for (const [period, points] of byMonth) this.putWhole(indicator, period, points, stamp);
    if ([...byMonth.keys()].every((p) => this.whole.has(keyOf(indicator, p)))) this.complete.set(indicator, new Set(byMonth.keys()));
  }

  /** A slice's values read from InfluxDB (every region with a current figure), by a read that began at `stamp`. */
  putValues(indicator: string, period: Period, figures: ReadonlyArray<{ region: string; value: number }>, stamp: number): void {
    if (!this.settled(keyOf(indicator, period), stamp)) return;
    for (const f of figures) this.ordinal(f.region);
    const values = new Float64Array(this.ordinals.size).fill(Number.NaN);
    for (const f of figures) values[this.ordinals.get(f.region)!] = f.value;
    const key = keyOf(indicator, period);
    const old = this.values.get(key);
    if (old !== undefined) this.valueBytes -= old.byteLength;
    this.values.delete(key);
    this.values.set(key, values);
    this.valueBytes += values.byteLength;
    this.evictValues();
  }

  /** This instance wrote these current versions: slices it knows take them in. */
  wrote(rows: readonly PostedRow[], versions: readonly number[], receivedAt: number, by: string, withdrawn = false): void {
    // Rows come month by month or series by series: the last slice is usually the one.
    let key = '';
    let whole: WholeSlice | undefined;
    let values: Float64Array | undefined;
    const figure = { value: 0, yoy: null as number | null, status: null as Status | null, version: 0, receivedAt, by, withdrawn, reason: null as Reason | null, note: null as string | null };
    let indicator = '';
    let period = '';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row.indicator !== indicator || row.period !== period) {
        indicator = row.indicator;
        period = row.period;
        key = keyOf(indicator, period);
        whole = this.whole.get(key);
        values = this.values.get(key);
        const months = this.complete.get(row.indicator);
        if (months !== undefined) {
          // A new month of an indicator known whole is known whole too, from empty.
          if (whole === undefined) {
            this.whole.set(key, (whole = new WholeSlice(this.ordinals.size + 1)));
            this.wholeCount += whole.capacity;
          }
          months.add(row.period);
        }
      }
      if (whole === undefined && values === undefined) continue;
      const ordinal = this.ordinal(row.region);
      if (whole !== undefined) {
        whole.figures = null;
        if (ordinal >= whole.capacity) {
          const before = whole.capacity;
          // Regions new to this slice: room for every region known, and more.
          whole.grow(Math.max(this.ordinals.size, Math.ceil(before * 1.5)));
          this.wholeCount += whole.capacity - before;
        }
        figure.value = row.value;
        figure.yoy = row.yoy;
        figure.status = row.status;
        figure.version = versions[i]!;
        figure.reason = row.reason ?? null;
        figure.note = row.note ?? null;
        whole.set(ordinal, figure);
      }
      if (values === undefined) continue;
      if (ordinal >= values.length) {
        const grown = new Float64Array(Math.max(this.ordinals.size, Math.ceil(values.length * 1.5))).fill(Number.NaN);
        grown.set(values);
        this.valueBytes += grown.byteLength - values.byteLength;
        this.values.set(key, (values = grown));
      }
      values[ordinal] = withdrawn ? Number.NaN : row.value;
    }
    this.evict();
  }
}
