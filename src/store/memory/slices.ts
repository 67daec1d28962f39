/**
 * Whole slices (one indicator's figures in one month, every region) kept
 * for an adapter that reads and writes in parts (InfluxDB): read by it or
 * written by this instance, kept while trust.ts says so. A bureau posts
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
import { foreignKey, indicatorKey as wholeKeyOf, monthsOf, sliceKey as keyOf, type Trust } from './trust.ts';

export interface Bookkeeping {
  version: number;
  receivedAt: number;
  by: string;
  /** The version withdraws the figure (posted in error). */
  withdrawn?: boolean;
  /** Why the version changes the figure, and a note (absent or null: not given). */
  reason?: Reason | null;
  note?: string | null;
}

/** A current point as an adapter reads or writes it: the figure and its version's bookkeeping. */
export interface KeptPoint extends Observation, Bookkeeping {
  /** A first version whose receivedAt and by are in its batch's receipt (InfluxDB), not in the point. */
  receipted?: boolean;
}
type StoredFigure = KeptPoint;

/** Region slots of whole slices kept: a national month of 300 indicators (3,000 regions each), about 35 MB. */
export const WHOLE_FIGURES_MAX = 1_000_000;
/**
 * Figures of slices kept as their figures alone (SQLite): dashboards ask for
 * the same rankings over and over. About 25 MB: 64 national slices of 3,000
 * regions, or every month of a city's indicators.
 */
