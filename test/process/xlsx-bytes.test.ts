/**
 * A workbook is built from its own state (issue 22): the same data gives
 * the same bytes and ETag on every instance, whatever that process wrote
 * before. SheetJS keeps number formats in a process-wide table, so an
 * earlier workbook with growth cells (format 0.0) once added that format
 * to every later one.
 */
import t from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { send, ServiceProcess } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';

const IND = 'industrial_investment';
const COUNTIES = ['331002', '331003', '331022', '331023'];
// No reported growth: the download of figures then has no cell in the growth format (0.0), while rankings compute growth.
const rows = COUNTIES.flatMap((region, i) => ['2021-06', '2022-06'].map((period) => ({ indicator: IND, region, period, value: 10 + i + (period === '2022-06' ? 3 : 0) })));

async function download(url: string, path: string, token: string): Promise<{ bytes: Buffer; etag: string | null; status: number }> {
  const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { bytes: Buffer.from(await r.arrayBuffer()), etag: r.headers.get('etag'), status: r.status };
}

const OBSERVATIONS = `/v1/observations?indicator=${IND}&format=xlsx`;
/** Downloads with growth cells and other number formats, asked of one process first. */
const EARLIER = [
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=331000&format=xlsx`,
  `/v1/progress?indicator=${IND}&period=2022-06&parent=331000&format=xlsx`,
  `/v1/rankings?indicator=${IND}&period=2022-06&parent=331000&by=value&format=xlsx`,
];

for (const store of ['sqlite', 'influxdb'] as const) {
  t.test(`${store}: two fresh processes give the same workbook byte for byte after different earlier downloads`, async (t) => {
    const influx = store === 'influxdb' ? { STORE: 'influxdb', INFLUX_URL: (await sharedInfluxd(t)).url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' } : null;
    const start = () => ServiceProcess.start(t, influx ?? { DATA_DIR: tempDir(t) });
    const [a, b] = [await start(), await start()];
    // Each SQLite process has its own data: the same figures are posted to both.
    for (const service of influx === null ? [a, b] : [a]) t.equal((await send(service.url, 'POST', '/v1/observations', { observations: rows }, TOKENS.writer)).status, 200);

    for (const path of EARLIER) t.equal((await download(a.url, path, TOKENS.preview)).status, 200, `a: ${path} first`);
    const [fromA, fromB] = [await download(a.url, OBSERVATIONS, TOKENS.reader), await download(b.url, OBSERVATIONS, TOKENS.reader)];
    t.equal(fromA.status, 200);
    t.ok(fromA.bytes.equals(fromB.bytes), 'the same bytes');
    t.equal(fromA.etag, fromB.etag, 'and the same ETag');

    // And the other way round: b's earlier downloads change nothing of a's next answer either.
    for (const path of EARLIER) await download(b.url, path, TOKENS.reader);
    const ranking = EARLIER[0]!;
    const [rankA, rankB] = [await download(a.url, ranking, TOKENS.reader), await download(b.url, ranking, TOKENS.reader)];
    t.ok(rankA.bytes.equals(rankB.bytes), 'a ranking workbook too');
  });
}
