/** A stored report drawn whole: the Word document with its charts as PNG, and the HTML page with them as SVG. */
import { renderSvg } from '../../charts/index.ts';
import type { ReportFacts } from '../domain/report.ts';
import type { PngRenderer } from '../formats/png.ts';
import type { ReportRecord } from '../store/store.ts';
import { reportChartSpecs } from './charts.ts';
import { reportDocx } from './docx.ts';

/** A rendered SVG's own size, from its root element. */
export function sizeOf(svg: string): { width: number; height: number } {
  const root = /^<svg[^>]*>/.exec(svg)?.[0] ?? '';
  return { width: Number(/\swidth="([\d.]+)"/.exec(root)?.[1] ?? 0), height: Number(/\sheight="([\d.]+)"/.exec(root)?.[1] ?? 0) };
}

/** The Word document from `template`, its charts drawn at `scale`; Vega's warnings are handed to `warn`. */
export async function drawReportDocx(facts: ReportFacts, record: ReportRecord, timeZone: string, png: PngRenderer, scale: number, warn: (warnings: string[]) => void, template: Uint8Array): Promise<Buffer> {
  const charts = [];
  for (const { title, spec } of reportChartSpecs(facts)) {
    const { svg, warnings } = await renderSvg(spec);
    if (warnings.length > 0) warn(warnings);
    charts.push({ title, ...sizeOf(svg), png: await png.render(svg, scale) });
  }
  return reportDocx(facts, record, timeZone, charts, template);
}
