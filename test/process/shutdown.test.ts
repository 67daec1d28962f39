/**
 * SIGTERM while a large post is still arriving: the post finishes and is
 * acknowledged, new connections are refused, the report schedule stops,
 * the store is closed with the writes in it, and the process exits 0.
 */
import { request } from 'node:http';
import t from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { batchRows, batchSize, presence, putLoadCatalog, type LoadShape } from '../helpers/loader.ts';
import { ServiceProcess, send } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHAPE: LoadShape = { regions: 100, periodsPerBatch: 300, batches: 1 };

/** Start a post, send the first half of its body, and hand back how to finish it. */
function halfPost(url: string, body: Buffer) {
  const target = new URL('/v1/observations', url);
  let answered: (value: { status: number; body: any }) => void = () => {};
  const answer = new Promise<{ status: number; body: any }>((resolve) => (answered = resolve));
  const req = request(
    {
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json', 'content-length': String(body.length) },
    },
    (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => answered({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    },
  );
  req.on('error', (error) => answered({ status: 0, body: String(error) }));
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return { answer, finish: () => req.end(body.subarray(half)) };
}

for (const kind of ['sqlite', 'influxdb'] as const) {
  t.test(`${kind}: SIGTERM lets the request under way finish, then exits 0`, async (t) => {
    const env: Record<string, string> = { DATA_DIR: tempDir(t), LOG_LEVEL: 'info', REPORTS_ENABLED: 'true' };
    if (kind === 'influxdb') Object.assign(env, { STORE: 'influxdb', INFLUX_URL: (await sharedInfluxd(t)).url, INFLUX_DATABASE: freshDatabase(), INFLUX_API: 'v1' });
    let service = await ServiceProcess.start(t, env);
    await putLoadCatalog(service.url, SHAPE);

    const body = Buffer.from(JSON.stringify({ observations: batchRows(SHAPE, 0) }));
    const post = halfPost(service.url, body);
    await new Promise((r) => setTimeout(r, 300));
    const exiting = service.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await send(service.url, 'GET', '/healthz');
    post.finish();
    const answer = await post.answer;
    const exit = await exiting;

    t.equal(refused.status, 0, 'a new connection after SIGTERM is refused');
    t.same([answer.status, answer.body.created], [200, batchSize(SHAPE)], `the post under way (${(body.length / 1e6).toFixed(1)} MB) finished and was acknowledged`);
    t.same(exit, { code: 0, signal: null }, 'the process exits 0');
    const log = service.lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    const order = (msg: string) => log.findIndex((l) => l.msg === msg);
    t.ok(order('shutting down') >= 0, 'the shutdown is logged');
    t.ok(order('report schedule stopped') > order('shutting down'), 'the report schedule stopped');
    t.same(log.filter((l) => l.level >= 50), [], 'no error on the way out');

    service = await ServiceProcess.start(t, env);
    const held = await presence(service.url, SHAPE);
    t.same(held.present, [batchSize(SHAPE)], 'after a restart every figure of the post is there');
    await service.kill('SIGTERM');
  });
}
