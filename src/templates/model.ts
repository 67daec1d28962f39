/**
 * What a report template sees: a stored report's facts laid out as fields
 * (API.md, Report templates). Every template kind reads the same fields:
 * Liquid nested (`{{ region.name }}`), Word flat (`{region.name}`, read by
 * docxtemplater's default parser, which looks a tag up as one own key and
 * runs nothing). The words are the words module's; this file only arranges.
 */
import type { ReportFacts } from '../domain/report.ts';
import { mainStanding } from '../domain/standing.ts';
import { REPORT_HEADINGS, SECTION_WORDS, TABLE_COLUMNS, WEAK_MARK, metaLine, monthTitle, rankCell, rankChangeCell, NO_FIGURE_CELL } from '../domain/words/report-layout.ts';
import { SECTION_FIELDS, type SectionField } from './fields.ts';
import { localTime } from '../reports/format.ts';
import type { ReportRecord } from '../store/store.ts';


/** One row of the indicator table, every cell already worded. */
export interface IndicatorRow {
  code: string;
  name: string;
  value: string;
  yoy: string;
  rankYoy: string;
  rankValue: string;
  rankChange: string;
  sentence: string;
  /** Listed among 短板. */
  weak: boolean;
  /** The mark a weak indicator's line ends with, or nothing. */
  weakMark: string;
  /** The correction note under the line, or nothing. */
  note: string;
}

/** A chart as templates place it: Word draws `image` (PNG), HTML inlines `svg`. */
export interface ChartField<C> {
  title: string;
  chart: C;
}

export interface TemplateData<C = string> {
  title: string;
  meta: string;
  region: { code: string; name: string };
  period: string;
  month: string;
  scope: string;
  peerScope: string;
  version: number;
  generatedAt: string;
  trigger: string;
  digest: string;
  headings: Record<SectionField | 'scorecard' | 'table' | 'charts', string>;
  none: Record<SectionField, string>;
  leading: string[];
  weak: string[];
  up: string[];
  down: string[];
  progress: string[];
  gaps: string[];
  columns: Record<keyof typeof TABLE_COLUMNS, string>;
  indicators: IndicatorRow[];
  scorecardChart: C | '';
  rankings: Array<ChartField<C>>;
}

/** The fields of one report; charts as the caller drew them (none for Markdown). */
export function templateData<C>(facts: ReportFacts, record: ReportRecord, timeZone: string, charts: { scorecard: C | ''; rankings: Array<ChartField<C>> }): TemplateData<C> {
  const generatedAt = localTime(record.generatedAt, timeZone);
  const sections = Object.fromEntries(SECTION_FIELDS.map(([field, key]) => [field, [...(facts.sections[key] ?? [])]])) as Record<SectionField, string[]>;
  return {
    title: facts.title,
    meta: metaLine({ peerScope: facts.peerScope, version: record.version, generatedAt, trigger: record.trigger, digest: record.digest.slice(0, 12) }),
    region: { code: facts.region.code, name: facts.region.name },
    period: facts.period,
    month: monthTitle(facts.period),
    scope: facts.scope,
    peerScope: facts.peerScope,
    version: record.version,
    generatedAt,
    trigger: record.trigger,
    digest: record.digest.slice(0, 12),
    headings: { ...REPORT_HEADINGS },
    none: Object.fromEntries(SECTION_FIELDS.map(([field]) => [field, SECTION_WORDS[field].none])) as Record<SectionField, string>,
    ...sections,
    columns: { ...TABLE_COLUMNS },
    indicators: facts.indicators.map((f) => ({
      code: f.indicator,
      name: f.name,
      value: f.valueText ?? NO_FIGURE_CELL,
      yoy: f.yoyText ?? NO_FIGURE_CELL,
      rankYoy: rankCell(f.byYoy.rank, f.byYoy.ranked, f.byYoy.tied),
      rankValue: rankCell(f.byValue.rank, f.byValue.ranked, f.byValue.tied),
      rankChange: rankChangeCell(mainStanding(f, f).rankChange),
      sentence: f.sentence,
      weak: f.weak,
      weakMark: f.weak ? WEAK_MARK : '',
      note: f.correctionNote ?? '',
    })),
    scorecardChart: charts.scorecard,
    rankings: charts.rankings,
  };
}

/**
 * The same fields flat, as docxtemplater's default parser reads them: a
 * nested object's fields under dotted keys (`region.name`), lists kept as
 * lists (their items are flat already). Objects without a prototype: a tag
 * can only ever name a field.
 */
export function flatData(data: object): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const walk = (prefix: string, value: object) => {
    for (const [key, v] of Object.entries(value)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && !isChart(v)) walk(name, v);
      else out[name] = Array.isArray(v) ? v.map((item) => (item !== null && typeof item === 'object' && !isChart(item) ? flatData(item) : item)) : v;
    }
  };
  walk('', data);
  return out;
}

/** A drawn chart handed to the Word image tag. */
export interface DocxImage {
  png: Uint8Array;
  width: number;
  height: number;
  title: string;
}

function isChart(value: object): boolean {
  return 'png' in value && 'width' in value;
}
