/**
 * The formats of each resource and how each is made: one `register` per
 * format (negotiate.ts). GET /v1/observations answers from
 * observationFormats (observations.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../charts/render.ts';
import type { ReportFacts } from '../domain/report.ts';
import type { Indicator } from '../domain/types.ts';
import { reportMarkdown } from '../reports/markdown.ts';
import type { ReportRecord, TemplateKind } from '../store/store.ts';
import type { TemplateSource } from '../services/report-templates.ts';
import { tableCsv } from './csv.ts';
import { Renderers } from './negotiate.ts';
import type { PngRenderer } from './png.ts';
import { progressTable, rankingTable, type ProgressForTable, type RankingForTable } from './ranking.ts';
import type { OffloadContext } from './render-pool.ts';
import { RenderCache } from './render-cache.ts';

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

export const rankingFormats = new Renderers<RankingInput, OffloadContext>('ranking')
  .register('json', ({ ranking }) => ranking)
  .register('csv', ({ ranking, indicator }) => tableCsv(rankingTable(ranking, indicator)))
  .register('xlsx', ({ ranking, indicator }, { render }) => render.bytes({ kind: 'xlsx', table: rankingTable(ranking, indicator) }));

export interface ProgressInput {
  progress: ProgressForTable & Record<string, unknown>;
  indicator: Indicator;
}

export const progressFormats = new Renderers<ProgressInput, OffloadContext>('progress')
  .register('json', ({ progress }) => progress)
  .register('csv', ({ progress, indicator }) => tableCsv(progressTable(progress, indicator)))
  .register('xlsx', ({ progress, indicator }, { render }) => render.bytes({ kind: 'xlsx', table: progressTable(progress, indicator) }));

export interface ReportInput {
  facts: ReportFacts;
  record: ReportRecord;
  /** Every version of the report (the JSON answer lists them). */
  versions: () => Promise<number[]>;
}

export interface ReportContext extends OffloadContext {
  timeZone: string;
  /** PNG pixels per SVG pixel in the Word document. */
  scale: number;
  /** The CJK font files charts are drawn with. */
  fontFiles: string[];
  /** The template of a kind this request draws with (asked for, recorded by the report's run, or configured). */
  template: (kind: TemplateKind) => Promise<TemplateSource>;
  /** Drawn reports by version and template: a version never changes, so it is drawn once per template content. */
  drawn: RenderCache;
  /** Vega's warnings about a chart, for the request's log. */
  warn: (warnings: string[]) => void;
}

/** What a drawing of a stored report depends on: the version (and, should a store be replaced, its digest and time), and the template's content. */
const drawingKey = (record: ReportRecord, format: string, scale: number, template: TemplateSource) =>
  [record.region, record.period, record.version, record.digest, record.generatedAt.getTime(), format, scale, template.sha256].join('|');

export const reportFormats = new Renderers<ReportInput, ReportContext>('report')
  .register('json', async ({ facts, record, versions }) => ({ ...record, generatedAt: record.generatedAt.toISOString(), versions: await versions(), facts }))
  .register('md', async ({ facts, record }, { timeZone, template }) => {
    const source = await template('markdown');
    return reportMarkdown(facts, record, timeZone, { text: source.bytes.toString('utf8'), key: source.sha256 });
  })
  .register('html', async ({ facts, record }, { timeZone, render, drawn, template }) => {
    const source = await template('html');
    return drawn.get(drawingKey(record, 'html', 1, source), async () =>
      (await render.run({ kind: 'report-html', facts, record, timeZone, template: { text: source.bytes.toString('utf8'), key: source.sha256 } })).body as string);
  })
  .register('docx', async ({ facts, record }, { timeZone, render, drawn, scale, fontFiles, warn, template }) => {
    const source = await template('docx');
    return drawn.get(drawingKey(record, 'docx', scale, source), async () => {
      const { body, warnings } = await render.run({ kind: 'report-docx', facts, record, timeZone, scale, fontFiles, template: new Uint8Array(source.bytes) });
      if (warnings.length > 0) warn(warnings);
      return Buffer.from(body as Uint8Array);
    });
  });
