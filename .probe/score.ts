import { Influxd } from '../test/helpers/influxd.ts';
import { InfluxHttp } from '../src/store/influxdb/http.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { prepareSoak } from '../test/helpers/soak.ts';
const influxd = await Influxd.create();
const stats = new Map<string, { n: number; ms: number }>();
const orig = InfluxHttp.prototype.query;
InfluxHttp.prototype.query = async function (statements, params) {
  const t0 = performance.now();
  try { return await orig.call(this, statements, params); } finally { const key = (statements[0] ?? '').replace(/\s+/g, ' ').slice(0, 60) + ` x${statements.length}`; const s = stats.get(key) ?? { n: 0, ms: 0 }; s.n++; s.ms += performance.now() - t0; stats.set(key, s); }
};
const config = loadConfig({ STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'svc', INFLUX_API: 'v1', LOG_LEVEL: 'silent', API_TOKENS: 'admin:admin-token-0123456789abcdef,writer:writer-token-0123456789abcdef,reader:reader-token-0123456789abcdef', REPORTS_ENABLED: 'false', DATA_DIR: '/tmp/probe-data2', RATE_LIMIT_MAX: '100000000' });
const app = await buildApp({ config, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${(app.server.address() as any).port}`;
await prepareSoak(url, 'admin-token-0123456789abcdef');
stats.clear();
const view = app.services.views.forRole('anonymous');
for (let n = 0; n < 30; n++) {
  const t0 = performance.now();
  await app.services.analytics.scorecard(app.services.views.forRole('anonymous'), { region: `SK0${n % 10}`, period: `2022-0${1 + (n % 9)}` });
  if (n % 10 === 9) console.log('scorecard', (performance.now() - t0).toFixed(1));
}
for (const [k, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(s.ms.toFixed(0).padStart(6), 'ms', String(s.n).padStart(4), k);
await app.close(); await influxd.destroy();
