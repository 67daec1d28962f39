/** The release calendar's routes' work (API.md "Release calendar and embargo"). */
import { iso, parseInstant } from '../domain/instant.ts';
import { releaseInForce } from '../domain/publication.ts';
import type { Period } from '../domain/types.ts';
import { ApiError, type ErrorDetail } from '../errors.ts';
import type { CatalogService } from './catalog.ts';
import type { ReleaseCalendar } from './release-calendar.ts';

export class ReleaseService {
  constructor(
    private readonly calendar: ReleaseCalendar,
    private readonly catalog: CatalogService,
    private readonly clock: () => number,
  ) {}


  /** Set or move release times, all or nothing. */
  async put(entries: ReadonlyArray<{ indicator: string; period: Period; releaseAt: string }>, by: string): Promise<number> {
    const details: ErrorDetail[] = [];
    const seen = new Map<string, number>();
    entries.forEach((e, i) => {
      const row = i + 1;
      if (this.catalog.findIndicator(e.indicator) === undefined) details.push({ row, field: 'indicator', message: `unknown indicator ${e.indicator}` });
      const key = `${e.indicator} ${e.period}`;
      const first = seen.get(key);
      if (first !== undefined) details.push({ row, field: 'period', message: `${e.indicator} / ${e.period} is also in row ${first}` });
      else seen.set(key, row);
    });
    if (details.length > 0) throw new ApiError('validation_failed', `${new Set(details.map((d) => d.row)).size} of ${entries.length} releases are invalid; nothing was stored`, { details });
    const changedAt = this.clock();
    await this.calendar.set(entries.map((e) => ({ indicator: e.indicator, period: e.period, setting: { releaseAt: parseInstant(e.releaseAt)!, changedAt, by } })));
    return entries.length;
  }

  /** End a month's embargo now: from then on it is public on receipt. */
  async end(indicator: string, period: Period, by: string): Promise<void> {
    this.catalog.indicator(indicator);
    if (!this.calendar.has(indicator, period)) {
      throw new ApiError('not_found', `${indicator} has no release time for ${period}`, { details: [{ field: 'period', message: 'no release time' }] });
    }
    await this.calendar.set([{ indicator, period, setting: { releaseAt: null, changedAt: this.clock(), by } }]);
  }

  async list(q: { indicator?: string | undefined; from?: Period | undefined; to?: Period | undefined }) {
    if (q.indicator !== undefined) this.catalog.indicator(q.indicator);
    const now = this.clock();
    const releases = this.calendar
      .list()
      .filter((e) => (q.indicator === undefined || e.indicator === q.indicator) && (q.from === undefined || e.period >= q.from) && (q.to === undefined || e.period <= q.to))
      .sort((a, b) => (a.period !== b.period ? (a.period < b.period ? -1 : 1) : a.indicator < b.indicator ? -1 : a.indicator > b.indicator ? 1 : 0))
      .map((e) => {
        const inForce = releaseInForce(e.changes, now);
        return {
          indicator: e.indicator,
          period: e.period,
          releaseAt: inForce === null ? null : iso(inForce),
          released: inForce === null || inForce <= now,
          changes: e.changes.map((c) => ({ releaseAt: c.releaseAt === null ? null : iso(c.releaseAt), changedAt: iso(c.changedAt), by: c.by })),
        };
      });
    for (const r of releases) {
      if (r.released && this.calendar.underReview(r.indicator)) Object.assign(r, { awaitingApproval: await this.calendar.waiting(r.indicator, r.period, now) });
    }
    return { releases };
  }
}
