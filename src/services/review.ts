/**
 * Review before release (API.md "Review and sign-off"; DOMAIN.md "Review
 * before release", 数据审核): the sheet an approver reads (are all peers
 * in, do the children add up to the parent, are the figures plausible, is
 * the month late), and the decisions: approve, with the four-eyes rule and
 * an override reason for failed checks, or reopen. Decisions are kept with
 * who, when and why; an approval is an input of the publication rule.
 */
import { iso } from '../domain/instant.ts';
import { shiftPeriod, type Period } from '../domain/period.ts';
import { plausibilityWarnings } from '../domain/plausibility.ts';
import { releaseInForce } from '../domain/publication.ts';
import { growthPeriods } from '../domain/growth.ts';
import { coversIndicator } from '../domain/scope.ts';
import type { Indicator } from '../domain/types.ts';
import { ApiError } from '../errors.ts';
import type { ReviewDecision } from '../store/store.ts';
import { FigureTable } from './analytics.ts';
import type { CatalogService } from './catalog.ts';
import type { ReadView } from './read-view.ts';
import type { ReleaseCalendar } from './release-calendar.ts';
import type { Principal } from './tokens.ts';

/** How far the children's sum may lie from the parent's own figure, relative to it: 0.1%, beyond rounding of county figures. */
export const TOTALS_TOLERANCE = 0.001;
/** An override is a reason, not a click: at least this many characters. */
export const MIN_OVERRIDE_LENGTH = 10;

export interface Check {
  check: 'completeness' | 'totals' | 'plausibility' | 'late';
  severity: 'error' | 'warning';
  region?: string;
  message: string;
  expected?: number;
  actual?: number;
}

export interface ReviewQuery {
  indicator: string;
  period: Period;
  parent?: string | undefined;
  group?: string | undefined;
}

/** The regions a sheet checks: the peers asked for, or every parent's children. */
interface Scope {
  /** Parent code (null for a group) → its children or members. */
  sets: Map<string | null, string[]>;
  regions: string[];
}

