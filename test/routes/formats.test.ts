/**
 * Downloads through the routes: rankings as CSV and xlsx, charts as PNG,
 * each with its type, file name, ETag and 304, kept by the response cache
 * byte for byte; the PNG decoded and looked at.
 */
import * as XLSX from '@e965/xlsx';
import t from 'tap';
import { CJK_FONT_PACKAGE } from '../../src/fonts.ts';
import { buildTestApp, call } from '../helpers/app.ts';
import { darkPixels, decodePng } from '../helpers/png.ts';

const RANKING = '/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331000';
const CHART = '/v1/charts/ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=331023';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

t.test('rankings as CSV and xlsx, by format= or Accept, with a file name', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const json = await call(app, { method: 'GET', url: RANKING });
  const csv = await call(app, { method: 'GET', url: `${RANKING}&format=csv` });
  t.equal(csv.status, 200);
  t.equal(csv.response.headers['content-type'], 'text/csv; charset=utf-8; header=present');
  t.equal(csv.response.headers['content-disposition'], 'attachment; filename="ranking-industrial_investment-2022-06.csv"');
  t.equal(csv.response.headers.vary, 'Accept');
  const lines = csv.response.rawPayload.toString('utf8').replace(/^\ufeff/, '').split('\r\n');
  t.ok(csv.response.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'BOM');
  t.equal(lines[0], 'rank,region,name,value,yoy,yoySource,yoyComputed,status,previousRank,rankChange,completion,gapAbove,gapBelow,vsAverage,missing');
  const first = json.body.rows[0];
  t.match(lines[1], new RegExp(`^1,${first.region},${first.name},${first.value},${first.yoy},`), 'rows in rank order, figures unrounded');
  t.equal(lines.filter((l: string) => l !== '').length, 1 + json.body.rows.length + json.body.missing.length, 'one line per ranked and unranked peer');

  const byAccept = await call(app, { method: 'GET', url: RANKING, headers: { accept: XLSX_TYPE } });
  const byFormat = await call(app, { method: 'GET', url: `${RANKING}&format=xlsx` });
  t.equal(byAccept.response.headers['content-type'], XLSX_TYPE);
  t.ok(byAccept.response.rawPayload.equals(byFormat.response.rawPayload), 'the same workbook either way');
  t.equal(byFormat.response.headers['content-disposition'], 'attachment; filename="ranking-industrial_investment-2022-06.xlsx"');
  const sheet = XLSX.read(byFormat.response.rawPayload).Sheets['工业性投资 2022-06']!;
  t.same([sheet['A2'].v, sheet['B2'].v, sheet['C2'].v, sheet['E2'].v], [1, first.region, first.name, first.yoy]);
  t.equal(sheet['E2'].t, 'n', 'growth is a numeric cell');

  t.equal((await call(app, { method: 'GET', url: `${RANKING}&format=png` })).status, 400, 'a ranking has no PNG: 400 naming format');
  const refused = await call(app, { method: 'GET', url: RANKING, headers: { accept: 'image/png' } });
  t.equal(refused.status, 406);
  t.same(refused.body.details, [{ field: 'accept', message: `acceptable: application/json, text/csv, ${XLSX_TYPE}` }]);
  t.equal(refused.body.error, 'not_acceptable');
});

t.test('binary answers: an ETag from the bytes, 304, and the cache answers the same bytes', async (t) => {
  const one = await buildTestApp(t, { demo: true });
  const two = await buildTestApp(t, { demo: true });
  for (const url of [`${RANKING}&format=xlsx`, `${CHART}&format=png`]) {
    const first = await call(one, { method: 'GET', url });
    const again = await call(one, { method: 'GET', url });
    const etag = first.response.headers.etag as string;
    t.match(etag, /^"[A-Za-z0-9_-]{32}"$/, `${url}: tagged`);
    t.ok(again.response.rawPayload.equals(first.response.rawPayload), `${url}: the cached answer is the same bytes`);
    t.same([again.response.headers['content-type'], again.response.headers['content-length'], again.response.headers.etag], [first.response.headers['content-type'], String(first.response.rawPayload.length), etag], `${url}: with its headers`);
    t.equal((await call(two, { method: 'GET', url })).response.headers.etag, etag, `${url}: another instance gives the same tag`);
    const cached = await call(one, { method: 'GET', url, headers: { 'if-none-match': etag } });
    t.same([cached.status, cached.response.rawPayload.length], [304, 0], `${url}: 304 from the cache`);
  }
});

