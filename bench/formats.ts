/**
 * Issue 14's targets, each beside its yardstick in the same run (in-process,
 * the service's own code, demo data on the embedded store):
 * - PNG of the 9-peer ranking chart, highlighting each county in turn:
 *   median under 100 ms; beside it the SVG it is drawn from, and resvg
 *   drawing that SVG's texts itself (no kept outlines);
 * - the Word report of a county: under 1 s; beside it the HTML report
 *   (the same charts, as SVG);
 * - 50,000 stored figures as xlsx, beside the same as CSV.
 * Run: npx tsx bench/formats.ts
 */
import { Resvg } from '@resvg/resvg-js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSvg } from '../charts/render.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { tableCsv } from '../src/formats/csv.ts';
import { CJK_FONT_FAMILY, DEFAULT_CJK_FONT_FILES } from '../src/fonts.ts';
import { observationTable, type ObservationRow } from '../src/formats/observations.ts';
import { DEFAULT_PNG_SCALE } from '../src/formats/png.ts';
import { tableXlsx } from '../src/formats/xlsx.ts';
import { loadDemo } from '../src/services/demo.ts';
import { median } from './lib.ts';

const PNG_RENDERS = 45;
const UNKEPT_RENDERS = 5;
const REPORTS = 8;
const ROWS = 50_000;
const COUNTIES = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];

const time = async (fn: () => Promise<unknown> | unknown) => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

const dir = mkdtempSync(join(tmpdir(), 'bench-formats-'));
const app = await buildApp({ config: loadConfig({ DATA_DIR: dir, API_TOKENS: 'admin:aaaaaaaaaaaaaaaaaaaaaaaa', LOG_LEVEL: 'warn', REPORTS_ENABLED: 'false' }), logger: false });
try {
  await loadDemo(app.services.ingest);
  const png = app.services.png;
  if (png.unavailable !== null) throw new Error(png.unavailable);

  const specs = await Promise.all(COUNTIES.map((c) => app.services.charts.ranking(app.services.views.forPrincipal({ role: 'anonymous', scope: null }), { indicator: 'manufacturing_investment', period: '2022-06', parent: '331000', highlight: c })));
  const svgTimes: number[] = [];
  const pngTimes: number[] = [];
  const svgs: string[] = [];
  for (let i = 0; i < PNG_RENDERS; i++) {
    const spec = specs[i % specs.length]!;
    let svg = '';
    svgTimes.push(await time(async () => (svg = (await renderSvg(spec)).svg)));
    pngTimes.push(await time(() => png.render(svg, DEFAULT_PNG_SCALE)));
    svgs.push(svg);
  }
  const unkept: number[] = [];
  for (let i = 0; i < UNKEPT_RENDERS; i++) {
    unkept.push(await time(() => new Resvg(svgs[i]!, { fitTo: { mode: 'zoom', value: DEFAULT_PNG_SCALE }, font: { fontFiles: DEFAULT_CJK_FONT_FILES, loadSystemFonts: false, defaultFontFamily: CJK_FONT_FAMILY } }).render().asPng()));
  }
  const total = pngTimes.map((p, i) => p + svgTimes[i]!);
  console.log(`PNG of the 9-peer ranking chart at ${DEFAULT_PNG_SCALE}x, highlighting each county in turn, ${PNG_RENDERS} renders:`);
  console.log(`  spec -> SVG -> PNG: median ${median(total).toFixed(1)} ms (target < 100); the first, outlining every label: ${total[0]!.toFixed(1)} ms`);
  console.log(`  of which SVG -> PNG: median ${median(pngTimes).toFixed(1)} ms; spec -> SVG (yardstick): median ${median(svgTimes).toFixed(1)} ms; ratio PNG/SVG ${(median(pngTimes) / median(svgTimes)).toFixed(2)}`);
  console.log(`  resvg shaping the texts itself each time (no kept outlines): median ${median(unkept).toFixed(1)} ms over ${UNKEPT_RENDERS}`);

  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'bench');
  const docx: number[] = [];
  const html: number[] = [];
  let size = 0;
  for (let i = 0; i < REPORTS; i++) {
    docx.push(await time(async () => (size = (await app.inject({ url: '/v1/reports/331023/2022-06.docx' })).rawPayload.length)));
    html.push(await time(() => app.inject({ url: '/v1/reports/331023/2022-06.html' })));
  }
  console.log(`\nWord report of 331023 for 2022-06 (${(size / 1024).toFixed(0)} KB, 12 charts as PNG), ${REPORTS} requests:`);
  console.log(`  .docx: median ${median(docx).toFixed(0)} ms (target < 1000); the first: ${docx[0]!.toFixed(0)} ms`);
  console.log(`  .html (yardstick, the same charts as inline SVG): median ${median(html).toFixed(0)} ms; ratio ${(median(docx) / median(html)).toFixed(2)}`);

  // Issue 21: a county's Word report from a staff template (the default, edited and uploaded), each county drawn afresh, beside the built-in template.
  await app.services.reports.run(app.services.views.privileged(), '2022-06', COUNTIES, 'bench');
  const edited = Buffer.from(readFileSync(new URL('../templates/default.docx', import.meta.url)));
  await app.services.reportTemplates.save('county', edited, 'docx', 'bench');
  // Each county's charts are drawn once (PNGs are kept by content): the template drawn first for a county takes its
  // charts' cost, so the two kinds take turns going first, and only the one that went first is counted.
  const staff: number[] = [];
  const builtIn: number[] = [];
  for (const [i, county] of COUNTIES.entries()) {
    const drawStaff = () => time(() => app.inject({ url: `/v1/reports/${county}/2022-06.docx?template=county` }));
    const drawBuiltIn = () => time(() => app.inject({ url: `/v1/reports/${county}/2022-06.docx?template=default` }));
    if (i % 2 === 0) {
      staff.push(await drawStaff());
      await drawBuiltIn();
    } else {
      builtIn.push(await drawBuiltIn());
      await drawStaff();
    }
  }
  console.log(`\nWord report of a county drawn afresh (${COUNTIES.length} counties, the two templates taking turns to go first):`);
  console.log(`  from a staff template (uploaded .docx): median ${median(staff.slice(1)).toFixed(0)} ms after the first (target < 1000; first ${staff[0]!.toFixed(0)} ms); from the built-in one: median ${median(builtIn).toFixed(0)} ms; ratio ${(median(staff.slice(1)) / median(builtIn)).toFixed(2)}`);

  const indicator = app.services.catalog.indicator('industrial_investment');
  const rows: ObservationRow[] = Array.from({ length: ROWS }, (_, i) => ({ indicator: indicator.code, region: String(330000 + (i % 1000)), period: `20${10 + Math.floor(i / 12_000)}-${String((i % 12) + 1).padStart(2, '0')}`, value: Math.round(i * 13.7) / 100, yoy: i % 4 === 0 ? null : (i % 300) / 10, status: null }));
  const table = observationTable({ observations: rows, next: null, indicator, regionName: (c) => `县${c}` });
  const csvTime = await time(() => tableCsv(table));
  const xlsxTime = await time(() => tableXlsx(table));
  console.log(`\n${ROWS.toLocaleString('en')} figures as a download: xlsx ${xlsxTime.toFixed(0)} ms, CSV (yardstick) ${csvTime.toFixed(0)} ms; ratio ${(xlsxTime / csvTime).toFixed(1)}`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
