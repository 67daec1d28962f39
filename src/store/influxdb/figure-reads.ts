/**
 * Figures read from InfluxDB: current figures at keys (a write's
 * comparisons), values for the plausibility checks, slices, series, the
 * latest month with figures, versions. How to read (whole months or series
 * by series, a small indicator whole) is decided here; what is kept of what
 * was read is the memory layer's (memory/slices.ts), lent through `kept`:
 * used bare, nothing is.
 */
import type { StoredVersion } from '../../domain/publication.ts';
import { periodRange, shiftPeriod } from '../../domain/period.ts';
import type { Observation, ObservationKey, Period } from '../../domain/types.ts';
import { cutAt, type SliceMemory } from '../memory/slices.ts';
import type { FigureVersions } from '../store.ts';
import { figuresOf, keyOf, plain, receiptsOf, stamp, versionsOf } from './figures.ts';
import { column, type Result } from './http.ts';
import type { KnownSeries } from './known-series.ts';
import type { StoredFigure } from './lines.ts';
import { periodTime, secondsToPeriod, statement, type Statement } from './queries.ts';
import { type Receipt, sliceKey } from './receipts.ts';
import { EMPTY, FAR_FUTURE, FAR_PAST } from './store-context.ts';

/**
 * Region sets up to this size are filtered in the query; larger ones read the
 * whole month (InfluxDB 1.x slows sharply on long OR chains).
 */
export const REGION_FILTER_MAX = 64;
/**
 * An indicator with figures for at most this many regions is read a whole
 * month at a time even for a few peers, and the month kept: it costs little
 * more than the peers' points, and the next ask costs nothing.
 */
const WHOLE_READ_REGIONS = 500;
/**
 * Reading a month for every region costs about as much as this many
 * one-series range statements: below it, figures are fetched series by series.
 */
const SERIES_PER_SLICE = 200;
/**
 * Months read after one whose values are wanted: in a month-by-month load
 * they hold nothing yet, an empty month costs InfluxDB about as much to read
 * as a full one, and once read empty the next months need no reading.
 */
const VALUES_READ_AHEAD = 3;
export const current = (f: StoredFigure) => f.withdrawn !== true;

/** Current points (withdrawals included) at the keys a batch asked about. */
export interface CurrentFigures {
  get(indicator: string, region: string, period: Period): StoredFigure | undefined;
  /** Every one found, in the order of the keys. */
  all(): StoredFigure[];
}

/** Which regions have figures of an indicator, asked of InfluxDB once per batch. */
export class SeriesIndex {
  private readonly asked = new Map<string, Promise<Set<string>>>();

  constructor(private readonly store: FigureReads) {}

  async regionsOf(indicators: readonly string[]): Promise<Map<string, Set<string>>> {
    const missing = indicators.filter((i) => !this.asked.has(i));
    if (missing.length > 0) {
      const answer = this.store.regionsWithFigures(missing);
      for (const i of missing) this.asked.set(i, answer.then((m) => m.get(i) ?? new Set<string>()));
    }
    return new Map(await Promise.all(indicators.map(async (i) => [i, await this.asked.get(i)!] as const)));
  }
}

export class FigureReads {
  constructor(
    private readonly run: (statements: readonly Statement[]) => Promise<Result[]>,
    private readonly kept: () => SliceMemory,
    private readonly knownSeries: KnownSeries,
  ) {}

  private get memory(): SliceMemory {
    return this.kept();
  }

