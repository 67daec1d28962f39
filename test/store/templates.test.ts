/**
 * Report templates beyond the conformance suite: a second instance on the
 * same SQLite file or InfluxDB database sees what the first saved and
 * deleted (in InfluxDB through the catalog marker, as tokens); the memory
 * layer and the timed wrapper pass the calls through; an older SQLite file
 * gains the table; and in InfluxDB the bytes are points of their own
 * measurement without tags, read by bound parameters, a save cut short
 * leaves the template it replaced, and a read racing a save reads whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import type { InfluxHttp, ParamValue, Result } from '../../src/store/influxdb/http.ts';
import { InfluxStore } from '../../src/store/influxdb/influx-store.ts';
import { partLine, partTime, TEMPLATE_PART_BYTES, templateEntries, templateKey, TEMPLATE_PARTS_MAX } from '../../src/store/influxdb/template-lines.ts';
import { withMemory } from '../../src/store/memory/index.ts';
import { SCHEMA_VERSION } from '../../src/store/sqlite/schema.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store, StoredTemplate, TemplateKind, Written } from '../../src/store/store.ts';
import { timedStore } from '../../src/store/timed.ts';
import { freshDatabase, sharedInfluxd } from '../helpers/influxd.ts';
import { tempDir } from '../helpers/tmp.ts';

const quiet = { warn() {}, info() {} };

const template = (name: string, kind: TemplateKind, bytes: Buffer, savedBy = 'editor'): StoredTemplate => ({
  name,
  kind,
  size: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  savedAt: new Date('2024-05-01T08:00:00.123Z'),
  savedBy,
  tags: ['region.name'],
  bytes,
});
const names = async (store: Store) => (await store.templates()).map((x) => `${x.name} ${x.kind}`);
const bytesOf = async (store: Store, name: string, kind: TemplateKind) => (await store.template(name, kind))?.bytes ?? null;

async function influx(t: Parameters<typeof sharedInfluxd>[0], database = freshDatabase()): Promise<InfluxStore> {
  const influxd = await sharedInfluxd(t);
  const store = await InfluxStore.connect({ url: influxd.url, token: undefined, database, org: undefined, api: 'v1', timeoutMs: 10_000 }, quiet);
  t.teardown(() => store.close());
  return store;
}

/** Ask influxd itself (not through the store). */
async function ask(t: Parameters<typeof sharedInfluxd>[0], database: string, q: string): Promise<unknown[][]> {
  const influxd = await sharedInfluxd(t);
  const json = (await (await fetch(`${influxd.url}/query?${new URLSearchParams({ db: database, q })}`)).json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
  return (json.results[0]?.series ?? []).flatMap((s) => s.values);
}

t.test('SQLite: a second store on the same file sees a template saved and deleted by the first; the first tells its listeners, as for tokens', async (t) => {
  const dir = tempDir(t);
  const a = new SqliteStore(dir);
  const b = new SqliteStore(dir);
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const told: Written[] = [];
  a.subscribe((w) => told.push(w));
  const before = a.changes();
  const doc = template('weekly', 'docx', randomBytes(70_000));
  await a.saveTemplate(doc);
  t.not(a.changes().catalog, before.catalog, 'the catalog marker moved');
  t.same(told.map((w) => [w.catalog, w.releases, w.indicators]), [[true, false, undefined]], 'listeners told: the catalog changed');
  t.same(await names(b), ['weekly docx'], 'the other store lists it');
  t.ok((await bytesOf(b, 'weekly', 'docx'))?.equals(doc.bytes), 'and reads its bytes');
  t.equal(await a.deleteTemplates('weekly', null), 1);
  t.equal(told.length, 2, 'a delete tells them too');
  t.equal(await b.template('weekly', 'docx'), null, 'gone for the other store too');
  t.equal(await a.deleteTemplates('weekly', null), 0);
  t.equal(told.length, 2, 'removing nothing tells nobody');
});

t.test('SQLite: a data file of schema 6 gains the templates table, everything else as it was', async (t) => {
  t.equal(SCHEMA_VERSION, 7);
  const dir = tempDir(t);
  let store = new SqliteStore(dir);
  await store.claim('reports', '2024-05-01');
  store.db.exec("DROP TABLE templates; UPDATE meta SET value = '6' WHERE key = 'schema_version';");
  await store.close();
  store = new SqliteStore(dir);
  t.teardown(() => store.close());
  t.equal(store.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), '7');
  t.equal(await store.stateValue('reports'), '2024-05-01', 'kept');
  t.same(await store.templates(), [], 'the table exists, empty');
  const md = template('notes', 'markdown', Buffer.from('中文 {{ x }}', 'utf8'));
  await store.saveTemplate(md);
  t.ok((await bytesOf(store, 'notes', 'markdown'))?.equals(md.bytes));
  t.equal(store.db.prepare("SELECT typeof(bytes) FROM templates WHERE name = 'notes'").pluck().get(), 'blob', 'the bytes are a BLOB');
});

