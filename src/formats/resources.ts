/**
 * The formats of each resource and how each is made: one `register` per
 * format (negotiate.ts). GET /v1/observations answers from
 * observationFormats (observations.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../charts/render.ts';
import type { ReportFacts } from '../domain/report.ts';
import type { Indicator } from '../domain/types.ts';
import { reportChartSpecs, reportDocx } from '../reports/docx.ts';
import { reportHtml } from '../reports/html.ts';
import { reportMarkdown } from '../reports/markdown.ts';
import type { ReportRecord } from '../store/store.ts';
import { tableCsv } from './csv.ts';
import { Renderers } from './negotiate.ts';
import { DEFAULT_PNG_SCALE, type PngRenderer } from './png.ts';
import { progressTable, rankingTable, type ProgressForTable, type RankingForTable } from './ranking.ts';
import { tableXlsx } from './xlsx.ts';

export { observationFormats } from './observations.ts';

export interface DrawContext {
  png: PngRenderer;
  /** PNG pixels per SVG pixel. */
  scale: number;
  /** Vega's warnings about a chart, for the request's log. */
  warn: (warnings: string[]) => void;
}

async function svgOf(spec: TopLevelSpec, warn: DrawContext['warn']): Promise<string> {
  const { svg, warnings } = await renderSvg(spec);
  if (warnings.length > 0) warn(warnings);
  return svg;
}

export const chartFormats = new Renderers<TopLevelSpec, DrawContext>('chart')
  .register('json', (spec) => spec as unknown as Record<string, unknown>)
  .register('svg', (spec, { warn }) => svgOf(spec, warn))
  .register('png', async (spec, { png, scale, warn }) => png.render(await svgOf(spec, warn), scale));

export interface RankingInput {
  ranking: RankingForTable & Record<string, unknown>;
  indicator: Indicator;
}

export const rankingFormats = new Renderers<RankingInput>('ranking')
  .register('json', ({ ranking }) => ranking)
  .register('csv', ({ ranking, indicator }) => tableCsv(rankingTable(ranking, indicator)))
  .register('xlsx', ({ ranking, indicator }) => tableXlsx(rankingTable(ranking, indicator)));

export interface ProgressInput {
  progress: ProgressForTable & Record<string, unknown>;
  indicator: Indicator;
}

export const progressFormats = new Renderers<ProgressInput>('progress')
  .register('json', ({ progress }) => progress)
  .register('csv', ({ progress, indicator }) => tableCsv(progressTable(progress, indicator)))
  .register('xlsx', ({ progress, indicator }) => tableXlsx(progressTable(progress, indicator)));

export interface ReportInput {
  facts: ReportFacts;
  record: ReportRecord;
  /** Every version of the report (the JSON answer lists them). */
  versions: () => Promise<number[]>;
}

export interface ReportContext extends DrawContext {
  timeZone: string;
}

/** A rendered SVG's own size, from its root element. */
function sizeOf(svg: string): { width: number; height: number } {
  const root = /^<svg[^>]*>/.exec(svg)?.[0] ?? '';
  return { width: Number(/\swidth="([\d.]+)"/.exec(root)?.[1] ?? 0), height: Number(/\sheight="([\d.]+)"/.exec(root)?.[1] ?? 0) };
}

export const reportFormats = new Renderers<ReportInput, ReportContext>('report')
  .register('json', async ({ facts, record, versions }) => ({ ...record, generatedAt: record.generatedAt.toISOString(), versions: await versions(), facts }))
  .register('md', ({ facts, record }, { timeZone }) => reportMarkdown(facts, record, timeZone))
  .register('html', ({ facts, record }, { timeZone }) => reportHtml(facts, record, timeZone))
  .register('docx', async ({ facts, record }, { timeZone, png, warn }) => {
    const charts = [];
    for (const { title, spec } of reportChartSpecs(facts)) {
      const svg = await svgOf(spec, warn);
      charts.push({ title, ...sizeOf(svg), png: await png.render(svg, DEFAULT_PNG_SCALE) });
    }
    return reportDocx(facts, record, timeZone, charts);
  });
