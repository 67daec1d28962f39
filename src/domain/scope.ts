/**
 * What a scoped token may touch (API.md "Tokens and scopes"): regions, each
 * with every region below it (former codes included), and indicators. A
 * scope only ever narrows a role. Pure: the catalog expands the codes.
 */
export interface Scope {
  /** Every region code covered (current and former codes), or null: all. */
  regions: ReadonlySet<string> | null;
  /** Indicator codes covered, or null: all. */
  indicators: ReadonlySet<string> | null;
}

export const coversIndicator = (scope: Scope | null, indicator: string) => scope === null || scope.indicators === null || scope.indicators.has(indicator);

export const coversRegion = (scope: Scope | null, region: string) => scope === null || scope.regions === null || scope.regions.has(region);

/** Whether the scope covers every region of `regions` (null: every region there is, covered only by a scope without regions). */
export function coversRegions(scope: Scope | null, regions: readonly string[] | null): boolean {
  if (scope === null || scope.regions === null) return true;
  if (regions === null) return false;
  for (const r of regions) if (!scope.regions.has(r)) return false;
  return true;
}

/** Whether a figure of `indicator` for `region` is within the scope. */
export const covers = (scope: Scope | null, indicator: string, region: string) => coversIndicator(scope, indicator) && coversRegion(scope, region);
