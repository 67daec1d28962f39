/**
 * Report templates through the API (API.md, Report templates): the defaults
 * listed and downloadable, the fields documented from a real report, staff
 * templates uploaded and used (Word, Markdown, HTML), and every bad upload
 * a 4xx with nothing stored while /healthz keeps answering.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import t, { type Test as Tap } from 'tap';
import { SEED_FIGURES } from '../fixtures/seed-report.ts';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { scheduleReports } from '../../src/scheduler/index.ts';
import { openedInOffice, withoutOffice } from '../helpers/libreoffice.ts';
import { blocks, DEFAULT_DOCX, DOCX_TYPE, editDocx, paragraph, unpack, withParagraphs } from '../helpers/docx.ts';

const admin = bearer('admin');
const put = (app: Awaited<ReturnType<typeof buildTestApp>>, file: string, body: Buffer | string, type: string, headers: Record<string, string> = admin) =>
  call(app, { method: 'PUT', url: `/v1/report-templates/${file}`, headers: { ...headers, 'content-type': type }, payload: body });
const list = async (app: Awaited<ReturnType<typeof buildTestApp>>) => (await call(app, { method: 'GET', url: '/v1/report-templates' })).body.templates as Array<{ name: string; kind: string; builtIn: boolean; tags: string[] }>;

async function seeded(t: Tap, store: 'sqlite' | 'influxdb' = 'sqlite', env: Record<string, string> = {}) {
  const app = await buildTestApp(t, { store, env });
  t.equal((await post(app, SEED_FIGURES)).status, 200, 'the seed figures are taken');
  return app;
}
const run = (app: Awaited<ReturnType<typeof buildTestApp>>, payload: object = {}) =>
  call(app, { method: 'POST', url: '/v1/reports/run', headers: admin, payload: { period: '2022-06', regions: ['331023'], ...payload } });

t.test('the defaults: listed in every kind with their fields, downloadable as the repository ships them', async (t) => {
  const app = await buildTestApp(t);
  const templates = await list(app);
  t.same(templates.map((x) => [x.name, x.kind, x.builtIn]), [['default', 'docx', true], ['default', 'markdown', true], ['default', 'html', true]]);
  for (const x of templates) t.ok(x.tags.includes('title') && x.tags.includes('leading') && x.tags.includes('indicators'), `${x.kind}: names the title, the sections, the table`);
  const docx = await call(app, { method: 'GET', url: '/v1/report-templates/default.docx' });
  t.equal(docx.status, 200);
  t.equal(docx.response.headers['content-type'], DOCX_TYPE);
  t.match(docx.response.headers['content-disposition'], /filename="default\.docx"/);
  t.same(docx.response.rawPayload, DEFAULT_DOCX, 'the file in templates/');
  const md = await call(app, { method: 'GET', url: '/v1/report-templates/default.md' });
  t.equal(md.response.body, readFileSync(new URL('../../templates/default.md.liquid', import.meta.url), 'utf8'));
  t.equal((await call(app, { method: 'GET', url: '/v1/report-templates/default' })).response.headers['content-type'], DOCX_TYPE, 'a bare name: the Word one');
  t.equal((await call(app, { method: 'GET', url: '/v1/report-templates/default?kind=html' })).response.headers['content-type'], 'text/html; charset=utf-8');
  t.equal((await call(app, { method: 'GET', url: '/v1/report-templates/nosuch.docx' })).status, 404);
  const bad = await call(app, { method: 'GET', url: '/v1/report-templates/..%2Fsecret.docx' });
  t.equal(bad.status, 400, 'a name that is not one');
  t.equal(bad.body.details[0].field, 'name');
});

t.test('the fields: every one documented, with an example from a real report', async (t) => {
  const app = await buildTestApp(t);
  const { fields } = (await call(app, { method: 'GET', url: '/v1/report-templates/fields' })).body as { fields: Array<{ name: string; example: unknown; kinds: string[]; items?: Array<{ name: string }> }> };
  const field = (name: string) => fields.find((f) => f.name === name)!;
  t.equal(field('region.name').example, '天台县');
  t.equal(field('title').example, '天台县2022年6月主要指标比较');
  t.equal(field('headings.leading').example, '领先指标');
  t.match((field('leading').example as string[])[0], /全市第一/, 'a leading sentence');
  t.same(field('indicators').items!.map((i) => i.name).slice(0, 3), ['code', 'name', 'value']);
  t.same(field('scorecardChart').kinds, ['docx', 'html'], 'charts: Word and HTML only');
  for (const f of fields) t.ok(f.name.length > 0 && 'example' in f, `${f.name} documented`);
});

/** As staff would in Word: a bureau line before the title, and the data gaps moved to the top. */
function staffEdit(): Buffer {
  return editDocx(DEFAULT_DOCX, (parts) => {
    const doc = blocks(parts['word/document.xml'] as string);
    const title = doc.blocks.findIndex((b) => b.includes('{title}'));
    doc.blocks[title] = doc.blocks[title]!.replace('{title}', '天台县统计局 {title}');
    const gaps = doc.blocks.findIndex((b) => b.includes('{headings.gaps}'));
    const moved = doc.blocks.splice(gaps, 7);
    const leading = doc.blocks.findIndex((b) => b.includes('{headings.leading}'));
    doc.blocks.splice(leading, 0, ...moved);
    parts['word/document.xml'] = doc.head + doc.blocks.join('') + doc.tail;
  });
}

