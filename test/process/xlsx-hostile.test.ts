/**
 * Hostile workbooks posted to the service as a real process, on both
 * stores: each is a 4xx with a clear message, nothing is stored, the
 * service answers /healthz within a second throughout (polled while the
 * posts run), and its memory stays bounded.
 */
import t from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { RawBody, send, ServiceProcess } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';
import { deflateBomb, inlineRow, minimalParts, rawZip, sheetXml, workbook, XLSX_TYPE } from '../helpers/workbook.ts';

/** The contract: the service answers a health check within a second, whatever is being posted. */
const HEALTH_WITHIN_MS = 1000;
const HEALTH_EVERY_MS = 100;
/**
 * Generous: a parsing worker may take up to its heap limit (256 MB) and the
 * inflated parts (up to 64 MB) while it runs; once it is gone the service
 * should be back near where it started.
 */
const PEAK_RSS_GROWTH_MB = 600;
const FINAL_RSS_GROWTH_MB = 250;
/**
 * Rounds of the same files: the allocator keeps some of what each worker
 * freed (measured: 20-100 MB over the first round, flat over six), so later
 * rounds must stay near the first instead of adding a bomb's 64 MB each.
 */
const ROUNDS = [1, 2, 3];
const LATER_ROUND_GROWTH_MB = 160;

const HEADER = ['indicator', 'region', 'period', 'value'];
const GOOD_ROW = ['industrial_investment', '331023', '2022-06', 34.58];

function post(url: string, body: Buffer, type = XLSX_TYPE, query = ''): Promise<{ status: number; body: any }> {
  return send(url, 'POST', `/v1/observations${query}`, new RawBody(body, type), TOKENS.writer);
}

const sheetPrefix = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const laughs = (root: string) =>
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
  `]>${root}`;

/** Each made here, byte by byte where the headers must lie. */
function hostileFiles(): Array<{ name: string; body: Buffer; type?: string; status: number; message: RegExp }> {
  const bomb = deflateBomb(sheetPrefix, 1e9);
  const book = workbook({ name: 'S', rows: [HEADER, GOOD_ROW] });
  return [
    { name: 'zip bomb, honest header (1 GB from under 1 MB)', body: rawZip(minimalParts({ name: '', deflated: bomb })), status: 413, message: /declares that xl\/worksheets\/sheet1.xml inflates to 1000341\d+ bytes, more than the 64 MB/ },
    { name: 'zip bomb, lying header', body: rawZip(minimalParts({ name: '', deflated: bomb, declaredSize: 2048 })), status: 413, message: /would inflate xl\/worksheets\/sheet1.xml past .* 64 MB/ },
    { name: '100,000 zip entries', body: rawZip(Array.from({ length: 100_000 }, (_, i) => ({ name: `xl/media/f${i}.bin`, method: 0 }))), status: 413, message: /holds 100000 files/ },
    {
      name: 'XML entity expansion in the sheet',
      body: rawZip(minimalParts({ name: '', data: Buffer.from(laughs(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${inlineRow(1, HEADER)}<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>`)) })),
      status: 400,
      message: /declares a DTD/,
    },
    {
      name: 'XML entity expansion in shared strings',
      body: rawZip(minimalParts({ name: '', data: sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>') }, { name: '', data: Buffer.from(laughs('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')) })),
      status: 400,
      message: /sharedStrings.xml declares a DTD/,
    },
    {
      name: 'a cell at XFD1048576, the whole grid claimed',
      body: rawZip(minimalParts({ name: '', data: sheetXml(inlineRow(1, HEADER) + inlineRow(2, GOOD_ROW as Array<string | number>) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', 'A1:XFD1048576') })),
      status: 400,
      message: /values in columns without a header/,
    },
    { name: 'an OLE .xls', body: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096, 0xff)]), type: 'application/vnd.ms-excel', status: 415, message: /save it as \.xlsx/ },
    { name: 'a truncated zip', body: book.subarray(0, Math.floor(book.length * 0.7)), status: 400, message: /damaged or incomplete/ },
    { name: '__proto__ headers', body: workbook({ name: 'S', rows: [[...HEADER, '__proto__', 'constructor'], [...GOOD_ROW, '{"polluted":1}', 'x']] }), status: 400, message: /header \(row 1 of sheet S\) is not usable/ },
  ];
}

for (const store of ['sqlite', 'influxdb'] as const) {
  t.test(`${store}: hostile workbooks are refused while the service keeps answering`, async (t) => {
    const env: Record<string, string> = { DATA_DIR: tempDir(t) };
    if (store === 'influxdb') Object.assign(env, { STORE: 'influxdb', INFLUX_URL: (await sharedInfluxd(t)).url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' });
    const service = await ServiceProcess.start(t, env);
    // Warm up: one good workbook through the worker (a dry run, nothing stored).
    const warm = await post(service.url, workbook({ name: 'S', rows: [HEADER, GOOD_ROW] }), XLSX_TYPE, '?dryRun=true');
    t.equal(warm.status, 200, JSON.stringify(warm.body));
    // Made before the polling starts: making them blocks this process, not the service.
    const files = hostileFiles();
    const rssBefore = await service.rssBytes();

    const health: number[] = [];
    const slowestDuring = new Map<string, number>();
    let posting = '';
    let peakRss = rssBefore;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const started = performance.now();
        const ok = await fetch(`${service.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
        const ms = ok ? performance.now() - started : Infinity;
        health.push(ms);
        slowestDuring.set(posting, Math.max(slowestDuring.get(posting) ?? 0, ms));
        peakRss = Math.max(peakRss, await service.rssBytes());
        await new Promise((r) => setTimeout(r, HEALTH_EVERY_MS));
      }
    })();

    const rssAfterRound: number[] = [];
    for (const round of ROUNDS) {
      for (const file of files) {
        posting = file.name;
        const r = await post(service.url, file.body, file.type);
        if (round === 1) {
          t.equal(r.status, file.status, `${file.name}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
          t.match(r.body?.message ?? '', file.message, `${file.name}: says why`);
        } else if (r.status !== file.status) {
          t.fail(`${file.name}, again: ${r.status}`);
        }
      }
      rssAfterRound.push(await service.rssBytes());
    }
    polling = false;
    await poller;

    t.ok(health.length >= 5, `/healthz polled ${health.length} times during the posts`);
    const slowest = Math.max(...health);
    t.ok(slowest < HEALTH_WITHIN_MS, `/healthz answered within ${HEALTH_WITHIN_MS} ms every time (slowest ${slowest.toFixed(0)} ms; by file ${JSON.stringify(Object.fromEntries([...slowestDuring].map(([k, v]) => [k, Math.round(v)])))})`);
    const series = await fetch(`${service.url}/v1/series?indicator=industrial_investment&region=331023`).then((r) => r.json() as Promise<{ points: unknown[] }>);
    t.same(series.points, [], 'nothing stored');
    const rssAfter = await service.rssBytes();
    const mb = (x: number) => Math.round(x / 1024 / 1024);
    t.ok(mb(peakRss - rssBefore) < PEAK_RSS_GROWTH_MB, `RSS peak ${mb(peakRss)} MB from ${mb(rssBefore)} MB`);
    t.ok(mb(rssAfter - rssBefore) < FINAL_RSS_GROWTH_MB, `RSS after ${mb(rssAfter)} MB from ${mb(rssBefore)} MB`);
    const [first, ...later] = rssAfterRound as [number, ...number[]];
    t.ok(mb(Math.max(...later) - first) < LATER_ROUND_GROWTH_MB, `RSS after each round ${rssAfterRound.map(mb).join(', ')} MB: bounded, not growing by the round`);
  });
}
