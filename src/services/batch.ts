/**
 * A validated batch grouped by series (indicator, region), each series'
 * figures keyed by month index. Plausibility looks up each row's
 * neighbouring months several times; small integer keys inside a series are
 * far cheaper than composite string keys, and these lookups would otherwise
 * be most of the cost of a 50,000-row post.
 */
import { periodIndex, type Period } from '../domain/period.ts';
import type { Figure, Indicator, Observation, SeriesLookup } from '../domain/types.ts';

/** The catalog's codes as ordinals, fixed for the life of one request. */
export class KeySpace {
  constructor(
    readonly indicators: ReadonlyMap<string, { ordinal: number; indicator: Indicator }>,
    readonly regions: ReadonlyMap<string, { ordinal: number }>,
    /** Former code → current code: a figure posted under 331021 is 331083's. */
    readonly renamed: ReadonlyMap<string, string> = new Map(),
    /** Months in which a region exists, for regions that do not always. */
    readonly validity: ReadonlyMap<string, { from: Period | null; to: Period | null }> = new Map(),
  ) {}

  /** A number naming the series (indicator, region), or -1 outside the catalog. */
  seriesKey(indicator: string, region: string): number {
    const i = this.indicators.get(indicator);
    const r = this.regions.get(region);
    return i === undefined || r === undefined ? -1 : i.ordinal * this.regions.size + r.ordinal;
  }
}

/** One series of the batch: what was posted, and what is stored around it. */
export class SeriesSlot {
  readonly posted = new Map<number, BatchEntry>();
  readonly stored = new Map<number, Figure>();
  /** Months already asked of the store. */
  readonly wanted = new Set<number>();
  readonly lookup: SeriesLookup;

  constructor(
    readonly indicator: Indicator,
    readonly region: string,
  ) {
    this.lookup = this.find.bind(this);
  }

  private find(period: Period): Figure | undefined {
    const index = periodIndex(period);
    return this.posted.get(index)?.observation ?? this.stored.get(index);
  }
}

export interface BatchEntry {
  row: number;
  observation: Observation;
  slot: SeriesSlot;
}

export class Batch {
  readonly observations: Observation[] = [];
  readonly entries: BatchEntry[] = [];
  /** Rows taken as they are but worth a word: a former code, a month outside the region's validity. */
  readonly notices: Array<{ row: number; field: string; message: string }> = [];
  private readonly slots = new Map<number, SeriesSlot>();

  constructor(readonly space: KeySpace) {}

  /** Add a valid row; answers the number of an earlier row with the same key, if any. */
  add(row: number, observation: Observation, indicator: Indicator, seriesKey: number): number | undefined {
    let slot = this.slots.get(seriesKey);
    if (slot === undefined) this.slots.set(seriesKey, (slot = new SeriesSlot(indicator, observation.region)));
    const index = periodIndex(observation.period);
    const earlier = slot.posted.get(index);
    if (earlier !== undefined) return earlier.row;
    const entry = { row, observation, slot };
    slot.posted.set(index, entry);
    this.entries.push(entry);
    this.observations.push(observation);
    return undefined;
  }

  /** The slot of a stored figure's series, if the batch has that series. */
  slotOf(indicator: string, region: string): SeriesSlot | undefined {
    return this.slots.get(this.space.seriesKey(indicator, region));
  }
}
