/**
 * GET /v1/observations: the figures of one indicator a caller may see, month
 * by month (oldest first) and region by region, paged with a cursor. The
 * months are those with figures between `from` and `to`; the read view
 * decides which figures (as of an instant, first releases, embargo).
 */
import type { Reason } from '../domain/corrections.ts';
import { shiftPeriod, type Period } from '../domain/period.ts';
import type { Observation } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { CatalogService } from './catalog.ts';
import type { ReadView } from './read-view.ts';

/** API.md: `limit` defaults to 10,000. */
export const DEFAULT_LIST_LIMIT = 10_000;
/** A download (CSV, xlsx, SDMX-CSV) holds up to this many rows by default: what a workbook posts back in one go. */
export const DEFAULT_DOWNLOAD_LIMIT = 100_000;
/** Months one listing walks at most: fifty years of monthly figures. */
export const MAX_LIST_MONTHS = 600;
/** Later than any period: the latest month before it is the latest there is. */
const AFTER_ALL = '2200-01';

export interface ListQuery {
  indicator: string;
  from?: Period | undefined;
  to?: Period | undefined;
  region?: string | undefined;
  parent?: string | undefined;
  group?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** A listed figure, with why its version changed it (API.md "Corrections"): null when not given. */
export type ListedObservation = Observation & { reason: Reason | null; note: string | null };

const encode = (period: Period, region: string) => Buffer.from(JSON.stringify([period, region])).toString('base64url');

function decode(cursor: string): [Period, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // Reported below.
  }
  throw new ApiError('validation_failed', 'cursor is not one this service gave: pass the `next` of the previous page as it was', { details: [{ field: 'cursor', message: 'not a cursor' }] });
}

export class ObservationList {
  constructor(private readonly catalog: CatalogService) {}

  /** The regions asked for: one, a parent's children, a group's members, or all (null). */
  private regionsOf(q: ListQuery): string[] | null {
    if (q.region !== undefined) return [this.catalog.region(q.region).code];
    if (q.parent !== undefined || q.group !== undefined) return this.catalog.members(q).codes;
    return null;
  }

  /** Months with figures the caller sees, from `to` (or the latest) back to `from`, oldest first. */
  private async months(view: ReadView, indicator: string, q: ListQuery, regions: readonly string[] | null): Promise<Period[]> {
    const out: Period[] = [];
    let bound = q.to === undefined ? AFTER_ALL : shiftPeriod(q.to, 1);
    for (let i = 0; i < MAX_LIST_MONTHS; i++) {
      const period = await view.latestPeriodBefore(indicator, bound, regions);
      if (period === null || (q.from !== undefined && period < q.from)) break;
      out.push(period);
      bound = period;
    }
    return out.reverse();
  }

  async list(view: ReadView, q: ListQuery): Promise<{ observations: ListedObservation[]; next: string | null; asOf?: string }> {
    const indicator = this.catalog.indicator(q.indicator).code;
    const regions = this.regionsOf(q);
    const limit = q.limit ?? DEFAULT_LIST_LIMIT;
    const after = q.cursor === undefined ? null : decode(q.cursor);
    const out: ListedObservation[] = [];
    let more = false;
    for (const period of await this.months(view, indicator, q, regions)) {
      if (after !== null && period < after[0]) continue;
      // Read as versions, each figure with its version's reason and note.
      const figures = (await view.annotatedSlices(indicator, [period], regions))
        .filter((o) => after === null || period > after[0] || o.region > after[1])
        .sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
      for (const o of figures) {
        if (out.length === limit) {
          more = true;
          break;
        }
        out.push({ indicator: o.indicator, region: o.region, period: o.period, value: o.value, yoy: o.yoy, status: o.status, reason: o.reason ?? null, note: o.note ?? null });
      }
      if (more) break;
    }
    const last = out.at(-1);
    return { ...(view.asOf === undefined ? {} : { asOf: view.asOf }), observations: out, next: more && last !== undefined ? encode(last.period, last.region) : null };
  }
}
