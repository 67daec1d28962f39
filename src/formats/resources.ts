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
import type { ReportRecord } from '../store/store.ts';
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
  /** Drawn reports by version: a version never changes, so it is drawn once. */
  drawn: RenderCache;
  /** Vega's warnings about a chart, for the request's log. */
  warn: (warnings: string[]) => void;
}

/** What a drawing of a stored report depends on: the version (and, should a store be replaced, its digest and time). */
const drawingKey = (record: ReportRecord, format: string, scale: number) =>
  [record.region, record.period, record.version, record.digest, record.generatedAt.getTime(), format, scale].join('|');

export const reportFormats = new Renderers<ReportInput, ReportContext>('report')
  .register('json', async ({ facts, record, versions }) => ({ ...record, generatedAt: record.generatedAt.toISOString(), versions: await versions(), facts }))
  .register('md', ({ facts, record }, { timeZone }) => reportMarkdown(facts, record, timeZone))
  .register('html', ({ facts, record }, { timeZone, render, drawn }) =>
    drawn.get(drawingKey(record, 'html', 1), async () => (await render.run({ kind: 'report-html', facts, record, timeZone })).body as string),
  )
  .register('docx', ({ facts, record }, { timeZone, render, drawn, scale, fontFiles, warn }) =>
    drawn.get(drawingKey(record, 'docx', scale), async () => {
      const { body, warnings } = await render.run({ kind: 'report-docx', facts, record, timeZone, scale, fontFiles });
      if (warnings.length > 0) warn(warnings);
      return Buffer.from(body as Uint8Array);
    }),
  );