t.test('charts as PNG: twice the pixels, Chinese drawn, scale bounded', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const svg = await call(app, { method: 'GET', url: `${CHART}&format=svg` });
  const [width, height] = [/width="(\d+)"/, /height="(\d+)"/].map((re) => Number(re.exec(svg.response.body)![1]));
  const png = await call(app, { method: 'GET', url: CHART, headers: { accept: 'image/png' } });
  t.equal(png.status, 200);
  t.equal(png.response.headers['content-type'], 'image/png');
  t.equal(png.response.headers['content-disposition'], 'inline; filename="ranking-industrial_investment-2022-06.png"');
  const image = decodePng(png.response.rawPayload);
  t.same([image.width, image.height], [width! * 2, height! * 2], 'twice the SVG size by default');
  const all = darkPixels(image, { x: 0, y: 0, width: image.width, height: image.height }, 250);
  t.ok(all > image.width * image.height * 0.05, `not blank: ${all} drawn pixels`);
  // The title 1-6月 工业性投资同比增速排名 is the first 20 px of the chart, 16 px bold, #333.
  const title = darkPixels(image, { x: 0, y: 0, width: image.width / 2, height: 40 }, 100);
  t.ok(title > 1500, `the title is drawn in the title area: ${title} dark pixels`);
  const blankTitle = await call(app, { method: 'GET', url: '/v1/charts/trend?indicator=industrial_investment&region=331023&format=png&scale=1' });
  t.equal(decodePng(blankTitle.response.rawPayload).width * 2, decodePng((await call(app, { method: 'GET', url: '/v1/charts/trend?indicator=industrial_investment&region=331023&format=png' })).response.rawPayload).width, 'scale=1 is half the default');
  for (const scale of ['0', '5', 'x']) t.equal((await call(app, { method: 'GET', url: `${CHART}&format=png&scale=${scale}` })).status, 400, `scale=${scale} refused`);
  for (const path of ['trend?indicator=industrial_investment&region=331023', 'rank-history?indicator=industrial_investment&parent=331000', 'scorecard?region=331023&period=2022-06']) {
    const r = await call(app, { method: 'GET', url: `/v1/charts/${path}&format=png` });
    t.equal(r.status, 200, `${path}: PNG`);
    t.ok(darkPixels(decodePng(r.response.rawPayload), { x: 0, y: 0, width: 400, height: 40 }, 100) > 500, `${path}: its title drawn`);
  }
});

t.test('without the CJK font: SVG as before, PNG a clear 503 naming the package', async (t) => {
  const app = await buildTestApp(t, { demo: true, env: { CJK_FONT_FILES: '/nonexistent/NotoSansCJK-Regular.ttc' } });
  t.equal((await call(app, { method: 'GET', url: `${CHART}&format=svg` })).status, 200);
  const png = await call(app, { method: 'GET', url: `${CHART}&format=png` });
  t.equal(png.status, 503);
  t.equal(png.body.error, 'not_ready');
  t.match(png.body.message, new RegExp(`/nonexistent/NotoSansCJK-Regular.ttc.*apt-get install ${CJK_FONT_PACKAGE}`));
});

t.test('progress and completion rankings as CSV and xlsx', async (t) => {
  const app = await buildTestApp(t, { demo: true });
  const { bearer } = await import('../helpers/app.ts');
  const targets = ['331023', '331022', '331002'].map((region, i) => ({ indicator: 'industrial_investment', region, year: 2022, kind: 'value', value: 40 + 10 * i }));
  t.equal((await call(app, { method: 'PUT', url: '/v1/targets', headers: bearer('admin'), payload: { targets } })).status, 200);
  const csv = await call(app, { method: 'GET', url: '/v1/progress?indicator=industrial_investment&period=2022-06&parent=331000&format=csv' });
  t.equal(csv.status, 200);
  const lines = csv.response.rawPayload.toString('utf8').replace(/^\ufeff/, '').split('\r\n');
  t.equal(lines[0], 'rank,region,name,value,yoy,targetKind,target,completion,timeProgress,gap,growthTarget,growthGap');
  const json = await call(app, { method: 'GET', url: '/v1/progress?indicator=industrial_investment&period=2022-06&parent=331000' });
  const first = json.body.rows[0];
  t.match(lines[1], new RegExp(`^1,${first.region},${first.name},${first.value},`), 'rows in completion order');
  const xlsx = await call(app, { method: 'GET', url: '/v1/rankings?indicator=industrial_investment&period=2022-06&parent=331000&by=completion&format=xlsx' });
  t.equal(xlsx.response.headers['content-type'], XLSX_TYPE);
  t.match(String(xlsx.response.headers['content-disposition']), /ranking-industrial_investment-2022-06\.xlsx/);
});
