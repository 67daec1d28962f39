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
import type { Observation, Period, Status } from '../../domain/types.ts';
import type { StoredFigure } from './lines.ts';

/** Region slots of whole slices kept: a national month of 100 indicators (3,000 regions each), about 12 MB. */
export const WHOLE_FIGURES_MAX = 300_000;
/** Values kept: 8 bytes a region and slice; 64 MB holds ten years of 90 indicators for 3,000 regions. */
export const VALUE_BYTES_MAX = 64 * 1024 * 1024;

const keyOf = (indicator: string, period: Period) => `${indicator}\u0000${period}`;

const STATUSES: ReadonlyArray<Status | null> = [null, 'p', 'e', 'r', 'b'];
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

  constructor(capacity: number) {
    this.version = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.yoy = new Float64Array(capacity);
    this.status = new Uint8Array(capacity);
    this.receivedAt = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.by = new Array<string>(capacity).fill('');
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
    for (let i = 0; i < this.by.length; i++) grown.by[i] = this.by[i]!;
    Object.assign(this, grown);
  }

  set(i: number, f: { value: number; yoy: number | null; status: Status | null; version: number; receivedAt: number; by: string; withdrawn?: boolean; receipted?: boolean }): void {
    this.version[i] = f.version;
    this.value[i] = f.value;
    this.yoy[i] = f.yoy ?? Number.NaN;
    this.status[i] = STATUSES.indexOf(f.status);
    this.receivedAt[i] = f.receivedAt;
    this.by[i] = f.by;
    this.flags[i] = (f.withdrawn === true ? WITHDRAWN : 0) | (f.receipted === true ? RECEIPTED : 0);
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
    };
  }

  /** The value of a current figure (not withdrawn), or undefined. */
  valueAt(i: number | undefined): number | undefined {
    if (i === undefined || i >= this.capacity || this.version[i] === 0 || (this.flags[i]! & WITHDRAWN) !== 0) return undefined;
    return this.value[i];
  }
}

/** A Map used as an LRU list: reading an entry moves it last. */
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
  /** The marker this instance is writing now: valid too, once it lands. */
  private coming: string | null = null;
  private readonly whole = new Map<string, WholeSlice>();
  /** Region slots held by whole slices. */
  private wholeCount = 0;
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

  /** Keep what is known only if nothing was written since (the marker is the one last seen). */
  validate(marker: string): void {
    if (marker === this.marker || marker === this.coming) return;
    this.clear();
    this.marker = marker;
  }

  /** This instance is setting the marker to `marker` after its own write: what it knows stays valid. */
  expect(marker: string): void {
    this.coming = marker;
  }

  /** … and has set it. */
  adopt(marker: string): void {
    this.marker = marker;
    if (this.coming === marker) this.coming = null;
  }

  /** Before this instance writes to these slices. */
  beginWrite(slices: Iterable<{ indicator: string; period: Period }>): () => void {
    const serial = ++this.serial;
    const keys = new Set<string>();
    for (const s of slices) keys.add(keyOf(s.indicator, s.period));
    for (const key of keys) {
      this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
      this.lastWrite.set(key, serial);
    }
    return () => {
      for (const key of keys) {
        const n = this.writing.get(key)! - 1;
        if (n === 0) this.writing.delete(key);
        else this.writing.set(key, n);
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

  clear(): void {
    this.whole.clear();
    this.values.clear();
    this.wholeCount = 0;
    this.valueBytes = 0;
    this.marker = null;
  }

  private ordinal(region: string): number {
    let i = this.ordinals.get(region);
    if (i === undefined) this.ordinals.set(region, (i = this.ordinals.size));
    return i;
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
    for (const [k, slice] of this.whole) {
      if (this.wholeCount <= WHOLE_FIGURES_MAX) break;
      this.whole.delete(k);
      this.wholeCount -= slice.capacity;
    }
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
    for (const [k, v] of this.values) {
      if (this.valueBytes <= VALUE_BYTES_MAX) break;
      this.values.delete(k);
      this.valueBytes -= v.byteLength;
    }
  }

  /** This instance wrote these current versions: slices it knows take them in. */
  wrote(rows: readonly Observation[], versions: readonly number[], receivedAt: number, by: string, withdrawn = false): void {
    // Rows come month by month or series by series: the last slice is usually the one.
    let key = '';
    let whole: WholeSlice | undefined;
    let values: Float64Array | undefined;
    const figure = { value: 0, yoy: null as number | null, status: null as Status | null, version: 0, receivedAt, by, withdrawn };
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const k = keyOf(row.indicator, row.period);
      if (k !== key) {
        key = k;
        whole = this.whole.get(key);
        values = this.values.get(key);
      }
      if (whole === undefined && values === undefined) continue;
      const ordinal = this.ordinal(row.region);
      if (whole !== undefined) {
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
  }
}
