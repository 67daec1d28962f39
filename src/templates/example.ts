/**
 * The example report templates are checked against and the field
 * documentation quotes: the demo's 天台县 report of 1-6月 2022, as the
 * service wrote it (templates/example-report.json, kept current by
 * test/reports/demo-report.test.ts; rebuilt by scripts/build-example-report.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../paths.ts';
import type { ReportFacts } from '../domain/report.ts';
import type { ReportRecord } from '../store/store.ts';
import type { FieldDoc } from './fields.ts';
import { templateData, type ChartField, type DocxImage, type TemplateData } from './model.ts';

export const EXAMPLE_REPORT_FILE = join(TEMPLATES_DIR, 'example-report.json');
/** The time zone the example's times are written in. */
export const EXAMPLE_TIME_ZONE = 'Asia/Shanghai';

/** A 1×1 PNG, standing in for the example's charts when a Word template is tried. */
const DOT_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let kept: { facts: ReportFacts; record: ReportRecord } | null = null;

export function exampleReport(): { facts: ReportFacts; record: ReportRecord } {
  if (kept === null) {
    const raw = JSON.parse(readFileSync(EXAMPLE_REPORT_FILE, 'utf8')) as { facts: ReportFacts; record: ReportRecord & { generatedAt: string } };
    kept = { facts: raw.facts, record: { ...raw.record, generatedAt: new Date(raw.record.generatedAt) } };
  }
  return kept;
}

/** The example's fields with charts of the kind asked: PNG dots for Word, empty SVGs for HTML, none for Markdown. */
export function exampleData(kind: 'docx' | 'markdown' | 'html'): TemplateData<DocxImage | string> {
  const { facts, record } = exampleReport();
  const charted = facts.indicators.filter((f) => f.peers.length > 0);
  const chart = (title: string): DocxImage | string => (kind === 'docx' ? { png: DOT_PNG, width: 1, height: 1, title } : kind === 'html' ? '<svg xmlns="http://www.w3.org/2000/svg"></svg>' : '');
  const rankings: Array<ChartField<DocxImage | string>> = kind === 'markdown' ? [] : charted.map((f) => ({ title: f.name, chart: chart(f.name) }));
  return templateData<DocxImage | string>(facts, record, EXAMPLE_TIME_ZONE, { scorecard: kind === 'markdown' ? '' : chart(facts.title), rankings });
}

/** A field's value in a report's data, for the documentation's examples. */
export function exampleOf(data: TemplateData<unknown>, doc: FieldDoc): unknown {
  let value: unknown = data;
  for (const part of doc.name.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  if (doc.type === 'image') return null;
  if (doc.type === 'list' && Array.isArray(value)) {
    const first = value[0] as unknown;
    if (doc.items === undefined || first === undefined || first === null || typeof first !== 'object') return value.slice(0, 2);
    return [Object.fromEntries(doc.items.filter((i) => i.type !== 'image').map((i) => [i.name, (first as Record<string, unknown>)[i.name]]))];
  }
  return value;
}
