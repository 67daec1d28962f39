/**
 * SIGKILL the running service during heavy ingest, on a real store, then
 * start it again on the same data: every acknowledged batch is all there.
 * SQLite commits a batch in one transaction, so an unacknowledged batch is
 * all there or absent. InfluxDB has no transactions, so an unacknowledged
 * batch may be partly there; repeating it leaves every figure exactly once,
 * history included.
 */
import { createServer, request } from 'node:http';
import t from 'tap';
import { TOKENS } from '../helpers/app.ts';
import { Influxd, freePort, freshDatabase } from '../helpers/influxd.ts';
import { batchRows, batchSize, postBatches, presence, putLoadCatalog, until, type LoadShape } from '../helpers/loader.ts';
import { ServiceProcess, send } from '../helpers/service.ts';
import { tempDir } from '../helpers/tmp.ts';

// Batches of 10,000 figures: InfluxDB gets each in two writes, so a kill can fall between them.
const SHAPE: LoadShape = { regions: 100, periodsPerBatch: 100, batches: 12 };
const CONCURRENCY = 3;
/** Kill once this many batches are acknowledged: well into the load, with others in flight. */
const KILL_AFTER = 4;

interface WriteGate {
  url: string;
  /** Writes waiting at the gate. */
  readonly held: number;
  hold(): void;
  releaseOne(): Promise<void>;
  open(): void;
}

/** A proxy before influxd that can hold /write requests and let them through one by one. */
async function writeGate(t: Parameters<typeof ServiceProcess.start>[0], influxd: Influxd): Promise<WriteGate> {
  const port = await freePort();
  let holding = false;
  const waiting: Array<() => Promise<void>> = [];
  const server = createServer((req, res) => {
    const forward = () =>
      new Promise<void>((resolve) => {
        const upstream = request({ host: '127.0.0.1', port: influxd.httpPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => resolve());
        });
        upstream.on('error', () => {
          res.writeHead(502).end();
          resolve();
        });
        req.pipe(upstream);
      });
    if (holding && req.url?.startsWith('/write') === true) waiting.push(forward);
    else void forward();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    get held() {
      return waiting.length;
    },
    hold: () => (holding = true),
    releaseOne: async () => waiting.shift()?.(),
    open: () => {
      holding = false;
      // What was held belonged to the killed process: its sockets are gone.
      waiting.length = 0;
    },
  };
}