  /**
   * Keys grouped by indicator: each read month by month (many regions in
   * few months: whole slices, which this instance may already know) or
   * series by series (few series over many months).
   */
  private async plan(keys: ReadonlyArray<ObservationKey>) {
    const byIndicator = new Map<string, { series: Map<string, { from: Period; to: Period }>; slices: Map<Period, Set<string>> }>();
    for (const k of keys) {
      let i = byIndicator.get(k.indicator);
      if (i === undefined) byIndicator.set(k.indicator, (i = { series: new Map(), slices: new Map() }));
      const range = i.series.get(k.region);
      if (range === undefined) i.series.set(k.region, { from: k.period, to: k.period });
      else {
        if (k.period < range.from) range.from = k.period;
        if (k.period > range.to) range.to = k.period;
      }
      let slice = i.slices.get(k.period);
      if (slice === undefined) i.slices.set(k.period, (slice = new Set()));
      slice.add(k.region);
    }
    const out = [];
    for (const [indicator, i] of byIndicator) {
      // A small indicator is read whole months at a time, and they are known from then on.
      const bySlice = i.series.size > SERIES_PER_SLICE * i.slices.size || (await this.regionCount(indicator)) <= WHOLE_READ_REGIONS;
      out.push({ indicator, ...i, bySlice });
    }
    return out;
  }

  /**
   * Current figures (with their bookkeeping, withdrawals included) at these
   * keys, keyed by indicator/region/period.
   */
  async current(keys: ReadonlyArray<ObservationKey>, known?: SeriesIndex): Promise<CurrentFigures> {
    const slices = new Map<string, ((region: string) => StoredFigure | undefined) | null>();
    const read = new Map<string, StoredFigure>();
    // Rows come month by month: the last month asked about is usually the next one's.
    let lastIndicator = '';
    let lastPeriod = '';
    let lastWhole: ((region: string) => StoredFigure | undefined) | null | undefined;
    const lookup: CurrentFigures = {
      get: (indicator, region, period) => {
        if (indicator !== lastIndicator || period !== lastPeriod) {
          lastIndicator = indicator;
          lastPeriod = period;
          lastWhole = slices.get(sliceKey(indicator, period));
        }
        return lastWhole ? lastWhole(region) : read.get(keyOf(indicator, region, period));
      },
      all: () => {
        const out: StoredFigure[] = [];
        for (const k of keys) {
          const f = lookup.get(k.indicator, k.region, k.period);
          if (f !== undefined) out.push(f);
        }
        return out;
      },
    };
    if (keys.length === 0) return lookup;
    await this.memory.fresh();
    // Slices this instance knows answer first; the rest are read. Keys come month by month or
    // series by series, so the last slice looked up is usually the next one's.
    const rest: ObservationKey[] = [];
    let indicator = '';
    let period = '';
    let whole: ((region: string) => StoredFigure | undefined) | null = null;
    for (const k of keys) {
      if (k.indicator !== indicator || k.period !== period) {
        indicator = k.indicator;
        period = k.period;
        const key = sliceKey(indicator, period);
        whole = slices.get(key) ?? this.memory.wholeSlice(indicator, period) ?? null;
        slices.set(key, whole);
      }
      if (whole === null) rest.push(k);
    }
    lastIndicator = '';
    if (rest.length === 0) return lookup;
    const plan = await this.plan(rest);
    const stamp = this.memory.readStamp();
    const statements: Statement[] = [];
    const readers: Array<(result: Result) => void> = [];
    const keep = (points: readonly StoredFigure[]) => {
      for (const f of points) read.set(keyOf(f.indicator, f.region, f.period), f);
    };
    const bySeries = plan.filter((p) => !p.bySlice);
    // Series that do not exist hold no figure: the index says which do, without reading any point.
    const existing = bySeries.length === 0 ? new Map<string, Set<string>>() : await (known ?? new SeriesIndex(this)).regionsOf(bySeries.map((p) => p.indicator));
    for (const { indicator, series, slices: months, bySlice } of plan) {
      if (bySlice) {
        for (const period of months.keys()) {
          statements.push(statement('current-slice', statements.length, { indicator, time: periodTime(period) }));
          readers.push((result) => {
            const points = figuresOf(result, indicator, { period });
            this.memory.putWhole(indicator, period, points, stamp);
            keep(points);
          });
        }
        continue;
      }
      for (const [region, range] of series) {
        if (existing.get(indicator)?.has(region) !== true) continue;
        statements.push(statement('current-series', statements.length, { indicator, region, from: periodTime(range.from), to: periodTime(range.to) }));
        readers.push((result) => keep(figuresOf(result, indicator, { region })));
      }
    }
    (await this.run(statements)).forEach((result, n) => readers[n]!(result));
    return lookup;
  }

