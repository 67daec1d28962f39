/**
 * The report as a Word document: unzipped and read as XML (the seed
 * sentences, the table with its grid, the charts as PNG, the East Asian
 * fonts), the same bytes on every instance, and opened by LibreOffice
 * (Debian's libreoffice-writer) as a person would: converted to PDF, its
 * text read back with pdftotext.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { unzipSync } from 'fflate';
import t, { type Test as Tap } from 'tap';
import { DOCX_FONT_NAMES as DOCX_FONTS } from '../../src/domain/words/report-layout.ts';
import { SEED_FIGURES, SEED_SENTENCES } from '../fixtures/seed-report.ts';
import { buildTestApp, call, post } from '../helpers/app.ts';
import { decodePng } from '../helpers/png.ts';
import { openedInOffice, withoutOffice } from '../helpers/libreoffice.ts';

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function seededApp(t: Tap) {
  const app = await buildTestApp(t);
  t.equal((await post(app, SEED_FIGURES)).status, 200);
  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'manual test', new Date('2022-07-15T01:00:00Z'));
  return app;
}

t.test('the seed report as .docx: sentences, table with its grid, charts as PNG, Chinese fonts, no TOC', async (t) => {
  const app = await seededApp(t);
  const r = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' });
  t.equal(r.status, 200);
  t.equal(r.response.headers['content-type'], DOCX_TYPE);
  t.equal(
    r.response.headers['content-disposition'],
    `attachment; filename="report-331023-2022-06.docx"; filename*=UTF-8''${encodeURIComponent('天台县2022年6月主要指标比较.docx')}`,
    'a Chinese file name, with an ASCII one for old clients',
  );
  const files = unzipSync(r.response.rawPayload);
  const document = Buffer.from(files['word/document.xml']!).toString('utf8');
  const text = document.replace(/<[^>]+>/g, '');
  t.ok(text.includes('天台县2022年6月主要指标比较'), 'the title');
  for (const s of SEED_SENTENCES) t.ok(text.includes(s), `says: ${s}`);
  for (const heading of ['领先指标', '短板指标', '进位指标', '退位指标', '数据缺口', '逐项指标']) t.ok(text.includes(heading), `section ${heading}`);
  t.match(document, /<w:tbl>/, 'a table');
  const grid = /<w:tblGrid>(.*?)<\/w:tblGrid>/.exec(document)?.[1] ?? '';
  const gridWidths = [...grid.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]));
  t.equal(gridWidths.length, 7, 'seven grid columns');
  t.equal(gridWidths.reduce((a, b) => a + b, 0), 9026, 'the grid fills the A4 text width');
  const firstRow = /<w:tr>.*?<\/w:tr>/.exec(document)?.[0] ?? '';
  t.same([...firstRow.matchAll(/<w:tcW w:type="dxa" w:w="(\d+)"\/>/g)].map((m) => Number(m[1])), gridWidths, 'every cell has its grid column width');
  t.match(document, /<w:tblLayout w:type="fixed"\/>/, 'fixed layout');
  t.notMatch(document, /TOC \\|w:fldSimple|w:instrText/, 'no table of contents or other field');

  const media = Object.keys(files).filter((f) => /^word\/media\/.+\.png$/.test(f));
  const json = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06' });
  const charted = json.body.facts.indicators.filter((f: { peers: unknown[] }) => f.peers.length > 0).length;
  t.equal(media.length, 1 + charted, 'the scorecard and a ranking per indicator, as PNG');
  for (const file of media) t.ok(decodePng(Buffer.from(files[file]!)).width > 800, `${file} is a PNG at twice the size`);
  t.equal((document.match(/<w:drawing>/g) ?? []).length, 1 + charted, 'each placed in the text');

  const styles = Buffer.from(files['word/styles.xml']!).toString('utf8');
  t.match(styles, new RegExp(`w:eastAsia="${DOCX_FONTS.body}"`), 'body text in 仿宋_GB2312');
  t.match(styles, new RegExp(`w:eastAsia="${DOCX_FONTS.heading}"`), 'headings in 黑体');
  t.match(document, new RegExp(`w:eastAsia="${DOCX_FONTS.table}"`), 'the table in 宋体');
  t.match(Buffer.from(files['docProps/core.xml']!).toString('utf8'), /<dcterms:created xsi:type="dcterms:W3CDTF">2022-07-15T01:00:00Z<\/dcterms:created>/, "the report's own time");
});

t.test('the same bytes and ETag on every instance; 304 when unchanged; format= and Accept too', async (t) => {
  const one = await seededApp(t);
  const two = await seededApp(t);
  const a = await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' });
  const b = await call(two, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' });
  t.ok(a.response.rawPayload.equals(b.response.rawPayload), 'the same bytes');
  const etag = a.response.headers.etag as string;
  t.match(etag, /^"[A-Za-z0-9_-]{32}"$/);
  t.equal(b.response.headers.etag, etag);
  t.equal((await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06.docx', headers: { 'if-none-match': etag } })).status, 304);
  const byFormat = await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06?format=docx' });
  const byAccept = await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06', headers: { accept: DOCX_TYPE } });
  t.equal(byFormat.response.headers.etag, etag);
  t.equal(byAccept.response.headers.etag, etag);
  const md = await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06', headers: { accept: 'text/markdown' } });
  t.match(md.response.headers['content-type'], /^text\/markdown/);
  t.match(md.response.headers.etag, /^"/, 'text reports are tagged too');
  t.equal((await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06.pdf' })).status, 400, 'an unknown extension names file');
  t.equal((await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06', headers: { accept: 'image/png' } })).status, 406);
  const v1 = await call(one, { method: 'GET', url: '/v1/reports/331023/2022-06.docx?version=1' });
  t.match(v1.response.headers['content-disposition'], /filename="report-331023-2022-06-v1\.docx"/, 'a version asked for is named');
});

t.test('without the CJK font the Word report is a 503 naming the package', async (t) => {
  const app = await buildTestApp(t, { env: { CJK_FONT_FILES: '/nonexistent/NotoSansCJK-Regular.ttc' } });
  await post(app, SEED_FIGURES);
  await app.services.reports.run(app.services.views.privileged(), '2022-06', ['331023'], 'manual test', new Date('2022-07-15T01:00:00Z'));
  const r = await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' });
  t.equal(r.status, 503);
  t.match(r.body.message, /fonts-noto-cjk/);
  t.equal((await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.md' })).status, 200, 'Markdown needs no font');
});

t.test('LibreOffice opens it: converted to PDF, the sentences are on the pages', { skip: withoutOffice }, async (t) => {
  const app = await seededApp(t);
  const { pdf, text: raw } = openedInOffice(t, (await call(app, { method: 'GET', url: '/v1/reports/331023/2022-06.docx' })).response.rawPayload);
  t.ok(existsSync(pdf), 'converted');
  const text = raw.replace(/\s+/g, '');
  for (const s of SEED_SENTENCES) t.ok(text.includes(s.replace(/\s+/g, '')), `the PDF says: ${s}`);
  const pages = execFileSync('/usr/bin/pdfinfo', [pdf], { encoding: 'utf8' });
  t.ok(Number(/Pages:\s+(\d+)/.exec(pages)?.[1]) >= 2, 'text, table and charts over pages');
});
