/**
 * The soak in short (bench/soak.ts runs it for minutes): a steady mixed load
 * of posts and reads on a service process, well below saturation, on each
 * store. Zero errors; memory is printed and only loosely bounded here, since
 * ten seconds say little about a leak (the bench says more).
 */
import t from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { ServiceProcess } from '../helpers/service.ts';
import { prepareSoak, soak } from '../helpers/soak.ts';
import { tempDir } from '../helpers/tmp.ts';

const SECONDS = 10;
const RATE = 60;

for (const kind of ['sqlite', 'influxdb'] as const) {
  t.test(`${kind}: ${SECONDS} s of mixed load at ${RATE} requests/s`, async (t) => {
    const env: Record<string, string> = { DATA_DIR: tempDir(t) };
    if (kind === 'influxdb') Object.assign(env, { STORE: 'influxdb', INFLUX_URL: (await sharedInfluxd(t)).url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' });
    const service = await ServiceProcess.start(t, env);
    await prepareSoak(service.url, TOKENS.admin);
    const options = { url: service.url, pid: service.pid!, rate: RATE, postShare: 0.1, writerToken: TOKENS.writer, readerToken: TOKENS.reader, sampleEvery: 1 };
    await soak({ ...options, seconds: 2 }); // warm-up: compiled code, caches
    const r = await soak({ ...options, seconds: SECONDS });
    t.comment(
      `${r.requests} requests (${r.posts} posts) in ${r.seconds.toFixed(1)} s; p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; ` +
        `RSS ${r.rssStartMiB.toFixed(0)} → ${r.rssEndMiB.toFixed(0)} MiB (max ${r.rssMaxMiB.toFixed(0)})`,
    );
    t.equal(r.errors, 0, `no errors ${r.errorSamples.join('; ')}`);
    t.equal(r.requests, SECONDS * RATE, 'every request was sent');
    t.ok(r.seconds < SECONDS + 5, 'the service kept up with the schedule');
    t.ok(r.rssEndMiB < r.rssStartMiB + 150, 'memory did not run away');
    t.equal((await service.kill('SIGTERM')).code, 0);
  });
}