  /** Values at these keys (current figures only): whole slices' values, known or read with the value field alone. */
  async valuesAt(keys: ReadonlyArray<ObservationKey>, known: SeriesIndex): Promise<Array<ObservationKey & { value: number }>> {
    if (keys.length === 0) return [];
    await this.memory.fresh();
    const out: Array<ObservationKey & { value: number }> = [];
    const rest: ObservationKey[] = [];
    let indicator = '';
    let period = '';
    let valueOf: ((region: string) => number | undefined) | undefined;
    // Keys come row by row, each row's months in turn: each slice is looked up once.
    const slices = new Map<string, ((region: string) => number | undefined) | undefined>();
    for (const k of keys) {
      if (k.indicator !== indicator || k.period !== period) {
        indicator = k.indicator;
        period = k.period;
        const key = sliceKey(indicator, period);
        if (slices.has(key)) valueOf = slices.get(key);
        else slices.set(key, (valueOf = this.memory.valuesOf(indicator, period)));
      }
      if (valueOf === undefined) rest.push(k);
      else {
        const value = valueOf(k.region);
        if (value !== undefined) out.push({ indicator: k.indicator, region: k.region, period: k.period, value });
      }
    }
    if (rest.length === 0) return out;
    const plan = await this.plan(rest);
    const bySeries = new Set(plan.filter((p) => !p.bySlice).map((p) => p.indicator));
    const seriesKeys = rest.filter((k) => bySeries.has(k.indicator));
    for (const f of (await this.current(seriesKeys, known)).all()) if (current(f)) out.push({ indicator: f.indicator, region: f.region, period: f.period, value: f.value });
    const statements: Statement[] = [];
    const readers: Array<(result: Result) => void> = [];
    const stamp = this.memory.readStamp();
    for (const { indicator, slices, bySlice } of plan) {
      if (!bySlice) continue;
      for (const [period, regions] of slices) {
        const months = periodRange(period, shiftPeriod(period, VALUES_READ_AHEAD));
        statements.push(statement('values-range', statements.length, { indicator, from: periodTime(period), to: periodTime(months.at(-1)!) }));
        readers.push((result) => {
          const [time, region, value, meta] = ['time', 'region', 'value', 'meta'].map((c) => column(result, c)) as [number, number, number, number];
          const byMonth = new Map<Period, Array<{ region: string; value: number; withdrawn: boolean }>>(months.map((m) => [m, []]));
          for (const row of result.rows) {
            byMonth.get(secondsToPeriod(Number(row[time])))?.push({ region: String(row[region]), value: Number(row[value]), withdrawn: String(row[meta] ?? '').includes(';d=1') });
          }
          for (const [month, points] of byMonth) {
            const figures = points.filter((p) => !p.withdrawn);
            // A month with no point at all is known whole: there is nothing in it to revise.
            if (points.length === 0) this.memory.putWhole(indicator, month, [], stamp);
            else if (month === period || this.memory.valuesOf(indicator, month) === undefined) this.memory.putValues(indicator, month, figures, stamp);
          }
          const byRegion = new Map(byMonth.get(period)!.filter((p) => !p.withdrawn).map((f) => [f.region, f.value]));
          for (const r of regions) {
            const v = byRegion.get(r);
            if (v !== undefined) out.push({ indicator, region: r, period, value: v });
          }
        });
      }
    }
    (await this.run(statements)).forEach((result, n) => readers[n]!(result));
    return out;
  }

