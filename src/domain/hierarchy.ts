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

/** What the tree check needs of the stored catalog: parents and children by current code. */
export interface StoredTree {
  /** The parent of a stored region (null at the top), or undefined when no region has the code. */
  parentOf(code: string): string | null | undefined;
  childrenOf(code: string): readonly string[];
}

/** The catalog a batch would make, as far as the batch reaches. */
export interface BatchTree {
  /** Levels of the batch's regions and of every region above them (or ON_CYCLE, BELOW_CYCLE). */
  level: Map<string, number>;
  /** A stored region's level before the batch (Infinity when its stored chain has no top). */
  storedLevel(code: string): number;
  /** Stored regions below a batch region the batch moves deeper, with that region and their new level. */
  pushed: Array<{ code: string; by: string; at: number }>;
}

/**
 * Levels after a batch (code → parent, current codes) is merged into the
 * stored tree, computed only where the batch reaches: its regions, the
 * regions above them, and stored regions below one it moves deeper. A
 * 20,000-region batch into a 100,000-region catalog no longer walks the
 * whole catalog twice.
 */
export function batchTree(batch: ReadonlyMap<string, string | null>, stored: StoredTree): BatchTree {
  const exists = (code: string) => batch.has(code) || stored.parentOf(code) !== undefined;
  const parentAfter = (code: string) => (batch.has(code) ? batch.get(code)! : (stored.parentOf(code) ?? null));
  const reached = new Map<string, string | null>();
  for (const code of batch.keys()) {
    let current: string | null = code;
    while (current !== null && exists(current) && !reached.has(current)) {
      const parent = parentAfter(current);
      reached.set(current, parent);
      current = parent;
    }
  }
  const level = levels(reached);

  const before = new Map<string, number>();
  const storedLevel = (code: string): number => {
    const chain: string[] = [];
    const seen = new Set<string>();
    let current: string | null | undefined = code;
    let above = 0;
    // Each step goes up a stored parent: bounded by the stored regions, and a known level ends the walk.
    while (current !== null && current !== undefined) {
      const known = before.get(current);
      if (known !== undefined) {
        above = known;
        break;
      }
      // A parent no region has: the chain's top is the region below it.
      if (stored.parentOf(current) === undefined) break;
      if (seen.has(current)) {
        above = Number.POSITIVE_INFINITY;
        break;
      }
      seen.add(current);
      chain.push(current);
      current = stored.parentOf(current);
    }
    for (let i = chain.length - 1; i >= 0; i--) before.set(chain[i]!, (above += 1));
    return before.get(code) ?? Number.POSITIVE_INFINITY;
  };

  const pushed: BatchTree['pushed'] = [];
  for (const root of batch.keys()) {
    const at = level.get(root)!;
    if (at < 0 || stored.parentOf(root) === undefined || at <= storedLevel(root)) continue;
    // Moved deeper: its stored subtree moves with it (each region is below one root only: a tree).
    const queue: Array<[string, number]> = [[root, at]];
    for (let head = 0; head < queue.length; head++) {
      const [code, parentLevel] = queue[head]!;
      for (const child of stored.childrenOf(code)) {
        if (batch.has(child)) continue;
        const childLevel = parentLevel + 1;
        if (childLevel > MAX_REGION_DEPTH && childLevel > storedLevel(child)) pushed.push({ code: child, by: root, at: childLevel });
        queue.push([child, childLevel]);
      }
    }
  }
  return { level, storedLevel, pushed };
}
