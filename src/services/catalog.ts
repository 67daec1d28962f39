/**
 * The catalog in memory, indexed for lookups on every request, and the
 * batch rules of API.md (Catalog): parents exist, no cycles, at most
 * MAX_REGION_DEPTH levels, members exist, no code twice; all or nothing.
 * Every check is linear in the size of the catalog and the batch.
 */
import { defaultAggregation } from '../domain/aggregation.ts';
import { batchTree, BELOW_CYCLE, MAX_REGION_DEPTH, ON_CYCLE } from '../domain/hierarchy.ts';
import type { Period } from '../domain/period.ts';
import { validIn } from '../domain/regions.ts';
import type { Group, Indicator, Region } from '../domain/types.ts';
import { ApiError, notFound, type ErrorDetail } from '../errors.ts';
import { DEFAULT_DECIMALS, type GroupInput, type IndicatorInput, type RegionInput } from '../schemas/catalog.ts';
import type { CatalogData, CatalogPort } from '../store/store.ts';
import { KeySpace } from './batch.ts';
import { nextTurn } from './yield.ts';

/**
 * Peers one answer compares at most. A ranking of 5,000 is computed in
 * about 100 ms of the event loop, about what one request may hold it; every
 * county-level unit of China (about 2,850) fits in one group.
 */
export const MAX_PEERS = 5_000;

export interface Peers {
  codes: string[];
  parent: string | null;
  group: string | null;
}

function duplicateCodes(entries: ReadonlyArray<{ code: string }>, details: ErrorDetail[]): void {
  const firstRow = new Map<string, number>();
  entries.forEach((entry, i) => {
    const seen = firstRow.get(entry.code);
    if (seen === undefined) firstRow.set(entry.code, i + 1);
    else details.push({ row: i + 1, field: 'code', message: `code ${entry.code} is also given in row ${seen}` });
  });
}

function rejectIfAny(details: ErrorDetail[], what: string): void {
  if (details.length === 0) return;
  details.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  throw new ApiError('validation_failed', `${details.length} problem(s) in the ${what}; nothing was stored`, { details });
}

/**
 * The indicator a PUT entry makes. A sent entry replaces the stored one
 * (API.md, Catalog): an omitted `review` is `false`. `reviewSince` is not
 * sent: it is `now` when review turns on (or a new indicator comes with it
 * on), the stored instant while it stays on, null while it is off.
 */
export function indicatorFromInput(input: IndicatorInput, stored: Indicator | undefined = undefined, now: number = Date.now()): Indicator {
  // Rates compare by difference in percentage points (百分点), not growth.
  const change = input.change ?? (input.unit.trim() === '%' ? 'points' : 'percent');
  const review = input.review ?? false;
  return {
    code: input.code,
    name: input.name,
    unit: input.unit,
    basis: input.basis,
    direction: input.direction,
    decimals: input.decimals ?? DEFAULT_DECIMALS,
    rankBy: input.rankBy ?? 'yoy',
    change,
    reportValue: input.reportValue ?? true,
    review,
    reviewSince: !review ? null : stored?.review === true ? (stored.reviewSince ?? now) : now,
    aggregation: input.aggregation ?? defaultAggregation({ name: input.name, unit: input.unit, basis: input.basis, change }),
  };
}

export class CatalogService {
  private regionsByCode = new Map<string, Region>();
  /** Former code → current code (331021 → 331083). */
  private currentOf = new Map<string, string>();
  private reloads = 0;
  private childrenByParent = new Map<string, string[]>();
  private groupsByCode = new Map<string, Group>();
  private indicatorsByCode = new Map<string, Indicator>();
  private space = new KeySpace(new Map(), new Map());

