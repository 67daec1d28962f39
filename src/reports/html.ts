/**
 * The report as one self-contained, printable HTML page from a Liquid
 * template (templates/default.html.liquid unless another is asked): inline
 * CSS and the charts as inline SVG, nothing loaded from anywhere. Every
 * field is escaped unless the template marks it raw (the charts).
 */
import { renderSvg } from '../../charts/index.ts';
import type { ReportFacts } from '../domain/report.ts';
import type { ReportRecord } from '../store/store.ts';
import { renderLiquid } from '../templates/liquid.ts';
import { templateData } from '../templates/model.ts';
import { reportChartSpecs } from './charts.ts';
import type { TextTemplate } from './markdown.ts';

export async function reportHtml(facts: ReportFacts, record: ReportRecord, timeZone: string, template: TextTemplate): Promise<string> {
  const [scorecard, ...rankings] = await Promise.all(reportChartSpecs(facts).map(async ({ title, spec }) => ({ title, chart: (await renderSvg(spec)).svg })));
  return renderLiquid('html', template.text, template.key, templateData<string>(facts, record, timeZone, { scorecard: scorecard?.chart ?? '', rankings }));
}