export class ReviewService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly calendar: ReleaseCalendar,
    private readonly clock: () => number,
  ) {}

  private scopeOf(q: ReviewQuery): Scope {
    const sets = new Map<string | null, string[]>();
    if (q.parent !== undefined || q.group !== undefined) {
      const peers = this.catalog.peers(q);
      sets.set(peers.parent, this.catalog.validAt(peers.codes, q.period));
    } else {
      for (const region of this.catalog.regions()) {
        if (region.parent === null) continue;
        const list = sets.get(region.parent) ?? [];
        list.push(region.code);
        sets.set(region.parent, list);
      }
      for (const [parent, codes] of sets) sets.set(parent, this.catalog.validAt(codes, q.period));
    }
    const regions = new Set<string>();
    for (const [parent, codes] of sets) {
      if (parent !== null) regions.add(parent);
      for (const c of codes) regions.add(c);
    }
    return { sets, regions: [...regions] };
  }

  private lastApproval(indicator: string, period: Period): ReviewDecision | undefined {
    return this.calendar
      .decisionsOf(indicator, period)
      .filter((d) => d.action === 'approve')
      .at(-1);
  }

  /** The figures the checks read: the month, its neighbours (plausibility) and its growth base. */
  private async figures(view: ReadView, indicator: Indicator, period: Period, scope: Scope): Promise<FigureTable> {
    const periods = [...new Set([shiftPeriod(period, -1), period, shiftPeriod(period, 1), ...growthPeriods(indicator, period)])];
    return new FigureTable(await view.slices(indicator.code, periods, scope.regions));
  }

  /** The review sheet of an indicator's month, as the caller's view sees it. */
  async sheet(view: ReadView, q: ReviewQuery) {
    const indicator = this.catalog.indicator(q.indicator);
    const scope = this.scopeOf(q);
    const versions = await view.monthVersions(indicator.code, q.period, scope.regions);
    const last = this.lastApproval(indicator.code, q.period);
    const since = last?.at ?? Number.NEGATIVE_INFINITY;
    let pending = 0;
    for (const f of versions) for (const v of f.versions) if (v.receivedAt > since) pending++;

    const table = await this.figures(view, indicator, q.period, scope);
    const checks = this.checks(indicator, q.period, scope, table, pending);
    const decisions = this.calendar.decisionsOf(indicator.code, q.period);
    return {
      indicator: indicator.code,
      period: q.period,
      review: indicator.review,
      state: decisions.at(-1)?.action === 'approve' ? ('approved' as const) : ('open' as const),
      pending,
      approvals: decisions.filter((d) => d.action === 'approve').map((d) => ({ at: iso(d.at), by: d.by, note: d.note, override: d.override })),
      reopens: decisions.filter((d) => d.action === 'reopen').map((d) => ({ at: iso(d.at), by: d.by, reason: d.note })),
      checks,
      counts: { errors: checks.filter((c) => c.severity === 'error').length, warnings: checks.filter((c) => c.severity === 'warning').length },
    };
  }

  private checks(indicator: Indicator, period: Period, scope: Scope, table: FigureTable, pending: number): Check[] {
    const checks: Check[] = [];
    const at = (region: string) => table.seriesOf(region)(period);
    for (const [parent, children] of scope.sets) {
      for (const child of children) {
        if (at(child) === undefined) checks.push({ check: 'completeness', severity: 'warning', region: child, message: `${this.catalog.regionName(child)} has no figure for ${period}` });
      }
      if (parent === null || indicator.aggregation !== 'sum') continue;
      const reported = children.map(at).filter((f) => f !== undefined);
      if (reported.length === 0) continue;
      const sum = reported.reduce((total, f) => total + f.value, 0);
      const own = at(parent);
      const name = this.catalog.regionName(parent);
      if (own === undefined) {
        checks.push({ check: 'totals', severity: 'warning', region: parent, message: `${name} has no figure of its own to compare its ${reported.length} children's sum with`, actual: sum });
      } else if (Math.abs(sum - own.value) > TOTALS_TOLERANCE * Math.abs(own.value)) {
        const off = own.value === 0 ? null : ((sum - own.value) / Math.abs(own.value)) * 100;
        checks.push({
          check: 'totals',
          severity: 'error',
          region: parent,
          message: `the children of ${name} add up to ${sum}, not its ${own.value}${off === null ? '' : ` (${off > 0 ? '+' : ''}${off.toPrecision(3)}%)`}: more than ${TOTALS_TOLERANCE * 100}% apart`,
          expected: own.value,
          actual: sum,
        });
      }
    }
    for (const region of scope.regions) {
      for (const w of plausibilityWarnings(indicator, period, table.seriesOf(region))) checks.push({ check: 'plausibility', severity: 'warning', region, message: `${this.catalog.regionName(region)}: ${w.message}` });
    }
    const releaseAt = releaseInForce(this.calendar.changesOf(indicator.code, period) ?? [], this.clock());
    if (indicator.review && releaseAt !== null && releaseAt <= this.clock() && (pending > 0 || this.lastApproval(indicator.code, period) === undefined)) {
      checks.push({ check: 'late', severity: 'warning', message: `the release time ${iso(releaseAt)} has passed while the month waits for approval` });
    }
    return checks;
  }

  /** Approve a month: its versions received so far reach the public (at its release time, if that is still ahead). */
  async approve(view: ReadView, principal: Principal, body: { indicator: string; period: Period; note?: string | undefined; override?: string | undefined }) {
    const indicator = this.catalog.indicator(body.indicator);
    if (!coversIndicator(principal.scope, indicator.code)) {
      throw new ApiError('forbidden', `${indicator.code} is outside this token's scope: it may not approve it`, { details: [{ field: 'indicator', message: "outside this token's scope" }] });
    }
    if (!indicator.review) {
      throw new ApiError('nothing_to_approve', `${indicator.code} is not under review: its figures are public on receipt (set "review": true on the indicator)`, { details: [{ field: 'indicator', message: 'not under review' }] });
    }
    const scope = this.scopeOf(body);
    const versions = await view.monthVersions(indicator.code, body.period, null);
    if (!versions.some((f) => f.versions.some((v) => !v.withdrawn))) {
      throw new ApiError('nothing_to_approve', `${indicator.code} has no figure for ${body.period} to approve`, { details: [{ field: 'period', message: 'no figure' }] });
    }
    const since = this.lastApproval(indicator.code, body.period)?.at ?? Number.NEGATIVE_INFINITY;
    const own = versions.flatMap((f) => f.versions.filter((v) => v.receivedAt > since && v.by === principal.holder).map((v) => `${f.region} v${v.version}`));
    if (own.length > 0) {
      throw new ApiError('four_eyes', `${principal.holder} posted to ${indicator.code} ${body.period} since its last approval (${own.slice(0, 5).join(', ')}${own.length > 5 ? ' …' : ''}): someone else must approve it`, {
        details: [{ field: 'authorization', message: `posted ${own.length} version(s) of this month since its last approval` }],
      });
    }
    const table = await this.figures(view, indicator, body.period, scope);
    const errors = this.checks(indicator, body.period, scope, table, 0).filter((c) => c.severity === 'error');
    if (errors.length > 0 && body.override === undefined) {
      throw new ApiError('review_failed', `${errors.length} check(s) failed: approve with an override reason of at least ${MIN_OVERRIDE_LENGTH} characters, or fix the figures`, {
        details: errors.map((c) => ({
          field: c.check,
          message: c.message,
          ...(c.region === undefined ? {} : { region: c.region }),
          ...(c.expected === undefined ? {} : { expected: c.expected }),
          ...(c.actual === undefined ? {} : { actual: c.actual }),
        })),
      });
    }
    const at = this.clock();
    await this.calendar.decide({ indicator: indicator.code, period: body.period, action: 'approve', at, by: principal.holder, note: body.note ?? null, override: body.override ?? null });
    const releaseAt = releaseInForce(this.calendar.changesOf(indicator.code, body.period) ?? [], at);
    return { state: 'approved' as const, at: iso(at), by: principal.holder, publishedAt: releaseAt !== null && releaseAt > at ? null : iso(at), releaseAt: releaseAt === null ? null : iso(releaseAt) };
  }

  /** Reopen a month: what was public stays public; new versions wait for the next approval. */
  async reopen(principal: Principal, body: { indicator: string; period: Period; reason: string }) {
    const indicator = this.catalog.indicator(body.indicator);
    if (!coversIndicator(principal.scope, indicator.code)) {
      throw new ApiError('forbidden', `${indicator.code} is outside this token's scope`, { details: [{ field: 'indicator', message: "outside this token's scope" }] });
    }
    const at = this.clock();
    await this.calendar.decide({ indicator: indicator.code, period: body.period, action: 'reopen', at, by: principal.holder, note: body.reason, override: null });
    return { state: 'open' as const, at: iso(at), by: principal.holder };
  }
}
