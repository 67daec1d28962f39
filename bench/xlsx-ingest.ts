/**
 * Issue 14's workbook target, measured side by side in one run on the
 * embedded SQLite store:
 * - a 50,000-row .xlsx posted to /v1/observations vs the same rows as CSV,
 *   in paired rounds (order alternating), medians and the ratio of rates
 *   (target: the workbook's rate >= 1/3 of CSV's);
 * - the longest event-loop stall while the workbook is ingested
 *   (perf_hooks monitorEventLoopDelay; target < 50 ms), CSV's beside it,
 *   and the same process idle for as long as the yardstick of what the
 *   machine itself costs (a busy shared machine deschedules threads).
 * The service is the compiled build (`npm run build`, as `npm start` runs
 * it) in this process, so the stall is measured on its own event loop; the
 * client here only sends bytes made before each round.
 * Run: npx tsx bench/xlsx-ingest.ts [--rounds 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as XLSX from '@e965/xlsx';
import { ADMIN, median, ROOT, timed } from './lib.ts';

const ROWS = 50_000;
const REGIONS = 100;
const INDICATORS = 50;
const MONTHS = ROWS / REGIONS / INDICATORS;
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 5) || 5;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The histogram's sampling: a stall shorter than this may go unseen, one longer is measured. */
const DELAY_RESOLUTION_MS = 5;

execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
const { buildApp } = (await import(`${ROOT}/dist/src/app.js`)) as typeof import('../src/app.ts');
const { loadConfig } = (await import(`${ROOT}/dist/src/config.js`)) as typeof import('../src/config.ts');

const dataDir = mkdtempSync(join(tmpdir(), 'bench-xlsx-'));
const app = await buildApp({ config: loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', API_TOKENS: `admin:${ADMIN}`, REPORTS_ENABLED: 'false' }) });
const url = await app.listen({ host: '127.0.0.1', port: 0 });

const regions = Array.from({ length: REGIONS }, (_, i) => ({ code: `B${String(i).padStart(4, '0')}`, name: `地区${i}`, parent: '331000' }));
const indicators = Array.from({ length: INDICATORS }, (_, i) => ({ code: `bench_${i}`, name: `指标${i}`, unit: '亿元', basis: 'month', direction: 'higher' }));
await timed(`${url}/v1/regions`, 'PUT', JSON.stringify({ regions }));
await timed(`${url}/v1/indicators`, 'PUT', JSON.stringify({ indicators }));

/** 50,000 rows of one year: every region, indicator and month once, with Chinese headers. */
function rowsOf(year: number): unknown[][] {
  const rows: unknown[][] = [['指标', '地区', '时期', '数值', '同比', '状态']];
  let i = 0;
  for (let m = 1; m <= MONTHS; m++) {
    for (const indicator of indicators) {
      for (const region of regions) {
        i++;
        rows.push([indicator.code, region.code, `${year}-${String(m).padStart(2, '0')}`, Math.round(((i * 7919) % 100_000) + 100) / 100, (i % 400) / 10, i % 9 === 0 ? 'p' : '']);
      }
    }
  }
  return rows;
}

function asWorkbook(rows: unknown[][]): Buffer {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), '数据');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}

const asCsv = (rows: unknown[][]) => rows.map((r) => r.join(',')).join('\r\n');

/**
 * The yardstick for stalls: the event loop's longest delay while the
 * process does nothing, for as long as an ingest takes. On a shared
 * machine the thread is sometimes not scheduled at all; that shows here too.
 */
async function idleStall(ms: number): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  await new Promise((r) => setTimeout(r, ms));
  delay.disable();
  return delay.max / 1e6;
}

/** Post and time one body, with the event loop's longest delay meanwhile. */
async function ingest(body: Buffer | string, type: string): Promise<{ ms: number; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  const { ms, json } = await timed(`${url}/v1/observations`, 'POST', body, type);
  // One more turn, so a stall at the very end is sampled too.
  await new Promise((r) => setTimeout(r, DELAY_RESOLUTION_MS * 2));
  delay.disable();
  if (json.accepted !== ROWS || json.created !== ROWS) throw new Error(`expected ${ROWS} created: ${JSON.stringify(json).slice(0, 300)}`);
  return { ms, stallMs: delay.max / 1e6 };
}

const xlsxRates: number[] = [];
const csvRates: number[] = [];
const ratios: number[] = [];
const xlsxStalls: number[] = [];
const csvStalls: number[] = [];
const idleStalls: number[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Years two apart: no row has a base a year earlier, so no growth warnings swell the answers.
    const book = asWorkbook(rowsOf(1900 + 4 * round));
    const csv = asCsv(rowsOf(1902 + 4 * round));
    // Alternate which goes first, so drift over the run falls on both alike.
    const runs = round % 2 === 0 ? (['xlsx', 'csv'] as const) : (['csv', 'xlsx'] as const);
    const result: Record<string, { ms: number; stallMs: number }> = {};
    for (const kind of runs) result[kind] = kind === 'xlsx' ? await ingest(book, XLSX_TYPE) : await ingest(csv, 'text/csv');
    const x = result.xlsx!;
    const c = result.csv!;
    xlsxRates.push(ROWS / (x.ms / 1000));
    csvRates.push(ROWS / (c.ms / 1000));
    ratios.push(c.ms / x.ms);
    xlsxStalls.push(x.stallMs);
    csvStalls.push(c.stallMs);
    idleStalls.push(await idleStall(x.ms));
    console.log(
      `round ${round + 1}: xlsx ${x.ms.toFixed(0)} ms (${(book.length / 1e6).toFixed(1)} MB), longest stall ${x.stallMs.toFixed(1)} ms; ` +
        `csv ${c.ms.toFixed(0)} ms (${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB), longest stall ${c.stallMs.toFixed(1)} ms; ratio ${(c.ms / x.ms).toFixed(2)}; idle stall ${idleStalls.at(-1)!.toFixed(1)} ms`,
    );
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\n${ROWS.toLocaleString('en-US')} rows, ${ROUNDS} paired rounds on SQLite (medians; machine load average ${loadavg()[0]!.toFixed(1)} at the end):`);
  console.log(`  xlsx ingest  ${fmt(median(xlsxRates))} rows/s   csv ingest ${fmt(median(csvRates))} rows/s`);
  console.log(`  rate ratio xlsx/csv ${median(ratios).toFixed(2)} (rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}; target >= 0.33)`);
  console.log(`  longest event-loop stall during xlsx ingest: median ${median(xlsxStalls).toFixed(1)} ms, worst ${Math.max(...xlsxStalls).toFixed(1)} ms (target < 50 ms)`);
  console.log(`  (during csv ingest: median ${median(csvStalls).toFixed(1)} ms, worst ${Math.max(...csvStalls).toFixed(1)} ms;`);
  console.log(`   idle, as long as an xlsx ingest: median ${median(idleStalls).toFixed(1)} ms, worst ${Math.max(...idleStalls).toFixed(1)} ms: the machine's own share)`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
