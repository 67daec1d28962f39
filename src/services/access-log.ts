/**
 * The pre-release access log (API.md "Pre-release access log"; DOMAIN.md
 * "Review before release"): who saw figures before the public could, and
 * when. An entry is stored before the answer that carried them leaves; an
 * answer whose entry cannot be stored is not sent (503). Kept in the
 * store, so every instance writes to and reads one log.
 */
import { iso, parseInstant } from '../domain/instant.ts';
import type { Period } from '../domain/period.ts';
import { ApiError, StoreUnavailableError } from '../errors.ts';
import type { AccessEntry, AccessLogPort } from '../store/store.ts';
import type { Principal } from './tokens.ts';

/** API.md: `limit` defaults to 1,000 entries a page as JSON; a download holds up to 10,000. */
export const DEFAULT_ACCESS_PAGE = 1_000;
export const DEFAULT_ACCESS_DOWNLOAD = 10_000;
/** The path recorded: enough for any URL this API answers, bounded for one that is not. */
const MAX_PATH = 2_000;
/** Seconds a caller refused for want of a log entry is told to wait. */
const RETRY_AFTER_SECONDS = 5;

export interface AccessQueryText {
  indicator?: string | undefined;
  period?: Period | undefined;
  holder?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const encode = (at: number, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

function decode(cursor: string): { at: number; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string' && value[1].length <= 200) return { at: value[0] as number, id: value[1] };
  } catch {
    // Reported below.
  }
  throw new ApiError('validation_failed', 'cursor is not one this service gave: pass the `next` of the previous page as it was', { details: [{ field: 'cursor', message: 'not a cursor' }] });
}

export class AccessLog {
  constructor(
    private readonly store: AccessLogPort,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Record that `principal` got `months` in the answer to `method path`; a 503 when the store cannot take it. */
  async record(principal: Principal, method: string, path: string, months: Iterable<string>): Promise<void> {
    const entry: AccessEntry = {
      at: this.clock(),
      holder: principal.holder,
      role: principal.role,
      method,
      path: path.slice(0, MAX_PATH),
      months: [...months].sort().map((quote) => {
        const [indicator = '', period = ''] = quote.split('|');
        return { indicator, period };
      }),
    };
    try {
      await this.store.appendAccess([entry]);
    } catch (error) {
      throw new ApiError('not_ready', 'the answer carries figures not yet public, and the pre-release access log could not record it: nothing was sent; ask again shortly', {
        retryAfter: RETRY_AFTER_SECONDS,
        cause: error instanceof StoreUnavailableError ? error : new StoreUnavailableError(String(error), { cause: error }),
      });
    }
  }

  async page(q: AccessQueryText, limit: number) {
    const entries = await this.store.accessLog({
      holder: q.holder,
      indicator: q.indicator,
      period: q.period,
      from: q.from === undefined ? undefined : parseInstant(q.from)!,
      to: q.to === undefined ? undefined : parseInstant(q.to)!,
      limit: limit + 1,
      before: q.cursor === undefined ? undefined : decode(q.cursor),
    });
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map(({ id: _id, at, ...e }) => ({ at: iso(at), ...e })),
      next: entries.length > limit && last !== undefined ? encode(last.at, last.id) : null,
    };
  }
}