  /** `clock`: ms now, the instant review is turned on (the app's clock). */
  constructor(
    private readonly store: CatalogPort,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Read the catalog from the store; the store is its only home. */
  async reload(): Promise<void> {
    this.index(await this.store.loadCatalog());
  }

  /** Changes with every reload: what was computed from the catalog (a scope's regions) is kept while it stays. */
  get generation(): number {
    return this.reloads;
  }

  private index(data: CatalogData): void {
    this.reloads++;
    this.regionsByCode = new Map(data.regions.map((r) => [r.code, r]));
    this.currentOf = new Map(data.regions.flatMap((r) => (r.formerCodes ?? []).map((former): [string, string] => [former, r.code])));
    this.childrenByParent = new Map();
    for (const region of [...data.regions].sort((a, b) => (a.code < b.code ? -1 : 1))) {
      if (region.parent === null) continue;
      const children = this.childrenByParent.get(region.parent) ?? [];
      children.push(region.code);
      this.childrenByParent.set(region.parent, children);
    }
    this.groupsByCode = new Map(data.groups.map((g) => [g.code, g]));
    this.indicatorsByCode = new Map(data.indicators.map((i) => [i.code, i]));
    this.space = new KeySpace(
      new Map(data.indicators.map((indicator, ordinal) => [indicator.code, { ordinal, indicator }])),
      new Map(data.regions.map((region, ordinal) => [region.code, { ordinal }])),
      this.currentOf,
      new Map(data.regions.filter((r) => r.validFrom !== undefined || r.validTo !== undefined).map((r) => [r.code, { from: r.validFrom ?? null, to: r.validTo ?? null }])),
    );
  }

  /** Ordinals of the current catalog: a request keeps the one it started with. */
  keySpace(): KeySpace {
    return this.space;
  }

  get isEmpty(): boolean {
    return this.regionsByCode.size === 0 && this.indicatorsByCode.size === 0;
  }

  regions(): Region[] {
    return [...this.regionsByCode.values()];
  }
  groups(): Group[] {
    return [...this.groupsByCode.values()];
  }
  indicators(): Indicator[] {
    return [...this.indicatorsByCode.values()];
  }

  findRegion(code: string): Region | undefined {
    return this.regionsByCode.get(code);
  }
  findIndicator(code: string): Indicator | undefined {
    return this.indicatorsByCode.get(code);
  }

  /** The region a code names, its current code or a former one (answers carry the current code). */
  resolveRegion(code: string): Region | undefined {
    return this.regionsByCode.get(code) ?? this.regionsByCode.get(this.currentOf.get(code) ?? '');
  }

  region(code: string, field = 'region'): Region {
    const region = this.resolveRegion(code);
    if (region === undefined) throw notFound(field, code, 'region');
    return region;
  }

  indicator(code: string, field = 'indicator'): Indicator {
    const indicator = this.indicatorsByCode.get(code);
    if (indicator === undefined) throw notFound(field, code, 'indicator');
    return indicator;
  }

  /**
   * The codes `codes` cover in the catalog: each region (named by its code
   * or a former one) and every region below it, with their former codes.
   * Linear in the regions covered.
   */
  subtreeOf(codes: readonly string[]): Set<string> {
    const out = new Set<string>();
    const queue: string[] = [];
    for (const code of codes) {
      const region = this.resolveRegion(code);
      if (region !== undefined && !out.has(region.code)) {
        out.add(region.code);
        queue.push(region.code);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const code = queue[head]!;
      for (const former of this.regionsByCode.get(code)?.formerCodes ?? []) out.add(former);
      for (const child of this.childrenOf(code)) {
        if (out.has(child)) continue;
        out.add(child);
        queue.push(child);
      }
    }
    return out;
  }

  childrenOf(parent: string): string[] {
    return this.childrenByParent.get(parent) ?? [];
  }

  regionName(code: string): string {
    return this.regionsByCode.get(code)?.name ?? code;
  }

  /**
   * The peers named by a query: a parent's direct children or a group's
   * members, by current code, in every month (`validAt` narrows them to one).
   */
  peers(query: { parent?: string | undefined; group?: string | undefined }): Peers {
    const peers = this.members(query);
    if (peers.codes.length > MAX_PEERS) {
      const field = peers.group === null ? 'parent' : 'group';
      throw new ApiError('validation_failed', `${field} ${peers.group ?? peers.parent} has ${peers.codes.length} regions: rankings, scorecards, progress, charts and reports compare at most ${MAX_PEERS} peers; rank within a smaller parent or a group`, {
        details: [{ field, message: `more than ${MAX_PEERS} peers` }],
      });
    }
    return peers;
  }

  /** A parent's direct children or a group's members, however many (listings page through them). */
  members(query: { parent?: string | undefined; group?: string | undefined }): Peers {
    if (query.group !== undefined) {
      const group = this.groupsByCode.get(query.group);
      if (group === undefined) throw notFound('group', query.group, 'peer group');
      // Members stored before a code changed are read by their current code.
      return { codes: [...new Set(group.members.map((m) => this.resolveRegion(m)?.code ?? m))], parent: null, group: group.code };
    }
    if (query.parent === undefined) throw new ApiError('bad_request', 'give parent or group to name the peers', { details: [{ field: 'parent', message: 'required' }] });
    const parent = this.region(query.parent, 'parent').code;
    return { codes: this.childrenOf(parent), parent, group: null };
  }

  /** The regions among `codes` that exist as peers in `period` (validFrom/validTo). */
  validAt(codes: readonly string[], period: Period): string[] {
    return codes.filter((code) => {
      const region = this.regionsByCode.get(code);
      return region === undefined || validIn(region, period);
    });
  }

  /** A parent as given, by its current code when given by a former one. */
  private parentCode(parent: string | null | undefined): string | null {
    return parent === undefined || parent === null ? null : (this.currentOf.get(parent) ?? parent);
  }

  async upsertRegions(inputs: RegionInput[]): Promise<number> {
    const details: ErrorDetail[] = [];
    duplicateCodes(inputs, details);
    /** Each code's parent as the batch sets it, and its first row: a code given twice is reported as such; its first entry stands for the tree checks. */
    const batch = new Map<string, string | null>();
    const rowOf = new Map<string, number>();
    inputs.forEach((r, i) => {
      if (rowOf.has(r.code)) return;
      rowOf.set(r.code, i + 1);
      batch.set(r.code, this.parentCode(r.parent));
    });
    // A 20,000-region batch takes tens of milliseconds a step: requests waiting are answered in between.
    await nextTurn();
    this.checkCodes(inputs, details);
    await nextTurn();
    this.checkTree(inputs, batch, rowOf, details);
    rejectIfAny(details, 'regions');
    await this.store.saveCatalog({
      regions: inputs.map((r) => ({
        code: r.code,
        name: r.name,
        parent: this.parentCode(r.parent),
        level: r.level ?? null,
        ...(r.formerCodes !== undefined && r.formerCodes.length > 0 ? { formerCodes: [...new Set(r.formerCodes)] } : {}),
        ...(r.validFrom !== undefined ? { validFrom: r.validFrom } : {}),
        ...(r.validTo !== undefined ? { validTo: r.validTo } : {}),
      })),
    });
    await this.reload();
    return inputs.length;
  }

  /**
   * Codes stay unambiguous (API.md, Regions that change): no region takes a
   * code that is another's former code, no former code is another region's
   * code or another's former code, in the store or in the batch.
   */
  private checkCodes(inputs: readonly RegionInput[], details: ErrorDetail[]): void {
    const formerOwner = new Map<string, string>();
    for (const r of this.regionsByCode.values()) for (const f of r.formerCodes ?? []) formerOwner.set(f, r.code);
    // The batch's entries replace the stored ones: their former codes are theirs alone.
    const sent = new Set(inputs.map((r) => r.code));
    for (const [f, owner] of formerOwner) if (sent.has(owner)) formerOwner.delete(f);
    const codes = new Set([...this.regionsByCode.keys(), ...inputs.map((r) => r.code)]);
    inputs.forEach((r, i) => {
      for (const f of r.formerCodes ?? []) {
        const owner = formerOwner.get(f);
        if (owner !== undefined && owner !== r.code) details.push({ row: i + 1, field: 'formerCodes', message: `${f} is already a former code of ${owner}` });
        else if (codes.has(f)) details.push({ row: i + 1, field: 'formerCodes', message: `${f} is the code of a region` });
        else formerOwner.set(f, r.code);
      }
    });
    inputs.forEach((r, i) => {
      const owner = formerOwner.get(r.code);
      if (owner !== undefined && owner !== r.code) details.push({ row: i + 1, field: 'code', message: `${r.code} is a former code of ${owner}` });
    });
  }

  /**
   * Parents exist, no cycles, at most MAX_REGION_DEPTH levels: each region's
   * level in the catalog the batch would make, found in one pass. A batch
   * may not put any region, its own or a stored one below them, deeper than
   * the limit; a region stored deeper before the limit existed may be sent
   * again at no greater depth.
   */
  private checkTree(inputs: readonly RegionInput[], batch: ReadonlyMap<string, string | null>, rowOf: ReadonlyMap<string, number>, details: ErrorDetail[]): void {
    const tree = batchTree(batch, { parentOf: (code) => this.regionsByCode.get(code)?.parent, childrenOf: (code) => this.childrenOf(code) });
    const exists = (code: string) => batch.has(code) || this.regionsByCode.has(code);
    const tooDeep = new Set<number>();
    const limit = `a catalog has at most ${MAX_REGION_DEPTH} levels (a region without a parent is level 1)`;
    inputs.forEach((r, i) => {
      // A parent named by a former code is its current region.
      const parent = this.parentCode(r.parent);
      if (parent === null) return;
      if (parent === r.code) details.push({ row: i + 1, field: 'parent', message: 'a region cannot be its own parent' });
      else if (!exists(parent)) details.push({ row: i + 1, field: 'parent', message: `no region ${parent}, stored or in this batch` });
      // Only a code's first row goes in the tree: a repeated code is refused as such.
      else if (rowOf.get(r.code) === i + 1) {
        const at = tree.level.get(r.code)!;
        if (at === ON_CYCLE) details.push({ row: i + 1, field: 'parent', message: `parent ${parent} makes a cycle: ${r.code} would be its own ancestor` });
        else if (at === BELOW_CYCLE) details.push({ row: i + 1, field: 'parent', message: `parent ${parent} is in a cycle: ${r.code} would have no top region` });
        // A region stored deeper before the limit existed may be sent again at no greater depth.
        else if (at > MAX_REGION_DEPTH && (!this.regionsByCode.has(r.code) || at > tree.storedLevel(r.code))) {
          tooDeep.add(i + 1);
          details.push({ row: i + 1, field: 'parent', message: `parent ${parent} puts ${r.code} at level ${at}: ${limit}` });
        }
      }
    });
    // Stored regions the batch moves down with an ancestor: the batch row that moves them is at fault.
    for (const { code, by, at } of tree.pushed) {
      const row = rowOf.get(by);
      if (row === undefined || tooDeep.has(row)) continue;
      tooDeep.add(row);
      details.push({ row, field: 'parent', message: `parent ${batch.get(by)} puts ${code}, stored below ${by}, at level ${at}: ${limit}` });
    }
  }

  async upsertGroups(inputs: GroupInput[]): Promise<number> {
    const details: ErrorDetail[] = [];
    duplicateCodes(inputs, details);
    inputs.forEach((g, i) => {
      const seen = new Set<string>();
      for (const member of g.members) {
        const current = this.resolveRegion(member)?.code;
        if (current === undefined) details.push({ row: i + 1, field: 'members', message: `no region ${member}` });
        else if (seen.has(current)) details.push({ row: i + 1, field: 'members', message: `member ${member} is listed twice` });
        if (current !== undefined) seen.add(current);
      }
    });
    rejectIfAny(details, 'groups');
    // A former code names its region: members are stored by current code.
    await this.store.saveCatalog({ groups: inputs.map((g) => ({ code: g.code, name: g.name, members: g.members.map((m) => this.resolveRegion(m)!.code) })) });
    await this.reload();
    return inputs.length;
  }

  async upsertIndicators(inputs: IndicatorInput[]): Promise<number> {
    const details: ErrorDetail[] = [];
    duplicateCodes(inputs, details);
    rejectIfAny(details, 'indicators');
    const now = this.clock();
    await this.store.saveCatalog({ indicators: inputs.map((input) => indicatorFromInput(input, this.indicatorsByCode.get(input.code), now)) });
    await this.reload();
    return inputs.length;
  }
}