t.test('behind the memory layer and the timed wrapper: every template call passes through, timed, the bytes exactly', async (t) => {
  const timings: string[] = [];
  const store = timedStore(withMemory(new SqliteStore(tempDir(t))), (operation) => timings.push(operation));
  t.teardown(() => store.close());
  const bytes = randomBytes(10_000);
  await store.saveTemplate(template('x', 'docx', bytes));
  t.same(await names(store), ['x docx']);
  const got = await store.template('x', 'docx');
  t.ok(got !== null && Buffer.isBuffer(got.bytes) && got.bytes.equals(bytes), 'a Buffer, byte for byte');
  t.equal(await store.deleteTemplates('x', 'docx'), 1, 'the count passes through');
  t.equal(await store.template('x', 'docx'), null);
  t.same(
    timings.filter((o) => /emplate/.test(o)),
    ['saveTemplate', 'templates', 'template', 'deleteTemplates', 'template'],
    'each timed under its own name',
  );
});

t.test('InfluxDB: a second instance on the same database learns of a save and a delete from the catalog marker, and reads them', async (t) => {
  const database = freshDatabase();
  const a = await influx(t, database);
  const b = withMemory(await influx(t, database));
  const told: Written[] = [];
  a.subscribe((w) => told.push(w));
  const first = await b.changes();
  const doc = template('weekly', 'docx', randomBytes(100_000));
  await a.saveTemplate(doc);
  const saved = await b.changes();
  t.not(saved.catalog, first.catalog, 'the other instance sees the catalog marker move');
  t.equal(saved.releases, first.releases, 'not the calendar marker');
  t.same(told.map((w) => w.catalog), [true], 'and the saving instance tells its own listeners');
  t.same(await names(b), ['weekly docx'], 'the other instance lists it');
  t.ok((await bytesOf(b, 'weekly', 'docx'))?.equals(doc.bytes), 'and reads its bytes');

  const newer = template('weekly', 'docx', randomBytes(30_000), 'second');
  await a.saveTemplate(newer);
  const replaced = await b.changes();
  t.not(replaced.catalog, saved.catalog, 'a replacement moves it again');
  t.ok((await bytesOf(b, 'weekly', 'docx'))?.equals(newer.bytes), 'the newest bytes');
  t.equal((await b.template('weekly', 'docx'))?.savedBy, 'second');

  t.equal(await a.deleteTemplates('weekly', 'docx'), 1);
  const deleted = await b.changes();
  t.not(deleted.catalog, replaced.catalog, 'a delete moves it');
  t.equal(await b.template('weekly', 'docx'), null, 'deleted for the other instance');
  t.same(await names(b), []);
  const again = template('weekly', 'docx', randomBytes(5_000), 'third');
  await a.saveTemplate(again);
  t.ok((await bytesOf(b, 'weekly', 'docx'))?.equals(again.bytes), 'saved again after the delete: readable there');
});

