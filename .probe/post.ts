import { Influxd } from '../test/helpers/influxd.ts';
import { InfluxHttp } from '../src/store/influxdb/http.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { prepareSoak } from '../test/helpers/soak.ts';
const influxd = await Influxd.create();
const stats = new Map<string, { n: number; ms: number }>();
const note = (key: string, t0: number) => { const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t0; stats.set(key, s); };
const orig = InfluxHttp.prototype.query;
InfluxHttp.prototype.query = async function (statements, params) { const t0 = performance.now(); try { return await orig.call(this, statements, params); } finally { note((statements[0] ?? '').replace(/\s+/g, ' ').slice(0, 60) + ` x${statements.length}`, t0); } };
const origW = InfluxHttp.prototype.writeV1;
InfluxHttp.prototype.writeV1 = async function (lines) { const t0 = performance.now(); try { return await origW.call(this, lines); } finally { note('WRITE ' + lines.slice(0, 12), t0); } };
const config = loadConfig({ STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'svc', INFLUX_API: 'v1', LOG_LEVEL: 'silent', API_TOKENS: 'admin:admin-token-0123456789abcdef,writer:writer-token-0123456789abcdef', REPORTS_ENABLED: 'false', DATA_DIR: '/tmp/probe-data3' });
const app = await buildApp({ config, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
await prepareSoak(`http://127.0.0.1:${(app.server.address() as any).port}`, 'admin-token-0123456789abcdef');
stats.clear();
const t0 = performance.now();
for (let k = 0; k < 50; k++) {
  const obs = Array.from({ length: 30 }, (_, r) => ({ indicator: 'retail_sales', region: `SK${String(r).padStart(2, '0')}`, period: `2022-0${1 + (k % 9)}`, value: 100 + k + r }));
  await app.services.ingest.ingest({ data: obs, numbers: null }, { dryRun: false, by: 'p' });
}
console.log('50 posts', (performance.now() - t0).toFixed(0), 'ms');
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(s.ms.toFixed(0).padStart(6), 'ms', String(s.n).padStart(4), k);
await app.close(); await influxd.destroy();
