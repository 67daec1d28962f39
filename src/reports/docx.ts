/**
 * The report as a Word document, from a Word template
 * (templates/default.docx unless another is asked: 黑体 headings, 仿宋_GB2312
 * body, a 宋体 table, A4 with 2.54 cm margins, as county documents are), its
 * charts as PNG images. The same report and template always give the same
 * bytes (its ETag is the same on every instance).
 */
import type { ReportFacts } from '../domain/report.ts';
import type { ReportRecord } from '../store/store.ts';
import { renderDocx } from '../templates/docx-render.ts';
import { flatData, templateData, type DocxImage } from '../templates/model.ts';

/** A chart drawn for the document: its PNG, the size it is shown at (CSS pixels; the PNG has `scale` times as many), its title. */
export type DocxChart = DocxImage;

export function reportDocx(facts: ReportFacts, record: ReportRecord, timeZone: string, charts: readonly DocxChart[], template: Uint8Array): Buffer {
  const [scorecard, ...rankings] = charts;
  const data = templateData<DocxImage>(facts, record, timeZone, { scorecard: scorecard ?? '', rankings: rankings.map((chart) => ({ title: chart.title, chart })) });
  return renderDocx(template, flatData(data), { title: facts.title, generatedAt: record.generatedAt, version: record.version });
}
