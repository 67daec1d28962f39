import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS, send } from '../test/helpers/service.ts';
import { prepareSoak } from '../test/helpers/soak.ts';
import { startService, median } from '../bench/lib.ts';
import { Agent } from 'node:http';
const influxd = await Influxd.create();
const s = await startService({ API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'p-')), STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'p', INFLUX_API: 'v1' });
await prepareSoak(s.url, TOKENS.admin);
const agent = new Agent({ keepAlive: true });
const paths = {
  ranking: (n: number) => `/v1/rankings?indicator=industrial_investment&period=2022-0${1 + (n % 9)}&parent=SOAKP`,
  series: (n: number) => `/v1/series?indicator=industrial_investment&region=SK0${n % 10}`,
  scorecard: (n: number) => `/v1/scorecard?region=SK0${n % 10}&period=2022-0${1 + (n % 9)}`,
  chart: (n: number) => `/v1/charts/ranking?indicator=industrial_investment&period=2022-0${1 + (n % 9)}&parent=SOAKP&highlight=SK01`,
  history: (n: number) => `/v1/observations/history?indicator=industrial_investment&region=SK0${n % 10}&period=2022-05`,
  trend: (n: number) => `/v1/charts/trend?indicator=industrial_investment&region=SK0${n % 10}`,
  regions: () => '/v1/regions',
};
for (const [name, path] of Object.entries(paths)) {
  const ms: number[] = [];
  for (let n = 0; n < 20; n++) { const t0 = performance.now(); const r = await send(s.url, 'GET', path(n), undefined, TOKENS.reader, agent); if (r.status !== 200) console.log(name, r.status); ms.push(performance.now() - t0); }
  console.log(name.padEnd(10), 'median', median(ms).toFixed(1), 'max', Math.max(...ms).toFixed(1));
}
const ms: number[] = [];
for (let k = 0; k < 10; k++) { const obs = Array.from({ length: 30 }, (_, r) => ({ indicator: 'retail_sales', region: `SK${String(r).padStart(2, '0')}`, period: '2022-06', value: 100 + k + r })); const t0 = performance.now(); const r = await send(s.url, 'POST', '/v1/observations', { observations: obs }, TOKENS.writer, agent); if (r.status !== 200) console.log(r.status, r.body); ms.push(performance.now() - t0); }
console.log('post'.padEnd(10), 'median', median(ms).toFixed(1), 'max', Math.max(...ms).toFixed(1));
await s.stop(); await influxd.destroy();
