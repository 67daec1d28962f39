/**
 * PNG charts with the CJK font held in memory (formats/font-subset.ts)
 * beside resvg given the font files themselves, which it read again for
 * every glyph (the yardstick: PngRenderer's `fontInMemory: false`), in one
 * run, on the service's own code and demo data (in-process, embedded store):
 * - ranking charts of Taizhou's nine counties, each indicator and month a
 *   new chart (its figures, ticks and titles new; region names repeat), as a
 *   dashboard's first drawings are: median ms per PNG, SVG -> PNG at 2x, both
 *   renderers drawing the same charts in turn, PNGs compared byte for byte;
 *   beside them the same charts drawn again (outlines kept, no font read);
 * - every text of one such chart outlined at once, no outlines kept (on
 *   this thread): median ms per chart;
 * - CPU a process spends starting the rendering thread (render.warm()), and
 *   the first PNG's (the outlining thread, the font loaded).
 * Run: npx tsx bench/png-font.ts
 */
import type { TopLevelSpec } from 'vega-lite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSvg } from '../charts/render.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { CJK_FONT_FAMILY, DEFAULT_CJK_FONT_FILES } from '../src/fonts.ts';
import { KeptFonts } from '../src/formats/font-subset.ts';
import { outlines } from '../src/formats/outline-worker.ts';
import { DEFAULT_PNG_SCALE, PngRenderer } from '../src/formats/png.ts';
import { RenderPool } from '../src/formats/render-pool.ts';
import type { RenderTask } from '../src/formats/render-protocol.ts';
import { loadDemo } from '../src/services/demo.ts';
import { median } from './lib.ts';

const CHARTS = 24;
const WHOLE_CHARTS = 5;
const INDICATORS = ['industrial_investment', 'manufacturing_investment', 'fixed_asset_investment', 'digital_core_value_added', 'online_retail_sales', 'industrial_value_added', 'retail_sales', 'fiscal_revenue'];
const PERIODS = ['2022-03', '2022-06', '2022-09', '2022-12', '2023-03', '2023-06'];

const time = async (fn: () => Promise<unknown> | unknown) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};
/** CPU ms of the whole process (every thread) while `fn` runs. */
const cpu = async (fn: () => Promise<unknown> | unknown) => {
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const f1 = (ms: number) => ms.toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'bench-png-font-'));
const app = await buildApp({ config: loadConfig({ DATA_DIR: dir, API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaaaaaa', LOG_LEVEL: 'warn', REPORTS_ENABLED: 'false' }), logger: false });
const memory = new PngRenderer(DEFAULT_CJK_FONT_FILES);
const files = new PngRenderer(DEFAULT_CJK_FONT_FILES, { fontInMemory: false });
try {
  if (memory.unavailable !== null) throw new Error(memory.unavailable);

  // Starting the rendering thread, as server.ts does after listen: a job as small as can be says it is up.
  const pool = new RenderPool();
  const tiny: RenderTask = { kind: 'xlsx', table: { sheet: 'a', columns: [{ header: 'a', kind: 'number' }], rows: [[1]] } };
  const warmCpu = await cpu(async () => {
    pool.warm();
    await pool.run(tiny);
  });
  const tinyCpu = await cpu(() => pool.run(tiny));
  await pool.close();

  await loadDemo(app.services.ingest);
  const view = app.services.views.forPrincipal({ role: 'anonymous', scope: null });
  const svgs: string[] = [];
  for (const period of PERIODS) {
    for (const indicator of INDICATORS) {
      if (svgs.length >= CHARTS) break;
      const spec = await app.services.charts.ranking(view, { indicator, period, parent: '331000', highlight: '331023' }).catch(() => null);
      if (spec !== null) svgs.push((await renderSvg(spec as TopLevelSpec)).svg);
    }
  }

  // The first PNG of each: its outlining thread starts and, in memory, loads the font.
  const first = { memory: 0, files: 0, memoryCpu: 0, filesCpu: 0 };
  first.memoryCpu = await cpu(async () => (first.memory = await time(() => memory.render(svgs[0]!, DEFAULT_PNG_SCALE))));
  first.filesCpu = await cpu(async () => (first.files = await time(() => files.render(svgs[0]!, DEFAULT_PNG_SCALE))));

  const times = { memory: [] as number[], files: [] as number[] };
  let differ = 0;
  for (let i = 1; i < svgs.length; i++) {
    const svg = svgs[i]!;
    // Either goes first in turn.
    const order = i % 2 === 0 ? (['memory', 'files'] as const) : (['files', 'memory'] as const);
    const png: Record<string, Buffer> = {};
    for (const which of order) {
      const renderer = which === 'memory' ? memory : files;
      times[which].push(await time(async () => (png[which] = await renderer.render(svg, DEFAULT_PNG_SCALE))));
    }
    if (!png.memory!.equals(png.files!)) differ++;
  }
  // The floor: the same charts again, every text's outlines kept (no font used at all).
  const kept: number[] = [];
  for (let i = 1; i < svgs.length; i++) kept.push(await time(() => memory.render(svgs[i]!, DEFAULT_PNG_SCALE)));
  const texts = (svg: string) => [...svg.matchAll(/<text[\s\S]*?<\/text>/g)].map((m) => m[0].replace(/font-family="[^"]*"/, `font-family="${CJK_FONT_FAMILY}"`));
  const loadMs = await time(() => KeptFonts.load(DEFAULT_CJK_FONT_FILES, CJK_FONT_FAMILY));
  outlines(DEFAULT_CJK_FONT_FILES, texts(svgs[0]!), true);
  const whole = { memory: [] as number[], files: [] as number[] };
  for (let i = 0; i < WHOLE_CHARTS; i++) {
    const t = texts(svgs[i]!);
    whole.memory.push(await time(() => outlines(DEFAULT_CJK_FONT_FILES, t, true)));
    whole.files.push(await time(() => outlines(DEFAULT_CJK_FONT_FILES, t, false)));
  }
  const textCount = median(svgs.slice(0, WHOLE_CHARTS).map((s) => texts(s).length));

  const row = (label: string, m: number[], f: number[]) =>
    console.log(`  ${label}: font in memory median ${f1(median(m))} ms, font files ${f1(median(f))} ms; ratio files/memory ${(median(f) / median(m)).toFixed(1)}`);
  console.log(`Ranking charts of 9 counties at ${DEFAULT_PNG_SCALE}x, SVG -> PNG, ${svgs.length - 1} charts with new figures after a first (${differ} PNGs differ between the two):`);
  row('per PNG', times.memory, times.files);
  console.log(`  the same charts again, every text's outlines kept (no font read in either): median ${f1(median(kept))} ms`);
  console.log(`  the first PNG (outlining thread started, every text new): in memory ${f1(first.memory)} ms (${f1(first.memoryCpu)} ms CPU), files ${f1(first.files)} ms (${f1(first.filesCpu)} ms CPU)`);
  console.log(`\nEvery text of a chart (${textCount}) outlined at once, no outlines kept, ${WHOLE_CHARTS} charts:`);
  row('per chart', whole.memory, whole.files);
  console.log(`  loading the font into memory (2 files, ${CJK_FONT_FAMILY} regular and bold): ${f1(loadMs)} ms, once per outlining thread`);
  console.log(`\nStarting the rendering thread (render.warm()) and its first tiny job: ${f1(warmCpu)} ms CPU; a tiny job alone: ${f1(tinyCpu)} ms CPU`);
} finally {
  await Promise.all([memory.close(), files.close(), app.close()]);
  rmSync(dir, { recursive: true, force: true });
}