  /**
   * The months of a small indicator (figures for at most WHOLE_READ_REGIONS
   * regions), held whole in memory after one read of everything it has;
   * undefined for a large one.
   */
  private async wholeIndicator(indicator: string): Promise<ReadonlySet<Period> | undefined> {
    const known = this.memory.monthsOf(indicator);
    if (known !== undefined) return known;
    if ((await this.regionCount(indicator)) > WHOLE_READ_REGIONS) return undefined;
    const stamp = this.memory.readStamp();
    const [result = EMPTY] = await this.run([statement('indicator-all', 0, { indicator })]);
    const byMonth = new Map<Period, StoredFigure[]>();
    for (const f of figuresOf(result, indicator, {})) {
      const list = byMonth.get(f.period);
      if (list === undefined) byMonth.set(f.period, [f]);
      else list.push(f);
    }
    this.memory.putIndicator(indicator, byMonth, stamp);
    return this.memory.monthsOf(indicator);
  }

  /** How many regions have figures of an indicator: known, or asked of InfluxDB's index. */
  private async regionCount(indicator: string): Promise<number> {
    const known = this.memory.regionCountOf(indicator);
    if (known !== undefined) return known;
    const count = (await this.regionsWithFigures([indicator])).get(indicator)?.size ?? 0;
    this.memory.putRegionCount(indicator, count);
    return count;
  }

  /** Regions with any figure of each indicator, from InfluxDB's index. */
  async regionsWithFigures(indicators: readonly string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    (await this.run(indicators.map((indicator, n) => statement('regions-with-figures', n, { indicator })))).forEach((result, n) => {
      const value = column(result, 'value');
      const regions = new Set(result.rows.map((row) => String(row[value])));
      out.set(indicators[n]!, regions);
      this.knownSeries.addAll(indicators[n]!, regions);
    });
    return out;
  }

  /** Receipts of the batches that wrote figures of these indicators and months. */
  private async receiptsFor(slices: ReadonlyArray<{ indicator: string; period: Period }>): Promise<Map<string, Receipt[]>> {
    const out = new Map<string, Receipt[]>();
    (await this.run(slices.map(({ indicator, period }, n) => statement('receipts', n, { indicator, time: periodTime(period) })))).forEach((result, n) => {
      const { indicator, period } = slices[n]!;
      out.set(sliceKey(indicator, period), receiptsOf(result));
    });
    return out;
  }

  /** Receive time and poster of first versions, from their receipts. */
  async fillFromReceipts(figures: StoredFigure[]): Promise<void> {
    const open = figures.filter((f) => f.receipted === true);
    if (open.length === 0) return;
    const slices = new Map<string, { indicator: string; period: Period }>();
    for (const f of open) slices.set(sliceKey(f.indicator, f.period), { indicator: f.indicator, period: f.period });
    const found = await this.receiptsFor([...slices.values()]);
    for (const f of open) stamp(f, found.get(sliceKey(f.indicator, f.period)) ?? []);
  }

  async figuresAt(keys: readonly ObservationKey[]): Promise<Observation[]> {
    if (keys.length === 0) return [];
    return (await this.current(keys)).all().filter(current).map(plain);
  }

