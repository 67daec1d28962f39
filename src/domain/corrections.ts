/**
 * Why a version changes a figure (API.md "Corrections"; DOMAIN.md "Review
 * before release"): a routine revision (new source data), a correction (an
 * error fixed) or a reclassification, with a free-text note. Every version
 * keeps its reason and note (null when none was given). They say why, they
 * are not the figure: a row identical to the current figure in value,
 * growth and status is unchanged whatever reason or note it carries.
 *
 * Reports tell readers which quoted figures were wrong and why: a figure
 * corrected since it was first published is noted under its indicator,
 * "注:1-5月数据已更正(原因:…)". Pure: versions in, the months to note out.
 */
import type { Period } from './period.ts';
import { correctionNoteText as noteText } from './words/corrections.ts';

export type Reason = 'revision' | 'correction' | 'reclassification';
export const REASONS: readonly Reason[] = ['revision', 'correction', 'reclassification'];

/** A note's length at most, in characters (UTF-16 code units, as every other text limit). */
export const NOTE_MAX = 500;

/** A posted row's or a withdrawal's reason and note; absent or null when not given. */
export interface Annotation {
  reason?: Reason | null;
  note?: string | null;
}

/** The part of a stored version the rule reads (domain/publication.ts PublishedVersion has it). */
export interface AnnotatedVersion {
  version: number;
  withdrawn: boolean;
  reason: Reason | null;
  note: string | null;
  /** When it first became public (ms), or null: not (yet) public. */
  publishedAt: number | null;
}

/**
 * The correction a report notes of one figure, from the versions the
 * report's reader may see (oldest first, each with its publication time):
 * the latest version with reason `correction` after the figure's first
 * public version, when the figure is not withdrawn. Undefined when the
 * figure was never public (nothing wrong was published), never corrected
 * since, or only revised or reclassified. Its note is the correction's own,
 * or null when it gave none.
 */
export function correctionSincePublished(versions: readonly AnnotatedVersion[]): { version: number; note: string | null } | undefined {
  const last = versions.at(-1);
  if (last === undefined || last.withdrawn) return undefined;
  const first = versions.findIndex((v) => v.publishedAt !== null);
  if (first < 0) return undefined;
  for (let i = versions.length - 1; i > first; i--) {
    const v = versions[i]!;
    if (v.reason === 'correction') return { version: v.version, note: v.note };
  }
  return undefined;
}

/** A quoted month whose figure was corrected: its label (1-5月, 上年1-6月) and the correction's note. */
export interface CorrectedMonth {
  period: Period;
  label: string;
  note: string | null;
}

/**
 * The line under an indicator that quotes corrected figures, months with
 * the same note named together: "注:1-5月数据已更正(原因:录入错误)". Null when
 * nothing was corrected. Its words: words/corrections.ts.
 */
export function correctionNoteText(months: readonly CorrectedMonth[]): string | null {
  return noteText(months);
}
