/**
 * Which peers a ranking chart draws, and what its notes say of the rest:
 * a chart shows what a reader can read (the first `top` and the region it
 * is about, wherever that ranks), never every peer of a large set, and
 * names a few of those it could not rank before "…等N个". The charts
 * served and the charts in reports draw from the same selection.
 */
import { shownNote, unrankedNote } from './words/charts.ts';
import { namedList, REGIONS_NOUN } from './words/lists.ts';

/** Missing peers named one by one in a footnote before "…等N个". */
export const NAMED_MISSING = 12;
/** Bars a report's ranking chart draws: the served chart's default (charts/theme.ts DEFAULT_TOP), plus the region reported on. */
export const REPORT_CHART_TOP = 20;

/** The first `top` rows and the highlighted one wherever it ranks, with the note saying what was left out. */
export function topRows<R extends { region: string }>(rows: readonly R[], top: number, highlight: string | null, ranked: number): { shown: R[]; notes: string[] } {
  const shown = rows.filter((row, i) => i < top || row.region === highlight);
  if (rows.length <= top) return { shown, notes: [] };
  const beyond = highlight !== null && rows.findIndex((row) => row.region === highlight) >= top;
  return { shown, notes: [shownNote(top, beyond, ranked)] };
}

/** The note naming the peers that could not be ranked: the first NAMED_MISSING, then how many in all. */
export function missingNote(missing: ReadonlyArray<{ name: string; reason: string }>, total = missing.length): string[] {
  if (total === 0) return [];
  return [unrankedNote(missing.slice(0, NAMED_MISSING), total)];
}

/** Names listed in a sentence, the first NAMED_MISSING of them, then how many in all. */
export function namesUpTo(names: readonly string[], total = names.length): string {
  return namedList(names.slice(0, NAMED_MISSING), total, REGIONS_NOUN);
}