t.test('LibreOffice opens the demo report of 天台县 1-6月 2022 drawn from the edited template: the change is on the page', { skip: withoutOffice }, async (t) => {
  const app = await buildTestApp(t, { demo: true });
  t.equal((await put(app, 'county.docx', staffEdit(), DOCX_TYPE)).status, 200);
  t.equal((await run(app, { template: 'county' })).status, 200);
  const text = openedInOffice(t, (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' })).response.rawPayload).text.replace(/\s+/g, '');
  t.ok(text.startsWith('天台县统计局天台县2022年6月主要指标比较'), 'the edited title first');
  t.ok(text.indexOf('数据缺口') > 0 && text.indexOf('数据缺口') < text.indexOf('领先指标'), 'data gaps before the leading indicators');
  t.ok(text.includes('1-6月,工业性投资同比增速122.4%、全市第一'), 'the report\'s sentences');
});

forEachStore(t, (t, store) => {
  t.test('a Word template staff edited: title and order of sections, uploaded, used, recorded by the run', async (t) => {
    const app = await seeded(t, store);
    // As in Word: a bureau line before the title, and the data gaps moved to the top.
    const edited = staffEdit();
    const saved = await put(app, 'county.docx', edited, DOCX_TYPE);
    t.equal(saved.status, 200, JSON.stringify(saved.body));
    t.equal(saved.body.name, 'county');
    t.equal(saved.body.kind, 'docx');
    t.ok(saved.body.tags.includes('headings.gaps'));
    t.ok((await list(app)).some((x) => x.name === 'county' && x.kind === 'docx' && !x.builtIn), 'listed');
    t.same((await call(app, { method: 'GET', url: '/v1/report-templates/county.docx' })).response.rawPayload, edited, 'downloaded as uploaded');

    t.equal((await run(app, { template: 'county' })).status, 200);
    const text = (bytes: Buffer) => (unpack(bytes)['word/document.xml'] as string).replace(/<[^>]+>/g, '');
    const drawn = text((await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' })).response.rawPayload);
    t.ok(drawn.includes('天台县统计局 天台县2022年6月主要指标比较'), 'the edited title, from the template the run recorded');
    t.ok(drawn.indexOf('数据缺口') < drawn.indexOf('领先指标'), 'the sections in the edited order');
    const plain = text((await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx?template=default' })).response.rawPayload);
    t.notOk(plain.includes('天台县统计局'), 'template=default draws the built-in one');
    t.ok(plain.indexOf('领先指标') < plain.indexOf('数据缺口'));
    const missing = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx?template=nosuch' });
    t.equal(missing.status, 404);
    t.equal(missing.body.details[0].field, 'template');
    t.equal((await run(app, { template: 'nosuch' })).status, 404, 'a run with a template that does not exist');

    t.equal((await call(app, { method: 'DELETE', url: '/v1/report-templates/county', headers: admin })).status, 204);
    t.notOk((await list(app)).some((x) => x.name === 'county'), 'gone');
    const after = text((await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' })).response.rawPayload);
    t.notOk(after.includes('天台县统计局'), 'its reports fall back to the default once it is deleted');
  });
});

t.test('REPORT_TEMPLATE: the schedule\'s template, used by reports run without one; kinds it lacks are the default\'s', async (t) => {
  const app = await seeded(t, 'sqlite', { REPORT_TEMPLATE: 'county' });
  t.equal((await run(app)).status, 200);
  const before = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.md' })).response.body;
  t.match(before, /^# 天台县2022年6月主要指标比较/, 'not uploaded yet: the default');
  t.equal((await put(app, 'county', '# {{ region.name }}月报\n\n{% for item in leading %}* {{ item }}\n{% endfor %}', 'text/markdown')).status, 200);
  const after = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.md' })).response.body;
  t.match(after, /^# 天台县月报\n\n\* 1-6月,工业性投资同比增速122\.4%、全市第一/, 'uploaded: used at once');
  t.equal((await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' })).status, 200, 'Word: the default, county has none');
});

t.test('a scheduled run records REPORT_TEMPLATE with its reports', async (t) => {
  const app = await buildTestApp(t, { env: { REPORT_TEMPLATE: 'county' } });
  const scheduler = scheduleReports(app);
  t.equal((await post(app, SEED_FIGURES)).status, 200);
  t.ok(await scheduler.fire(new Date('2030-01-15T01:00:00Z')), 'the slot ran');
  const facts = (await call(app, { method: 'GET', url: '/v1/reports/331023/2029-12' })).body.facts;
  t.equal(facts.template, 'county', 'kept with the facts');
  const plain = await buildTestApp(t);
  const defaultScheduler = scheduleReports(plain);
  t.equal((await post(plain, SEED_FIGURES)).status, 200);
  t.ok(await defaultScheduler.fire(new Date('2030-01-15T01:00:00Z')));
  t.notOk('template' in (await call(plain, { method: 'GET', url: '/v1/reports/331023/2029-12' })).body.facts, 'the default is not recorded: the facts stay as they were');
});

t.test('HTML templates escape every field unless marked raw', async (t) => {
  const app = await seeded(t);
  t.equal((await run(app)).status, 200);
  const template = '<h1>{{ title }}</h1><div id="raw">{{ scorecardChart | raw }}</div><div id="escaped">{{ scorecardChart }}</div>';
  t.equal((await put(app, 'page', template, 'text/html')).status, 200);
  const html = (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.html?template=page' })).response.body as string;
  t.match(html, /<div id="raw"><svg/, 'raw: the chart');
  t.match(html, /<div id="escaped">&#60;svg/, 'not raw: shown as text, never markup');
});

interface Bad {
  name: string;
  file: string;
  body: Buffer | string;
  type: string;
  status: number;
  says: RegExp;
}

/** A Word template whose document.xml inflates from a few kilobytes to 200 MB. */
function zipBomb(): Buffer {
  const zeros = Buffer.alloc(200 * 1024 * 1024, 0x20);
  const deflated = deflateRawSync(zeros, { level: 9 });
  // The default's other parts, and a document.xml that declares its real size.
  const base = editDocx(DEFAULT_DOCX, (p) => { delete p['word/document.xml']; });
  return appendEntry(base, 'word/document.xml', deflated, zeros.length, crc32(zeros));
}

/** A zip with one more entry, deflated data given: local header, data, central directory rebuilt. */
function appendEntry(zip: Buffer, name: string, data: Buffer, size: number, checksum: number): Buffer {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(checksum >>> 0, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(checksum >>> 0, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(cdOffset, 42);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(count + 1, 8); end.writeUInt16LE(count + 1, 10);
  const newCd = Buffer.concat([zip.subarray(cdOffset, cdOffset + cdSize), central, nameBytes]);
  end.writeUInt32LE(newCd.length, 12); end.writeUInt32LE(cdOffset + local.length + nameBytes.length + data.length, 16);
  return Buffer.concat([zip.subarray(0, cdOffset), local, nameBytes, data, newCd, end]);
}

const OLE = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096, 1)]);

const BAD: Bad[] = [
  { name: 'a tag that would run code', file: 'x.docx', body: withParagraphs("{constructor.constructor('return process')()}"), type: DOCX_TYPE, status: 400, says: /unknown field \{constructor\.constructor\('return process'\)\(\)\}.*paragraph \d+/ },
  { name: 'Liquid that would run code', file: 'x.md', body: '{{ constructor.constructor("return process")() }}', type: 'text/markdown', status: 400, says: /template/ },
  { name: 'an unknown tag, named with its paragraph', file: 'x.docx', body: withParagraphs('前言', '{regoin.name}统计月报'), type: DOCX_TYPE, status: 400, says: /unknown field \{regoin\.name\}.*paragraph \d+ of the document: "\{regoin\.name\}统计月报"/ },
  { name: 'a broken loop', file: 'x.docx', body: withParagraphs('{#leading}', '{.}', '{/weak}'), type: DOCX_TYPE, status: 400, says: /closes \{\/weak\} while \{#leading\}.*broken loop/ },
  { name: 'a loop never closed', file: 'x.docx', body: withParagraphs('{#leading}', '{.}'), type: DOCX_TYPE, status: 400, says: /never closes it/ },
  { name: 'a raw XML tag', file: 'x.docx', body: withParagraphs('{@title}'), type: DOCX_TYPE, status: 400, says: /raw-XML/ },
  { name: '10,000 nested loops (Word)', file: 'x.docx', body: withParagraphs('{#leading}'.repeat(10_000), '{/leading}'.repeat(10_000)), type: DOCX_TYPE, status: 400, says: /nests loops more than 8 deep/ },
  { name: '10,000 nested loops (Liquid)', file: 'x.md', body: '{% for a in leading %}'.repeat(10_000) + '{% endfor %}'.repeat(10_000), type: 'text/markdown', status: 400, says: /nests blocks more than 16 deep/ },
  { name: 'a Liquid include', file: 'x.html', body: '{% include "/etc/passwd" %}', type: 'text/html', status: 400, says: /cannot read other files/ },
  { name: 'an unknown Liquid field, with its line', file: 'x.md', body: '# {{ title }}\n{{ secret.key }}', type: 'text/markdown', status: 400, says: /unknown field \{\{ secret\.key \}\}.*line 2/ },
  {
    name: 'a linked image (an external relationship)',
    file: 'x.docx',
    body: editDocx(DEFAULT_DOCX, (p) => {
      p['word/_rels/document.xml.rels'] = (p['word/_rels/document.xml.rels'] as string).replace('</Relationships>', '<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="http://203.0.113.9/track.png" TargetMode="External"/></Relationships>');
    }),
    type: DOCX_TYPE,
    status: 400,
    says: /links to something outside it \(http:\/\/203\.0\.113\.9\/track\.png\)/,
  },
  {
    name: 'a macro-enabled document (.docm)',
    file: 'x.docx',
    body: editDocx(DEFAULT_DOCX, (p) => {
      p['[Content_Types].xml'] = (p['[Content_Types].xml'] as string).replace('wordprocessingml.document.main+xml', 'ms-word.document.macroEnabled.main+xml');
      p['word/vbaProject.bin'] = new Uint8Array([1, 2, 3]);
    }),
    type: DOCX_TYPE,
    status: 415,
    says: /macros/,
  },
  { name: 'a .docx that is really an .xls (OLE)', file: 'x.docx', body: OLE, type: DOCX_TYPE, status: 415, says: /OLE file/ },
  { name: 'a workbook', file: 'x.docx', body: editDocx(DEFAULT_DOCX, (p) => { p['xl/workbook.xml'] = '<workbook/>'; }), type: DOCX_TYPE, status: 415, says: /workbook/ },
  { name: 'over 5 MB', file: 'x.docx', body: Buffer.concat([DEFAULT_DOCX, Buffer.alloc(5 * 1024 * 1024)]), type: DOCX_TYPE, status: 413, says: /at most 5 MB/ },
  { name: 'a zip bomb', file: 'x.docx', body: zipBomb(), type: DOCX_TYPE, status: 413, says: /more than the 64 MB/ },
  { name: 'text that is neither Markdown nor HTML', file: 'x', body: '# {{ title }}', type: 'text/plain', status: 415, says: /text\/markdown or text\/html/ },
  { name: 'the default replaced', file: 'default.md', body: '# {{ title }}', type: 'text/markdown', status: 400, says: /REPORT_TEMPLATE/ },
  { name: 'a name that is not one', file: 'Bad Name.md', body: '# {{ title }}', type: 'text/markdown', status: 400, says: /template name/ },
];

t.test('bad templates: each a 4xx saying why, nothing stored, /healthz answering throughout', async (t) => {
  const app = await buildTestApp(t);
  let stop = false;
  let slowest = 0;
  let failures = 0;
  const probe = (async () => {
    for (let i = 0; i < 100_000 && !stop; i++) {
      const started = performance.now();
      if ((await app.inject({ method: 'GET', url: '/healthz' })).statusCode !== 200) failures++;
      slowest = Math.max(slowest, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  for (const bad of BAD) {
    const r = await put(app, bad.file, bad.body, bad.type);
    t.equal(r.status, bad.status, `${bad.name}: ${r.status}`);
    t.match(r.body.message + JSON.stringify(r.body.details ?? []), bad.says, `${bad.name}: says why (${r.body.message})`);
    t.ok(r.body.details?.length > 0 && ['template', 'name', 'content-type', 'body'].includes(r.body.details[0].field), `${bad.name}: names the field`);
  }
  stop = true;
  await probe;
  t.equal(failures, 0, '/healthz answered every time');
  t.ok(slowest < 1_000, `its slowest answer took ${slowest.toFixed(0)} ms`);
  t.same((await list(app)).map((x) => x.name), ['default', 'default', 'default'], 'nothing stored');
  t.equal((await put(app, 'x.md', '# {{ title }}', 'text/markdown', bearer('writer'))).status, 403, 'only an administrator uploads');
  t.equal((await call(app, { method: 'DELETE', url: '/v1/report-templates/default', headers: admin })).status, 400, 'the default cannot be deleted');
  t.equal((await call(app, { method: 'DELETE', url: '/v1/report-templates/nosuch', headers: admin })).status, 404);
});

t.test('a Word tag split over runs by Word is read whole; a paragraph in a table cell is counted', async (t) => {
  const app = await buildTestApp(t);
  const split = editDocx(DEFAULT_DOCX, (p) => {
    const doc = p['word/document.xml'] as string;
    const at = doc.lastIndexOf('<w:sectPr');
    const runs = '<w:p><w:r><w:t>{regi</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>on.name}</w:t></w:r></w:p>';
    p['word/document.xml'] = doc.slice(0, at) + runs + paragraph('{nosuch}') + doc.slice(at);
  });
  const r = await put(app, 'split.docx', split, DOCX_TYPE);
  t.equal(r.status, 400);
  t.match(r.body.message, /\{nosuch\}/, 'the split tag was read as {region.name}, a field; the next one is the unknown one');
});