export const FIGURE_SLICES_FIGURES_MAX = 200_000;
/** Values kept: 8 bytes a region and slice; 64 MB holds ten years of 90 indicators for 3,000 regions. */
export const VALUE_BYTES_MAX = 64 * 1024 * 1024;

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
  private readonly whole = new Map<string, WholeSlice>();
  /** Current figures alone, of an adapter whose reads carry no bookkeeping (SQLite), least recently used dropped first. */
  private readonly figureSlices = new Map<string, readonly Observation[]>();
  private figureCount = 0;
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
  /** Every version of every figure of a slice (as-of answers), by slice: a write drops the months it writes. */
  private readonly versionSlices = new Map<string, { figures: readonly FigureVersions[]; count: number; cuts: Map<number, { figures: readonly FigureVersions[]; cost: number }> }>();
  private versionCount = 0;
  /**
   * How many regions have figures of an indicator (InfluxDB's index says),
   * by indicator: only a guide to how to read, so this instance's own
   * writes leave it as it was.
   */
  private readonly regionCounts = new Map<string, number>();

  /**
   * @param trust when what is kept may be trusted; null: nothing is kept (an adapter used bare).
   * @param check reads the store's state when it was not read recently (before a write compares).
   */
  constructor(
    readonly trust: Trust | null,
    private readonly check: () => Promise<void> = async () => {},
  ) {
    trust?.onForget(() => this.clear());
    // This instance's own writes are taken in (wrote) or dropped by month (dropSlices) by the adapter.
    trust?.onDrop((indicator, foreign) => {
      if (foreign) this.dropIndicator(indicator);
    });
  }

  /** Before a write compares with what is kept: the store's state read recently, so nobody else wrote meanwhile. */
  async fresh(): Promise<void> {
    if (this.trust !== null && !this.trust.freshEnough()) await this.check();
  }

  /** A write's outcome is unknown (cut short): nothing kept may be trusted. */
  lost(): void {
    this.trust?.unknown();
  }

  /** This instance is about to leave `marker` in the store. */
  expect(marker: string): void {
    this.trust?.expect(marker);
  }

  /** Before this instance writes to these slices: answers the write's end. */
  beginWrite(slices: Iterable<{ indicator: string; period: Period }>): () => void {
    if (this.trust === null) return () => {};
    const months = monthsOf(slices);
    for (const { indicator, period } of months) this.dropVersions(keyOf(indicator, period));
    return this.trust.beginWrite(months);
  }

  /** Taken when a read starts: what it brings back is kept only if no write touched its slice since. */
  readStamp(): number {
    return this.trust?.readStamp() ?? 0;
  }

  /**
   * A month's read is kept only if nothing touched that month since
   * `stamp`, nor another instance the indicator; a whole indicator's, only
   * if nothing touched any of its months.
   */
  private settled(indicator: string, period: Period | null, stamp: number): boolean {
    if (this.trust === null) return false;
    if (period === null) return this.trust.settled(wholeKeyOf(indicator), stamp);
    return this.trust.settled(keyOf(indicator, period), stamp) && this.trust.settled(foreignKey(indicator), stamp);
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
    if (!this.settled(indicator, period, stamp)) return;
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

  regionCountOf(indicator: string): number | undefined {
    return this.regionCounts.get(indicator);
  }

  putRegionCount(indicator: string, count: number): void {
    if (this.trust !== null) this.regionCounts.set(indicator, count);
  }

  private clear(): void {
    this.figureSlices.clear();
    this.figureCount = 0;
    this.complete.clear();
    this.regionCounts.clear();
    this.versionSlices.clear();
    this.versionCount = 0;
    this.whole.clear();
    this.values.clear();
    this.wholeCount = 0;
    this.valueBytes = 0;
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
    const key = keyOf(indicator, period);
    return touch(this.whole, key)?.current(indicator, period, this.codes) ?? touch(this.figureSlices, key);
  }

  /** Whether a slice's current figures are kept (nothing moves in the order kept). */
  holds(indicator: string, period: Period): boolean {
    const key = keyOf(indicator, period);
    return this.whole.has(key) || this.figureSlices.has(key);
  }

  /**
   * A slice's current figures as an adapter without bookkeeping in its
   * reads (SQLite) read them, by a read that began at `stamp`: answered by
   * `currentFigures` and `valuesOf`, never as points to compare a write with.
   */
  putFigures(indicator: string, period: Period, figures: readonly Observation[], stamp: number): void {
    if (!this.settled(indicator, period, stamp)) return;
    const key = keyOf(indicator, period);
    this.dropFigures(key);
    this.figureSlices.set(key, figures);
    this.figureCount += figures.length;
    for (const oldest of this.figureSlices.keys()) {
      if (this.figureCount <= FIGURE_SLICES_FIGURES_MAX || oldest === key) break;
      this.dropFigures(oldest);
    }
  }

  private dropFigures(key: string): void {
    const kept = this.figureSlices.get(key);
    if (kept === undefined) return;
    this.figureSlices.delete(key);
    this.figureCount -= kept.length;
  }

  /** Another instance wrote figures of `indicator`: nothing kept of it stays. */
  private dropIndicator(indicator: string): void {
    const prefix = keyOf(indicator, '');
    const keys = new Set<string>();
    for (const map of [this.figureSlices, this.whole, this.values, this.versionSlices]) for (const key of map.keys()) if (key.startsWith(prefix)) keys.add(key);
    for (const key of keys) this.dropMonth(key);
    this.complete.delete(indicator);
    this.regionCounts.delete(indicator);
  }

  /** This instance wrote these months, and does not take its writes in (SQLite): what is kept of them goes. */
  dropSlices(slices: Iterable<{ indicator: string; period: Period }>): void {
    for (const { indicator, period } of slices) {
      this.dropMonth(keyOf(indicator, period));
      this.complete.delete(indicator);
    }
  }

  /** Everything kept of one month: figures, the whole slice, values, versions. */
  private dropMonth(key: string): void {
    this.dropFigures(key);
    this.dropVersions(key);
    const whole = this.whole.get(key);
    if (whole !== undefined) {
      this.whole.delete(key);
      this.wholeCount -= whole.capacity;
    }
    const values = this.values.get(key);
    if (values !== undefined) {
      this.values.delete(key);
      this.valueBytes -= values.byteLength;
    }
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
    if (!this.settled(indicator, period, stamp)) return;
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
    if (!this.settled(indicator, null, stamp)) return;
    for (const [period, points] of byMonth) this.putWhole(indicator, period, points, stamp);
    if ([...byMonth.keys()].every((p) => this.whole.has(keyOf(indicator, p)))) this.complete.set(indicator, new Set(byMonth.keys()));
  }

  /** A slice's values read from InfluxDB (every region with a current figure), by a read that began at `stamp`. */
  putValues(indicator: string, period: Period, figures: ReadonlyArray<{ region: string; value: number }>, stamp: number): void {
    if (!this.settled(indicator, period, stamp)) return;
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