for (const kind of ['sqlite', 'influxdb'] as const) {
  t.test(`${kind}: SIGKILL during heavy ingest loses nothing acknowledged`, async (t) => {
    const dataDir = tempDir(t);
    let influxd: Influxd | null = null;
    let gate: WriteGate | null = null;
    const database = freshDatabase();
    if (kind === 'influxdb') {
      influxd = await Influxd.create();
      t.teardown(() => influxd!.destroy());
    }
    const env = {
      DATA_DIR: dataDir,
      ...(influxd === null ? {} : { STORE: 'influxdb', INFLUX_URL: (gate = await writeGate(t, influxd)).url, INFLUX_DATABASE: database, INFLUX_API: 'v1' }),
    };
    let service = await ServiceProcess.start(t, env);
    await putLoadCatalog(service.url, SHAPE);

    let acked = 0;
    let killing = false;
    const started = Date.now();
    const load = postBatches(() => service.url, SHAPE, {
      concurrency: CONCURRENCY,
      stop: () => killing,
      onAnswer: (_i, answer) => {
        if (answer.status === 200) acked++;
      },
    });
    await until('enough acknowledged batches', 240_000, () => acked >= KILL_AFTER);
    // No batch starts once the kill is decided; those under way are cut off.
    killing = true;
    if (influxd !== null && gate !== null) {
      // Aim the kill between a batch's writes: hold every write, then let them through one at a
      // time until InfluxDB holds part of a batch the service has not acknowledged.
      gate.hold();
      await until('a write held at the gate', 30_000, () => gate!.held >= 1);
      let figures = await influxd.count(database, 'observation');
      // A batch's first write may be its receipt, which holds no figure: the service then sends the figures.
      for (let n = 0; n < 20 && figures % batchSize(SHAPE) === 0; n++) {
        await until('a write held at the gate', 30_000, () => gate!.held >= 1);
        await gate.releaseOne();
        figures = await influxd.count(database, 'observation');
      }
      t.comment(`killed when InfluxDB held ${figures} figures`);
    }
    const exit = await service.kill('SIGKILL');
    const outcomes = await load;
    const seconds = (Date.now() - started) / 1000;
    t.equal(exit.signal, 'SIGKILL', 'the service was killed');
    const ackedBatches = outcomes.flatMap((o, i) => (o === 'acked' ? [i] : []));
    const unacked = outcomes.flatMap((o, i) => (o === 'acked' ? [] : [i]));
    const lost = outcomes.filter((o) => o === 'lost').length;
    t.ok(ackedBatches.length >= KILL_AFTER, `${ackedBatches.length} batches of ${batchSize(SHAPE)} acknowledged in ${seconds.toFixed(1)} s`);
    t.ok(lost >= 1 && lost <= CONCURRENCY, `${lost} batches were in flight when the service died`);
    t.same(outcomes.filter((o) => o === 'refused'), [], 'nothing was refused before the kill');

    gate?.open();
    // Restarted where it listened, as a supervisor does: on InfluxDB it knows the lease record there as its own.
    service = await ServiceProcess.start(t, env, { port: Number(new URL(service.url).port) });
    const after = await presence(service.url, SHAPE);
    t.equal(after.wrong, 0, 'no figure has a value no batch wrote');
    for (const i of ackedBatches) if (after.present[i] !== batchSize(SHAPE)) t.fail(`acknowledged batch ${i} has ${after.present[i]} of ${batchSize(SHAPE)}`);
    t.pass(`every acknowledged batch (${ackedBatches.length}) is all there`);
    const partial = unacked.filter((i) => after.present[i] !== 0 && after.present[i] !== batchSize(SHAPE));
    if (kind === 'sqlite') {
      t.same(partial, [], 'no unacknowledged batch is partly there: all or nothing');
    } else {
      const whole = unacked.filter((i) => after.present[i] === batchSize(SHAPE)).length;
      t.comment(`unacknowledged batches before the repeat: ${partial.length} partly there, ${whole} wholly there`);
      t.ok(partial.length >= 1, 'the kill left a batch partly written, as it can on InfluxDB');
    }

    // The client's rule after a lost answer: repeat the batch.
    for (const i of unacked) {
      const again = await send(service.url, 'POST', '/v1/observations', { observations: batchRows(SHAPE, i) }, TOKENS.writer);
      t.equal(again.status, 200, `batch ${i} repeated`);
    }
    const final = await presence(service.url, SHAPE);
    t.same(final.present, SHAPE.batches > 0 ? Array(SHAPE.batches).fill(batchSize(SHAPE)) : [], 'every batch is all there after the repeats');
    t.equal(final.wrong, 0);

    // History: each figure has exactly one version, posted by the loader.
    const samples = [...unacked.slice(0, 3), ackedBatches[0]!].flatMap((i) => batchRows(SHAPE, i).filter((_, n) => n % 97 === 0));
    let once = 0;
    for (const row of samples) {
      const h = await send(service.url, 'GET', `/v1/observations/history?indicator=${row.indicator}&region=${row.region}&period=${row.period}`);
      if (h.body.versions.length === 1 && h.body.versions[0].value === row.value && h.body.versions[0].by === 'loader') once++;
      else t.fail(`${row.region} ${row.period}: ${JSON.stringify(h.body.versions)}`);
    }
    t.equal(once, samples.length, `${samples.length} sampled figures have exactly one version each`);
    if (influxd !== null) {
      t.equal(await influxd.count(database, 'observation'), SHAPE.batches * batchSize(SHAPE), 'InfluxDB holds each figure once');
      t.equal(await influxd.count(database, 'observation_revision'), 0, 'and no superseded version: the repeats changed nothing already there');
    }
    await service.kill('SIGTERM');
  });
}
