import { Influxd } from '../test/helpers/influxd.ts';
import { InfluxHttp } from '../src/store/influxdb/http.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { NATIONAL, nationalCatalog, periodOf, cpuSeconds } from '../bench/lib.ts';

const months = Number(process.argv[2] ?? 3);
const influxd = await Influxd.create();
const stats = new Map<string, { n: number; ms: number; stmts: number }>();
const orig = InfluxHttp.prototype.query;
InfluxHttp.prototype.query = async function (statements, params) {
  const t0 = performance.now();
  try { return await orig.call(this, statements, params); } finally {
    const key = (statements[0] ?? '').replace(/\$\w+/g, '?').slice(0, 70);
    const s = stats.get(key) ?? { n: 0, ms: 0, stmts: 0 };
    s.n++; s.ms += performance.now() - t0; s.stmts += statements.length;
    stats.set(key, s);
  }
};
const origW = InfluxHttp.prototype.writeV1;
let wms = 0, wn = 0;
InfluxHttp.prototype.writeV1 = async function (lines) { const t0 = performance.now(); try { return await origW.call(this, lines); } finally { wms += performance.now() - t0; wn++; } };

const config = loadConfig({ STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'svc', INFLUX_API: 'v1', LOG_LEVEL: 'silent', API_TOKENS: 'admin:admin-token-0123456789abcdef', REPORTS_ENABLED: 'false', DATA_DIR: '/tmp/probe-data' });
const app = await buildApp({ config, logger: false });
const catalog = nationalCatalog();
await app.services.catalog.upsertRegions(catalog.regions as any);
await app.services.catalog.upsertIndicators(catalog.indicators as any);
let batch: any[] = [];
const t0 = performance.now();
let c0 = cpuSeconds(influxd.pid!);
let total = 0;
const flush = async () => { const b = batch; batch = []; total += b.length; const t = performance.now(); await app.services.ingest.ingest({ data: b, numbers: null }, { dryRun: false, by: 'probe' }); };
for (let m = 0; m < months; m++) {
  const tm = performance.now(); const cm = cpuSeconds(influxd.pid!);
  for (let i = 0; i < NATIONAL.indicators; i++) for (let c = 0; c < catalog.counties.length; c++) {
    batch.push({ indicator: `ind${String(i).padStart(2, '0')}`, region: catalog.counties[c], period: periodOf(m), value: 10 + c + m, yoy: m >= 12 && c % 3 === 0 ? 10.5 : null });
    if (batch.length === 20000) await flush();
  }
  console.log(`month ${m}: ${((performance.now() - tm) / 1000).toFixed(1)} s, influxd cpu ${(cpuSeconds(influxd.pid!) - cm).toFixed(1)} s`);
}
if (batch.length) await flush();
console.log(`total ${total} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; influxd cpu ${(cpuSeconds(influxd.pid!) - c0).toFixed(1)} s`);
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(5)} req ${String(s.stmts).padStart(6)} stmts  ${k}`);
console.log(`writes: ${wn} in ${wms.toFixed(0)} ms`);
await app.close(); await influxd.destroy();