  /** Current points (withdrawals included) of one indicator in these months, for these regions. */
  async currentPoints(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<StoredFigure[]> {
    if (regions !== null && regions.length === 0) return [];
    const list = [...new Set(periods)];
    const filter = regions !== null && regions.length <= REGION_FILTER_MAX ? [...regions] : null;
    const results = await this.run(list.map((period, n) => statement('current-slice', n, { indicator, time: periodTime(period) }, filter)));
    const wanted = regions === null || filter !== null ? null : new Set(regions);
    const out: StoredFigure[] = [];
    results.forEach((result, n) => {
      for (const f of figuresOf(result, indicator, { period: list[n]! })) if (wanted === null || wanted.has(f.region)) out.push(f);
    });
    return out;
  }

  /**
   * Current figures of one indicator at these periods: from the slices this
   * instance knows (valid while the change marker says nobody else wrote,
   * checked at most every CHANGE_CHECK_MS, as answers are), else read —
   * whole when most regions are wanted, and then known from then on.
   */
  async slices(indicator: string, periods: readonly Period[], regions: readonly string[] | null): Promise<Observation[]> {
    if (regions !== null && regions.length === 0) return [];
    const wanted = regions === null ? null : new Set(regions);
    const out: Observation[] = [];
    const take = (figures: readonly Observation[]) => {
      for (const f of figures) if (wanted === null || wanted.has(f.region)) out.push(f);
    };
    const unknown: Period[] = [];
    for (const period of new Set(periods)) {
      const known = this.memory.currentFigures(indicator, period);
      if (known !== undefined) take(known);
      else unknown.push(period);
    }
    if (unknown.length === 0) return out;
    // A small indicator is read whole once; a month it does not have is empty.
    const months = await this.wholeIndicator(indicator);
    if (months !== undefined) {
      for (const period of unknown) {
        const known = months.has(period) ? this.memory.currentFigures(indicator, period) : [];
        if (known !== undefined) take(known);
      }
      return out;
    }
    const stamp = this.memory.readStamp();
    if (regions !== null && regions.length <= REGION_FILTER_MAX && (await this.regionCount(indicator)) > WHOLE_READ_REGIONS) {
      for (const f of await this.currentPoints(indicator, unknown, regions)) if (current(f)) out.push(plain(f));
      return out;
    }
    const points = await this.currentPoints(indicator, unknown, null);
    const byPeriod = new Map<Period, StoredFigure[]>(unknown.map((p) => [p, []]));
    for (const f of points) byPeriod.get(f.period)?.push(f);
    for (const [period, list] of byPeriod) this.memory.putWhole(indicator, period, list, stamp);
    for (const f of points) if (current(f) && (wanted === null || wanted.has(f.region))) out.push(plain(f));
    return out;
  }

  async series(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const months = await this.wholeIndicator(indicator);
    if (months === undefined) return this.readSeries(indicator, region, from, to);
    const out: Observation[] = [];
    for (const period of [...months].sort()) {
      if ((from !== null && period < from) || (to !== null && period > to)) continue;
      const f = this.memory.wholeSlice(indicator, period)?.(region);
      if (f !== undefined && current(f)) out.push(plain(f));
    }
    return out;
  }

  private async readSeries(indicator: string, region: string, from: Period | null, to: Period | null): Promise<Observation[]> {
    const [result = EMPTY] = await this.run([
      statement('current-series', 0, { indicator, region, from: from === null ? FAR_PAST : periodTime(from), to: to === null ? FAR_FUTURE : periodTime(to) }),
    ]);
    return figuresOf(result, indicator, { region }).filter(current).map(plain);
  }

  async latestPeriodBefore(indicator: string, before: Period, regions: readonly string[] | null, options: { withdrawn?: boolean } = {}): Promise<Period | null> {
    if (regions !== null && regions.length === 0) return null;
    const months = await this.wholeIndicator(indicator);
    if (months !== undefined) {
      const wanted = regions === null ? null : new Set(regions);
      for (const period of [...months].filter((p) => p < before).sort().reverse()) {
        if (options.withdrawn === true) {
          // Any point counts, a withdrawal included: a figure was there once.
          const whole = this.memory.wholeSlice(indicator, period);
          if (regions === null || regions.some((r) => whole?.(r) !== undefined)) return period;
          continue;
        }
        if ((this.memory.currentFigures(indicator, period) ?? []).some((f) => wanted === null || wanted.has(f.region))) return period;
      }
      return null;
    }
    return this.findLatestBefore(indicator, before, regions, options);
  }

  private async findLatestBefore(indicator: string, before: Period, regions: readonly string[] | null, options: { withdrawn?: boolean }): Promise<Period | null> {
    const filter = regions !== null && regions.length <= REGION_FILTER_MAX ? [...regions] : null;
    let bound = periodTime(before);
    // Each step moves to an earlier month with figures: bounded by the months stored.
    for (;;) {
      const [result = EMPTY] = await this.run([statement('latest-before', 0, { indicator, before: bound }, filter)]);
      const row = result.rows[0];
      if (row === undefined) return null;
      const period = secondsToPeriod(Number(row[column(result, 'time')]));
      const withdrawn = options.withdrawn !== true && String(row[column(result, 'meta')] ?? '').includes(';d=1');
      if (regions === null && !withdrawn) return period;
      if (filter !== null && !withdrawn) return period;
      // A wider peer set, or a withdrawn point: is any wanted figure of that month current?
      const points = await this.currentPoints(indicator, [period], regions);
      if (points.some((f) => options.withdrawn === true || current(f))) return period;
      bound = periodTime(period);
    }
  }

  async history(key: ObservationKey): Promise<StoredVersion[]> {
    return (await this.versions(key.indicator, [key.period], [key.region], null))[0]?.versions ?? [];
  }

  /**
   * Every version received by `until` of one indicator's figures at these
   * periods: whole months are kept (as-of rankings ask for the same months
   * again and again) until a write touches them.
   */
  async versions(indicator: string, periods: readonly Period[], regions: readonly string[] | null, until: number | null): Promise<FigureVersions[]> {
    if (regions !== null && regions.length === 0) return [];
    const wanted = regions === null ? null : new Set(regions);
    const out: FigureVersions[] = [];
    const unknown: Period[] = [];
    const take = (figures: readonly FigureVersions[]) => {
      for (const f of figures) if (wanted === null || wanted.has(f.region)) out.push(f);
    };
    const known = (period: Period) => (until === null ? this.memory.versionsOf(indicator, period) : this.memory.versionsUntil(indicator, period, until));
    for (const period of new Set(periods)) {
      const figures = known(period);
      if (figures !== undefined) take(figures);
      else unknown.push(period);
    }
    if (unknown.length === 0) return out;
    // Whole months for many regions (as-of rankings); a figure's own versions (history) are read alone, as history keeps them.
    const whole = regions === null || regions.length > REGION_FILTER_MAX;
    const stamp = this.memory.readStamp();
    const read = await this.readVersions(indicator, unknown, whole ? null : regions);
    for (const [period, figures] of read) {
      if (whole) this.memory.putVersions(indicator, period, figures, stamp);
      // Kept, the slice is cut from memory (and the cut kept with it); else here.
      take((whole ? known(period) : undefined) ?? (until === null ? figures : cutAt(figures, until)));
    }
    return out;
  }

  /** Every version of the figures of these months (for these regions, or all), month by month. */
  private async readVersions(indicator: string, list: readonly Period[], regions: readonly string[] | null): Promise<Map<Period, FigureVersions[]>> {
    const filter = regions === null ? null : [...regions];
    const statements: Statement[] = [];
    for (const period of list) {
      const time = periodTime(period);
      statements.push(
        statement('current-slice', statements.length, { indicator, time }, filter),
        statement('revisions-slice', statements.length + 1, { indicator, time }, filter),
        statement('receipts', statements.length + 2, { indicator, time }),
      );
    }
    const results = await this.run(statements);
    const out = new Map<Period, FigureVersions[]>();
    list.forEach((period, i) => {
      const points = figuresOf(results[3 * i] ?? EMPTY, indicator, { period });
      const revisions = figuresOf(results[3 * i + 1] ?? EMPTY, indicator, { period });
      const receipts = receiptsOf(results[3 * i + 2] ?? EMPTY);
      out.set(period, versionsOf(points, revisions, () => receipts, null));
    });
    return out;
  }

  async seriesVersions(indicator: string, region: string, from: Period | null, to: Period | null, until: number | null): Promise<FigureVersions[]> {
    const range = { indicator, region, from: from === null ? FAR_PAST : periodTime(from), to: to === null ? FAR_FUTURE : periodTime(to) };
    const [currentResult = EMPTY, revisionResult = EMPTY] = await this.run([statement('current-series', 0, range), statement('revisions-series', 1, range)]);
    const points = figuresOf(currentResult, indicator, { region });
    const revisions = figuresOf(revisionResult, indicator, { region });
    const receipts = await this.receiptsFor([...new Set(points.filter((p) => p.receipted === true).map((p) => p.period))].map((period) => ({ indicator, period })));
    return versionsOf(points, revisions, (period) => receipts.get(sliceKey(indicator, period)) ?? [], until).sort((a, b) => (a.period < b.period ? -1 : 1));
  }
}
