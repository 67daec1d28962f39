/**
 * Observation status in words (DOMAIN.md, Observation status), the same in
 * reports and charts: 初步数, 估计数, 修订数, 口径调整; one-character marks on
 * chart points (初, 估, 修, 调) and the legend that explains them; and where a
 * growth figure came from (报送 reported, 计算 computed).
 */
import { STATUSES, type Status } from '../types.ts';

/** Status flags in words, the same in reports and charts. */
export const STATUS_WORDS: Record<Status, string> = { p: '初步数', e: '估计数', r: '修订数', b: '口径调整' };
/** One-character marks on chart points, with the legend that explains them in the same words. */
export const STATUS_MARKS: Record<Status, string> = { p: '初', e: '估', r: '修', b: '调' };
/** 标记:初=初步 估=估计 修=修订 调=口径调整. */
export const STATUS_LEGEND = `标记:${STATUSES.map((s) => `${STATUS_MARKS[s]}=${STATUS_WORDS[s].replace(/数$/, '')}`).join(' ')}`;

/** Where a growth figure came from, as a trend chart's legend says it. */
export const YOY_SOURCE_WORDS = { reported: '报送', computed: '计算' } as const;
export type YoySourceWord = (typeof YOY_SOURCE_WORDS)[keyof typeof YOY_SOURCE_WORDS];
