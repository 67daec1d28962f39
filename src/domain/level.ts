/**
 * A region's administrative level, which decides how reports name a
 * parent's scope (全国, 全省, 全市, 全县): the catalog's free `level` label
 * read with its common synonyms, else the level a six-digit GB/T 2260 code
 * implies (API.md, Catalog `level`).
 */
import { LEVEL_LABELS, SCOPE_WORDS, withinName } from './words/scope.ts';

export type Level = 'country' | 'province' | 'prefecture' | 'county';

/** The labels a bureau writes for each level: English lower-cased, and the Chinese ones (words/scope.ts). */
const SYNONYMS: Record<Level, readonly string[]> = {
  country: ['country', 'nation', 'national', ...LEVEL_LABELS.country],
  province: ['province', 'state', ...LEVEL_LABELS.province],
  prefecture: ['prefecture', 'city', ...LEVEL_LABELS.prefecture],
  county: ['county', 'district', ...LEVEL_LABELS.county],
};

const BY_LABEL = new Map<string, Level>(Object.entries(SYNONYMS).flatMap(([level, labels]) => labels.map((label) => [label, level as Level])));

/** GB/T 2260 province codes of the four municipalities (北京 11, 天津 12, 上海 31, 重庆 50): their "province" reads 全市. */
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);
const GB2260 = /^[1-9]\d{5}$/;

export function levelFromLabel(label: string | null): Level | null {
  if (label === null) return null;
  return BY_LABEL.get(label.trim().toLowerCase()) ?? null;
}

/** xx0000 a province, xxxx00 a prefecture, any other six digits a county-level unit; null for other codes. */
export function levelFromCode(code: string): Level | null {
  if (!GB2260.test(code)) return null;
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

/**
 * 全市 for a city's counties, 全省 for a province's cities; a municipality
 * (110000 北京市) coded without a level reads 全市; an unknown level, the
 * parent's name (台州市内). A label not recognised is read like none.
 */
export function parentScope(parent: { code: string; name: string; level: string | null }): string {
  const labelled = levelFromLabel(parent.level);
  if (labelled !== null) return SCOPE_WORDS[labelled];
  // No level, or one not recognised: the code tells, when it is a GB/T 2260 code.
  const coded = levelFromCode(parent.code);
  if (coded === 'province' && MUNICIPALITIES.has(parent.code.slice(0, 2))) return SCOPE_WORDS.prefecture;
  if (coded !== null) return SCOPE_WORDS[coded];
  return withinName(parent.name);
}
