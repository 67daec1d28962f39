/**
 * influxd stopped during heavy ingest and started again, under a running
 * service process: posts get 503 with Retry-After while it is down, the
 * service recovers without a restart, and clients that repeat refused
 * batches end with every figure stored exactly once.
 */
import t from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { Influxd, freshDatabase } from '../helpers/influxd.ts';
import { batchSize, postBatches, presence, putLoadCatalog, until, type LoadShape } from '../helpers/loader.ts';
import { ServiceProcess, send } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHAPE: LoadShape = { regions: 100, periodsPerBatch: 20, batches: 40 };
const STOP_AFTER = 8;
/** How long influxd stays down: several of the clients' retries. */
const DOWN_MS = 4_000;

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  t.test(`influxd stopped (${signal}) during ingest and started again`, async (t) => {
    const influxd = await Influxd.create();
    t.teardown(() => influxd.destroy());
    const database = freshDatabase();
    // A short timeout: a dead influxd is noticed at once; a slow one must not pass for dead.
    const service = await ServiceProcess.start(t, {
      DATA_DIR: tempDir(t),
      STORE: 'influxdb',
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: database,
      INFLUX_API: 'v1',
    });
    await putLoadCatalog(service.url, SHAPE);

    let acked = 0;
    const refusals: number[] = [];
    const retryAfters = new Set<string>();
    const statuses = new Map<number, number>();
    const load = postBatches(() => service.url, SHAPE, {
      concurrency: 3,
      maxAttempts: 200,
      onAnswer: (_i, answer) => {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 200) acked++;
        else {
          refusals.push(answer.status);
          retryAfters.add(String(answer.headers['retry-after']));
        }
      },
      // A client honours Retry-After; the test waits less to stay short, bounded by maxAttempts.
      retry: (answer) => (answer.status === 503 ? 250 : null),
    });

    await until('batches acknowledged before the stop', 120_000, () => acked >= STOP_AFTER);
    await influxd.stop(signal);
    const downSince = Date.now();
    let readyWhileDown = 0;
    await until('a refused post while influxd is down', 30_000, () => refusals.length > 0);
    readyWhileDown = (await send(service.url, 'GET', '/readyz')).status;
    await new Promise((r) => setTimeout(r, Math.max(0, DOWN_MS - (Date.now() - downSince))));
    await influxd.start();
    const outcomes = await load;

    t.equal(readyWhileDown, 503, '/readyz says not ready while influxd is down');
    const errors = service.lines.filter((l) => /"level":(50|60)/.test(l));
    t.ok(refusals.length > 0 && refusals.every((s) => s === 503), `${refusals.length} posts refused with 503 while down, nothing else`, { errors });
    t.same([...retryAfters], ['5'], 'each with Retry-After');
    t.same(outcomes.filter((o) => o !== 'acked'), [], 'every batch acknowledged in the end, the service never restarted');
    t.equal((await send(service.url, 'GET', '/readyz')).status, 200, 'ready again');
    t.comment(`answers: ${JSON.stringify(Object.fromEntries(statuses))}`);

    const held = await presence(service.url, SHAPE);
    t.same(held.present, Array(SHAPE.batches).fill(batchSize(SHAPE)), 'every figure of every batch is there');
    t.equal(held.wrong, 0);
    t.equal(await influxd.count(database, 'observation'), SHAPE.batches * batchSize(SHAPE), 'each figure once');
    t.equal(await influxd.count(database, 'observation_revision'), 0, 'no figure has a second version from a repeat');
    const h = await send(service.url, 'GET', `/v1/observations/history?indicator=industrial_investment&region=LR000&period=1950-01`, undefined, TOKENS.reader);
    t.equal(h.body.versions.length, 1);
    t.equal((await service.kill('SIGTERM')).code, 0, 'and it still shuts down cleanly');
  });
}
