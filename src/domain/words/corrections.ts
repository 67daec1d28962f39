/**
 * Corrections in words (DOMAIN.md, Review before release): the line under
 * an indicator that quotes corrected figures, "注:1-5月数据已更正(原因:录入
 * 错误)", months with the same note named together.
 */
import { LIST_SEPARATOR } from './lists.ts';

/**
 * The line under an indicator that quotes corrected figures, months with
 * the same note named together: "注:1-5月数据已更正(原因:录入错误)",
 * "注:1-5月、上年1-5月数据已更正(原因:…)", "注:1-5月数据已更正". Null when
 * nothing was corrected. `label` is each month as the report names it.
 */
export function correctionNoteText(months: ReadonlyArray<{ label: string; note: string | null }>): string | null {
  if (months.length === 0) return null;
  const byNote = new Map<string | null, string[]>();
  for (const m of months) {
    const labels = byNote.get(m.note);
    if (labels === undefined) byNote.set(m.note, [m.label]);
    else if (!labels.includes(m.label)) labels.push(m.label);
  }
  const clauses = [...byNote].map(([note, labels]) => `${labels.join(LIST_SEPARATOR)}数据已更正${note === null ? '' : `(原因:${note})`}`);
  return `注:${clauses.join(';')}`;
}
