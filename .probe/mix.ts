import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS, send } from '../test/helpers/service.ts';
import { prepareSoak } from '../test/helpers/soak.ts';
import { startService, median } from '../bench/lib.ts';
import { Agent } from 'node:http';
const store = process.argv[2] ?? 'influxdb';
const influxd = store === 'influxdb' ? await Influxd.create() : null;
const s = await startService({ API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'p-')), ...(influxd ? { STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'p', INFLUX_API: 'v1' } : {}) });
await prepareSoak(s.url, TOKENS.admin);
const agent = new Agent({ keepAlive: true });
const IND = ['industrial_investment', 'manufacturing_investment', 'retail_sales'];
const path = (n: number) => { const ind = IND[n % 3]; const region = `SK${String(n % 30).padStart(2, '0')}`; const period = `2022-${String(1 + (n % 12)).padStart(2, '0')}`; switch (n % 7) { case 0: return ['ranking', `/v1/rankings?indicator=${ind}&period=${period}&parent=SOAKP`]; case 1: return ['series', `/v1/series?indicator=${ind}&region=${region}`]; case 2: return ['scorecard', `/v1/scorecard?region=${region}&period=${period}`]; case 3: return ['chart', `/v1/charts/ranking?indicator=${ind}&period=${period}&parent=SOAKP&highlight=${region}`]; case 4: return ['history', `/v1/observations/history?indicator=${ind}&region=${region}&period=${period}`]; case 5: return ['trend', `/v1/charts/trend?indicator=${ind}&region=${region}`]; default: return ['regions', '/v1/regions']; } };
const times = new Map<string, number[]>();
const t0all = performance.now();
for (let n = 0; n < 700; n++) {
  let name: string, t0 = performance.now(), r;
  if (n % 10 === 0) { name = 'post'; const obs = Array.from({ length: 30 }, (_, k) => ({ indicator: IND[n % 3], region: `SK${String(k).padStart(2, '0')}`, period: `2022-${String(1 + (n % 12)).padStart(2, '0')}`, value: 100 + n + k })); r = await send(s.url, 'POST', '/v1/observations', { observations: obs }, TOKENS.writer, agent); }
  else { const [nm, p] = path(n); name = nm; r = await send(s.url, 'GET', p, undefined, TOKENS.reader, agent); }
  if (r.status !== 200) console.log(name, r.status);
  (times.get(name) ?? times.set(name, []).get(name)!).push(performance.now() - t0);
}
const total = performance.now() - t0all;
for (const [k, v] of times) console.log(k.padEnd(10), 'n', v.length, 'median', median(v).toFixed(1), 'sum', v.reduce((a, b) => a + b, 0).toFixed(0));
console.log('total', total.toFixed(0), 'ms', (700 / total * 1000).toFixed(0), 'req/s at concurrency 1');
await s.stop(); await influxd?.destroy();
