/**
 * The region tree's shape (API.md, Catalog): how deep each region sits and
 * which regions are caught in a cycle, for a whole catalog in one pass.
 * Walking every region's chain of parents on its own is quadratic: a
 * 20,000-deep chain in one PUT held the service for over a minute.
 */

/**
 * Levels a region tree may have. China's has five (country, province,
 * prefecture, county, township); a deeper catalog is a mistake, and the
 * bound keeps every walk up a region's parents short.
 */
export const MAX_REGION_DEPTH = 32;

/** On a cycle: the region would be its own ancestor. */
export const ON_CYCLE = -1;
/** Not on a cycle, but one of its ancestors is: it has no top. */
export const BELOW_CYCLE = -2;

/**
 * Each region's level (1 for a region without a parent, or whose parent is
 * not in `parents`; its parent's plus one otherwise), or ON_CYCLE /
 * BELOW_CYCLE. Linear: a region's chain is walked up only as far as the
 * first region already placed, and every region is placed once.
 */
export function levels(parents: ReadonlyMap<string, string | null>): Map<string, number> {
  const level = new Map<string, number>();
  /** Regions of the chain being walked, in their order from the start. */
  const walking = new Map<string, number>();
  const chain: string[] = [];
  for (const start of parents.keys()) {
    if (level.has(start)) continue;
    walking.clear();
    chain.length = 0;
    let current: string | null = start;
    while (current !== null && parents.has(current) && !level.has(current) && !walking.has(current)) {
      walking.set(current, chain.length);
      chain.push(current);
      current = parents.get(current) ?? null;
    }
    let above: number;
    if (current === null || !parents.has(current)) above = 0;
    else if (walking.has(current)) {
      // The chain came back to itself: from `current` on, the regions are the cycle; before it, below it.
      const from = walking.get(current)!;
      for (let i = 0; i < chain.length; i++) level.set(chain[i]!, i >= from ? ON_CYCLE : BELOW_CYCLE);
      continue;
    } else above = level.get(current)!;
    const cyclic = above < 0;
    for (let i = chain.length - 1; i >= 0; i--) level.set(chain[i]!, cyclic ? BELOW_CYCLE : ++above);
  }
  return level;
}

/**
 * For each of `codes` (regions too deep), the nearest of its ancestors or
 * itself that `isMarked` picks, or undefined when none is. Linear over the
 * chains walked: every region is answered once. `parents` must have no
 * cycle along these chains.
 */
export function nearestMarked(codes: Iterable<string>, parents: ReadonlyMap<string, string | null>, isMarked: (code: string) => boolean): Map<string, string | undefined> {
  const nearest = new Map<string, string | undefined>();
  const chain: string[] = [];
  for (const start of codes) {
    chain.length = 0;
    let current: string | null = start;
    let found: string | undefined;
    for (;;) {
      if (current === null || !parents.has(current)) break;
      if (nearest.has(current)) {
        found = nearest.get(current);
        break;
      }
      if (isMarked(current)) {
        found = current;
        break;
      }
      chain.push(current);
      current = parents.get(current) ?? null;
    }
    for (const code of chain) nearest.set(code, found);
    if (current !== null && isMarked(current)) nearest.set(current, current);
  }
  return nearest;
}