t.test('InfluxDB: bytes in a measurement of their own, no tags, parts under 64 KB, replaced and deleted bytes cleared, every value bound', async (t) => {
  const database = freshDatabase();
  const store = await influx(t, database);
  const asked: Array<{ text: string; params: Record<string, ParamValue> }> = [];
  const http = (store as unknown as { http: InfluxHttp }).http;
  const query = http.query.bind(http);
  http.query = async (statements: readonly string[], params: Record<string, ParamValue>): Promise<Result[]> => {
    for (const text of statements) asked.push({ text, params });
    return query(statements, params);
  };
  const name = 'evil-name_1';
  const big = template(name, 'docx', randomBytes(3 * TEMPLATE_PART_BYTES + 7));
  await store.saveTemplate(big);
  await store.saveTemplate(template('other', 'html', Buffer.from('<p>{{ "x" }}</p>', 'utf8')));
  t.ok((await bytesOf(store, name, 'docx'))?.equals(big.bytes));

  t.same(await ask(t, database, 'SHOW TAG KEYS FROM "report_template"'), [], 'no tag on the templates');
  t.same(await ask(t, database, 'SHOW TAG KEYS FROM "report_template_part"'), [], 'nor on their parts');
  const parts = async () => (await ask(t, database, 'SELECT "b" FROM "report_template_part"')).map((row) => String(row[1]).length);
  t.same((await parts()).filter((n) => n > 0).length, 5, 'four parts of the docx, one of the html');
  t.ok((await parts()).every((n) => n <= 48_000), 'each part 48,000 characters at most');
  t.ok(partLine(1, 1, 0, randomBytes(TEMPLATE_PART_BYTES)).length < 64 * 1024, 'a whole line under 64 KB');
  t.ok(partTime(1, 2, 0) >= partTime(1, 1, TEMPLATE_PARTS_MAX) && partTime(2, 0, 0) > partTime(1, 999_999_999, TEMPLATE_PARTS_MAX - 1), 'saves and slots never share a time');

  const smaller = template(name, 'docx', randomBytes(100));
  await store.saveTemplate(smaller);
  t.ok((await bytesOf(store, name, 'docx'))?.equals(smaller.bytes));
  t.same((await parts()).filter((n) => n > 0).length, 2, 'the replaced bytes are cleared: one part of each');
  t.equal(await store.deleteTemplates(name, null), 1);
  t.same((await parts()).filter((n) => n > 0).length, 1, 'and the deleted ones');
  t.equal(await store.template(name, 'docx'), null);

  const texts = asked.map((a) => a.text).join('\n');
  t.notMatch(texts, name, 'no name in any query text');
  t.notMatch(texts, /docx|html/, 'nor a kind');
  t.ok(asked.every((a) => !/"observation|"catalog|"token/.test(a.text)), 'template calls read no other measurement');
});

t.test('InfluxDB: a save cut short leaves the template it replaces whole; a read racing a save reads one of them whole', async (t) => {
  const database = freshDatabase();
  const store = await influx(t, database);
  const other = await influx(t, database);
  const old = template('t', 'docx', randomBytes(2 * TEMPLATE_PART_BYTES + 1));
  await store.saveTemplate(old);

  // influxd takes the save's first request, then goes away (whichever the store sends first).
  const http = (store as unknown as { http: InfluxHttp }).http;
  const write = http.writeV1.bind(http);
  const sent: string[] = [];
  http.writeV1 = async (lines, precision) => {
    sent.push(lines.slice(0, lines.indexOf(' ')));
    if (sent.length > 1) throw new Error('influxd went away');
    return write(lines, precision);
  };
  await t.rejects(store.saveTemplate(template('t', 'docx', randomBytes(5 * TEMPLATE_PART_BYTES))), /went away/);
  t.same(sent, ['report_template_part', 'report_template'], 'the parts first, then the point that names them');
  http.writeV1 = write;
  t.ok((await bytesOf(store, 't', 'docx'))?.equals(old.bytes), 'the earlier template, whole');
  t.ok((await bytesOf(other, 't', 'docx'))?.equals(old.bytes), 'for every instance');
  const next = template('t', 'docx', randomBytes(TEMPLATE_PART_BYTES + 3));
  await store.saveTemplate(next);
  t.ok((await bytesOf(other, 't', 'docx'))?.equals(next.bytes), 'the next save is whole too');

  // Another instance replaces it (and clears the parts) between this read's two queries.
  const otherHttp = (other as unknown as { http: InfluxHttp }).http;
  const query = otherHttp.query.bind(otherHttp);
  const newest = template('t', 'docx', randomBytes(TEMPLATE_PART_BYTES * 2 + 5));
  let raced = false;
  otherHttp.query = async (statements: readonly string[], params: Record<string, ParamValue>) => {
    if (!raced && statements.some((s) => s.includes('report_template_part'))) {
      raced = true;
      await store.saveTemplate(newest);
    }
    return query(statements, params);
  };
  const got = await other.template('t', 'docx');
  t.ok(raced, 'the save came between');
  t.ok(got?.bytes.equals(newest.bytes), 'read again: the newest, whole');
  t.equal(got?.size, newest.size);
});

t.test('InfluxDB: a name and kind given two slots (two instances saving it at once) reads from the later slot, a tombstone there included', async (t) => {
  const row = (slot: number, deleted: boolean, savedBy: string) => (column: string) =>
    (({ time: slot, name: 'n', kind: 'docx', size: 1, sha256: 'x', saved_at: 5, saved_by: savedBy, length: 1, parts: 1, gen: 2, deleted, chunks: 1, doc0: '["a"]' }) as Record<string, unknown>)[column];
  const entries = (rows: Array<(column: string) => unknown>) => templateEntries(rows).get(templateKey('n', 'docx'));
  t.equal(entries([row(1, false, 'first'), row(3, false, 'later')])?.info.savedBy, 'later');
  t.equal(entries([row(3, false, 'later'), row(1, false, 'first')])?.info.savedBy, 'later', 'whatever order influxd answers in');
  t.equal(entries([row(3, true, 'later'), row(1, false, 'first')])?.deleted, true, 'deleted there: deleted');
  t.same(entries([row(2, false, 'x')])?.info.tags, ['a'], 'tags from their JSON');
  t.equal(templateEntries([(c: string) => (c === 'kind' ? 'pdf' : c === 'name' ? 'n' : 1)]).size, 0, 'a kind this release does not know is left out');
});
