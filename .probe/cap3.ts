import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKENS } from '../test/helpers/app.ts';
import { Influxd } from '../test/helpers/influxd.ts';
import { SERVICE_TOKENS } from '../test/helpers/service.ts';
import { capacity, prepareSoak } from '../test/helpers/soak.ts';
import { cpuSeconds } from '../bench/lib.ts';
import { ServiceProcess } from '../test/helpers/service.ts';
import t from 'tap';
const influxd = await Influxd.create();
const s0 = await ServiceProcess.start(t, { NODE_OPTIONS: '--import tsx --import /work/main/.probe/patch.ts', API_TOKENS: SERVICE_TOKENS, RATE_LIMIT_MAX: '100000000', REPORTS_ENABLED: 'false', DATA_DIR: mkdtempSync(join(tmpdir(), 'p-')), STORE: 'influxdb', INFLUX_URL: influxd.url, INFLUX_DATABASE: 'p', INFLUX_API: 'v1' });
const s = { url: s0.url, pid: s0.pid!, stop: () => s0.kill('SIGTERM') };
await prepareSoak(s.url, TOKENS.admin);
for (let round = 0; round < 5; round++) {
  const c0 = cpuSeconds(s.pid), i0 = cpuSeconds(influxd.pid!), t0 = performance.now();
  const r = await capacity({ url: s.url, postShare: 0.1, writerToken: TOKENS.writer, readerToken: TOKENS.reader, seconds: 8 }, 16);
  const secs = (performance.now() - t0) / 1000;
  console.log('round', round, r.perSecond.toFixed(0), 'req/s; service cpu', ((cpuSeconds(s.pid) - c0) / secs).toFixed(2), 'influxd', ((cpuSeconds(influxd.pid!) - i0) / secs).toFixed(2));
}
await s.stop(); await influxd.destroy();
