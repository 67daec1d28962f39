/**
 * Corrections (API.md "Corrections"; DOMAIN.md "Review before release"): a
 * posted row or a withdrawal may say why it changes a figure, a reason and
 * a note, in JSON, CSV and xlsx alike; every version keeps them, history,
 * the changes feed and downloads carry them, a download posts back
 * unchanged, bad ones are refused naming row and field with nothing
 * stored, and a report notes a figure corrected since first published.
 */
import * as XLSX from '@e965/xlsx';
import { unzipSync } from 'fflate';
import t from 'tap';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { workbook, XLSX_TYPE } from '../helpers/workbook.ts';
import { SEED_FIGURES } from '../fixtures/seed-report.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const IND = 'industrial_investment';
const TIANTAI = '331023';
const SANMEN = '331022';
/** Everything a CSV cell, a line of InfluxDB or a query could trip on, and Chinese. */
const NOTE = '统计口径调整;见"说明"=附件, 50%3B \\ 反斜杠 😀';
const row = (over: Record<string, unknown> = {}) => ({ indicator: IND, region: TIANTAI, period: '2022-06', value: 34.58, ...over });
const history = async (app: App, region = TIANTAI, period = '2022-06') =>
  (await call(app, { method: 'GET', url: `/v1/observations/history?indicator=${IND}&region=${region}&period=${period}` })).body.versions as Array<Record<string, unknown>>;
const why = (versions: Array<Record<string, unknown>>) => versions.map((v) => [v.version, v.action, v.value, v.reason, v.note]);
const postCsv = (app: App, text: string, query = '') =>
  call(app, { method: 'POST', url: `/v1/observations${query}`, headers: { ...bearer('writer'), 'content-type': 'text/csv; charset=utf-8' }, payload: text });
const postBook = (app: App, book: Buffer, query = '') =>
  call(app, { method: 'POST', url: `/v1/observations${query}`, headers: { ...bearer('writer'), 'content-type': XLSX_TYPE }, payload: book });
const withdraw = (app: App, payload?: unknown, region = TIANTAI, period = '2022-06') =>
  call(app, {
    method: 'DELETE',
    url: `/v1/observations/${IND}/${region}/${period}`,
    headers: bearer('writer'),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
const slice = async (app: App, period = '2022-06') => (await app.store.slices(IND, [period], null)).map((o) => [o.region, o.value]).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

forEachStore(t, (t, store) => {
  t.test('JSON: every version keeps its reason and note; a row identical but for them is unchanged', async (t) => {
    const app = await buildTestApp(t, { store });
    let r = await post(app, [row({ reason: 'revision', note: `  ${NOTE}  ` }), row({ region: SANMEN, value: 27.85 }), row({ period: '2022-05', value: 28, note: '   ' })]);
    t.same([r.status, r.body.created, r.body.warnings], [200, 3, []], JSON.stringify(r.body));
    r = await post(app, [row({ reason: 'correction', note: '只改了原因' }), row({ region: SANMEN, value: 27.85, reason: 'correction' })]);
    t.same([r.body.created, r.body.revised, r.body.unchanged], [0, 0, 2], 'the figure is unchanged: a reason or note alone makes no version');
    r = await post(app, [row({ value: 34.61, reason: 'correction', note: '录入错误' })]);
    t.same([r.body.revised, r.body.unchanged], [1, 0]);
    r = await post(app, [row({ value: 34.7, reason: 'reclassification', note: null }), row({ region: SANMEN, value: 28, reason: null })]);
    t.same([r.body.revised, r.body.unchanged], [2, 0], 'null reason and note are none');
    t.same(why(await history(app)), [
      [1, 'I', 34.58, 'revision', NOTE],
      [2, 'I', 34.61, 'correction', '录入错误'],
      [3, 'I', 34.7, 'reclassification', null],
    ], 'the note trimmed, as free text is; the identical row left no trace');
    t.same(why(await history(app, SANMEN)), [[1, 'I', 27.85, null, null], [2, 'I', 28, null, null]], 'none given: null');
    t.same(why(await history(app, TIANTAI, '2022-05')), [[1, 'I', 28, null, null]], 'a blank note is none');

    r = await post(app, [row({ value: 99, reason: 'correction', note: '试算' })], '?dryRun=true');
    t.same([r.status, r.body.revised, r.body.dryRun], [200, 1, true], 'a dry run counts');
    t.equal((await history(app)).length, 3, 'and stores nothing');
  });

  t.test('CSV with Chinese headers 原因 and 说明, and English ones', async (t) => {
    const app = await buildTestApp(t, { store });
    const zh = `指标,地区,时期,数值,同比,状态,原因,说明\n${IND},${TIANTAI},2022-06,34.58,122.4,p,,\n${IND},${SANMEN},2022-06,27.85,,, Revision ,"口径调整, 见""附件"""\n`;
    let r = await postCsv(app, zh);
    t.same([r.status, r.body.created], [200, 2], JSON.stringify(r.body));
    r = await postCsv(app, `indicator,region,period,value,reason,note\n${IND},${TIANTAI},2022-06,34.61,correction,"${NOTE.replace(/"/g, '""')}"\n`);
    t.same([r.status, r.body.revised], [200, 1], JSON.stringify(r.body));
    t.same(why(await history(app)), [[1, 'I', 34.58, null, null], [2, 'I', 34.61, 'correction', NOTE]], 'blank cells are none; a quoted note as written');
    t.same(why(await history(app, SANMEN)), [[1, 'I', 27.85, 'revision', '口径调整, 见"附件"']], 'a reason in any case');
  });

  t.test('xlsx with 原因 and 说明 columns; a note typed as a number is its text', async (t) => {
    const app = await buildTestApp(t, { store });
    const book = workbook({
      name: '上报',
      rows: [
        ['指标', '地区', '时期', '数值', '同比', '状态', '原因', '说明'],
        [IND, 331023, '2022年6月', 34.58, 122.4, 'p', 'correction', NOTE],
        [IND, 331022, '2022-06', 27.85, null, null, null, 2024],
        [IND, 331002, '2022-06', 20.1, null, null, 'reclassification', null],
      ],
    });
    const r = await postBook(app, book);
    t.same([r.status, r.body.created], [200, 3], JSON.stringify(r.body));
    t.same(why(await history(app)), [[1, 'I', 34.58, 'correction', NOTE]]);
    t.same(why(await history(app, SANMEN)), [[1, 'I', 27.85, null, '2024']]);
    t.same(why(await history(app, '331002')), [[1, 'I', 20.1, 'reclassification', null]]);
  });

  t.test('a withdrawal takes them as an optional JSON body', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [row(), row({ region: SANMEN }), row({ region: '331002' })]);
    let r = await withdraw(app, { reason: 'correction', note: NOTE });
    t.same([r.status, r.body], [200, { withdrawn: true, version: 2 }], JSON.stringify(r.body));
    r = await withdraw(app, undefined, SANMEN);
    t.same([r.status, r.body.version], [200, 2], 'no body: none given');
    r = await withdraw(app, {}, '331002');
    t.same([r.status, r.body.version], [200, 2], 'an empty object: none given');
    t.same(why(await history(app)), [[1, 'I', 34.58, null, null], [2, 'D', null, 'correction', NOTE]]);
    t.same(why(await history(app, SANMEN)), [[1, 'I', 34.58, null, null], [2, 'D', null, null, null]]);
    r = await post(app, [row({ value: 34.6, reason: 'correction', note: '重新上报' })]);
    t.same([r.status, r.body.created], [200, 1], 'posted again after it');
    t.same(why(await history(app)).at(-1), [3, 'I', 34.6, 'correction', '重新上报']);
  });

  t.test('bad reasons and notes: 400 naming row and field, nothing stored; on a withdrawal too', async (t) => {
    const app = await buildTestApp(t, { store });
    await post(app, [row()]);
    const long = '长'.repeat(501);
    let r = await post(app, [
      row({ value: 1, reason: 'correction', note: '长'.repeat(500) }), // 1: fine, at the limit
      row({ period: '2022-05', reason: 'typo' }), // 2
      row({ period: '2022-04', note: long }), // 3
      row({ period: '2022-03', reason: 'CORRECTION' }), // 4: JSON takes the codes as they are
      row({ period: '2022-02', note: '第一行\n第二行' }), // 5: a control character
      row({ period: '2022-01', note: 5 }), // 6
      row({ period: '2021-12', reason: 1 }), // 7
    ]);
    t.equal(r.status, 400);
    t.same(r.body.details.map((d: any) => [d.row, d.field]), [[2, 'reason'], [3, 'note'], [4, 'reason'], [5, 'note'], [6, 'note'], [7, 'reason']], JSON.stringify(r.body.details));
    t.match(r.body.details[0].message, /revision, correction, reclassification/);
    t.match(r.body.details[1].message, /at most 500 characters/);
    t.same(await slice(app), [[TIANTAI, 34.58]], 'the good row was not stored either');
    t.equal((await history(app)).length, 1);

    r = await postCsv(app, `指标,地区,时期,数值,原因,说明\n${IND},${TIANTAI},2022-06,40,fixed,\n${IND},${SANMEN},2022-06,1,,${long}\n`);
    t.same([r.status, r.body.details.map((d: any) => [d.row, d.field])], [400, [[1, 'reason'], [2, 'note']]], 'CSV: the record numbers');
    r = await postBook(app, workbook({ name: '上报', rows: [['指标', '地区', '时期', '数值', '原因', '说明'], [IND, 331023, '2022-06', 40, 'oops', null], [IND, 331022, '2022-06', 1, null, long]] }));
    t.same(
      [r.status, r.body.details.map((d: any) => [d.sheet, d.row, d.field])],
      [400, [['上报', 2, 'reason'], ['上报', 3, 'note']]],
      'xlsx: the sheet and the rows Excel shows',
    );
    t.same(await slice(app), [[TIANTAI, 34.58]], 'nothing stored by them');

    for (const [body, field] of [
      [{ reason: 'oops' }, 'reason'],
      [{ note: long }, 'note'],
      [{ reason: 'correction', note: 'x\u0000y' }, 'note'],
      [{ reason: 'correction', why: 'x' }, 'why'],
      [['correction'], 'body'],
    ] as const) {
      r = await withdraw(app, body);
      t.same([r.status, r.body.error, r.body.details[0].field], [400, 'validation_failed', field], `withdrawal body ${JSON.stringify(body).slice(0, 40)}`);
    }
    r = await call(app, { method: 'DELETE', url: `/v1/observations/${IND}/${TIANTAI}/2022-06`, headers: { ...bearer('writer'), 'content-type': 'text/csv' }, payload: 'reason\ncorrection\n' });
    t.same([r.status, r.body.details?.[0]?.field], [400, 'body'], 'a body that is not JSON');
    t.same(why(await history(app)), [[1, 'I', 34.58, null, null]], 'nothing withdrawn');
    t.same(await slice(app), [[TIANTAI, 34.58]]);
  });

  t.test('history, the changes feed and downloads carry them; a download posts back unchanged', async (t) => {
    const app = await buildTestApp(t, { store });
    const since = new Date(Date.now() - 1).toISOString();
    await post(app, [row({ yoy: 122.4, status: 'p', reason: 'revision', note: '初报' }), row({ region: SANMEN, value: 27.85 }), row({ region: '331002', value: 20.1, note: '=SUM(A1)' })]);
    const asOf = new Date().toISOString();
    await sleep(20);
    await post(app, [row({ value: 34.61, yoy: 122.4, status: 'r', reason: 'correction', note: NOTE })]);
    await withdraw(app, { reason: 'reclassification', note: '划出' }, SANMEN);

    const h = await history(app);
    t.same(h.map((v) => [v.reason, v.note]), [['revision', '初报'], ['correction', NOTE]], 'history');

    const feed = await call(app, { method: 'GET', url: `/v1/observations/changes?since=${encodeURIComponent(since)}` });
    t.equal(feed.status, 200);
    t.same(
      feed.body.changes.map((c: any) => [c.region, c.version, c.action, c.reason, c.note]).sort((a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])),
      [
        ['331002', 1, 'I', null, '=SUM(A1)'],
        [SANMEN, 1, 'I', null, null],
        [SANMEN, 2, 'D', 'reclassification', '划出'],
        [TIANTAI, 1, 'I', 'revision', '初报'],
        [TIANTAI, 2, 'I', 'correction', NOTE],
      ],
      'the changes feed, a withdrawal included',
    );

    const list = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}` });
    t.same(
      list.body.observations.map((o: any) => [o.region, o.value, o.reason, o.note]),
      [['331002', 20.1, null, '=SUM(A1)'], [TIANTAI, 34.61, 'correction', NOTE]],
      'JSON: each current figure with its version’s',
    );
    const then = await call(app, { method: 'GET', url: `/v1/observations?indicator=${IND}&asOf=${encodeURIComponent(asOf)}` });
    t.same(
      then.body.observations.map((o: any) => [o.region, o.value, o.reason, o.note]),
      [['331002', 20.1, null, '=SUM(A1)'], [SANMEN, 27.85, null, null], [TIANTAI, 34.58, 'revision', '初报']],
      'as of an instant: the version shown then, with its own',
    );

    const csv = await app.inject({ method: 'GET', url: `/v1/observations?indicator=${IND}&format=csv` });
    const lines = csv.body.replace(/^\ufeff/, '').split('\r\n');
    t.equal(lines[0], 'indicator,region,period,value,yoy,status,reason,note,regionName,indicatorName', 'CSV: reason and note after the figure');
    t.equal(lines[1], `${IND},331002,2022-06,20.1,,,,'=SUM(A1),椒江区,工业性投资`, 'a formula-like note neutralised');
    t.equal(lines[2], `${IND},${TIANTAI},2022-06,34.61,122.4,r,correction,"${NOTE.replace(/"/g, '""')}",天台县,工业性投资`);
    let r = await postCsv(app, csv.body);
    t.same([r.status, r.body.accepted, r.body.unchanged], [200, 2, 2], 'the CSV download posts back unchanged');

    const xlsx = await app.inject({ method: 'GET', url: `/v1/observations?indicator=${IND}&format=xlsx` });
    const book = XLSX.read(xlsx.rawPayload);
    const rows = XLSX.utils.sheet_to_json(book.Sheets[book.SheetNames[0]!]!, { header: 1, defval: null }) as unknown[][];
    t.same(rows[0]!.slice(0, 8), ['indicator', 'region', 'period', 'value', 'yoy', 'status', 'reason', 'note']);
    t.same(rows[2]!.slice(0, 8), [IND, TIANTAI, '2022-06', 34.61, 122.4, 'r', 'correction', NOTE]);
    r = await postBook(app, xlsx.rawPayload);
    t.same([r.status, r.body.accepted, r.body.unchanged], [200, 2, 2], 'the xlsx download posts back unchanged');
    t.same(why(await history(app, '331002')), [[1, 'I', 20.1, null, '=SUM(A1)']], 'the neutralised note read back as it was: nothing new');

    const sdmx = await app.inject({ method: 'GET', url: `/v1/observations?indicator=${IND}&format=sdmx-csv` });
    t.equal(sdmx.body.split('\r\n')[0], 'STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,OBS_STATUS', 'SDMX-CSV keeps its structure: no reason or note');
  });

  t.test('a report notes a figure corrected since first published, with the note; revised or untouched figures show nothing', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await post(app, SEED_FIGURES)).status, 200);
    // Tiantai's 1-5月 investment corrected, its 1-6月 digital economy corrected without a note, its
    // 1-5月 manufacturing revised (new source data), and a peer's figure corrected: only the first two are Tiantai's corrections.
    const r = await post(app, [
      { indicator: IND, region: TIANTAI, period: '2022-05', value: 28.2, yoy: 120.0, reason: 'correction', note: '漏报一个项目' },
      { indicator: 'digital_core_value_added', region: TIANTAI, period: '2022-06', value: 2.27, yoy: 17.4, reason: 'correction' },
      { indicator: 'manufacturing_investment', region: TIANTAI, period: '2022-05', value: 16.1, yoy: 44.0, reason: 'revision', note: '新的来源数据' },
      { indicator: IND, region: SANMEN, period: '2022-06', value: 27.9, yoy: 80.1, reason: 'correction', note: '他县更正' },
    ]);
    t.same([r.status, r.body.revised], [200, 4], JSON.stringify(r.body));
    const run = await app.services.reports.run(app.services.views.privileged(), '2022-06', [TIANTAI, SANMEN], 'manual test', new Date());
    t.same(run.failures, []);
    const facts = (await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06` })).body.facts;
    const notes = Object.fromEntries(facts.indicators.map((f: any) => [f.indicator, f.correctionNote ?? null]));
    t.equal(notes[IND], '注:1-5月数据已更正(原因:漏报一个项目)', 'the quoted 1-5月 figure, corrected');
    t.equal(notes.digital_core_value_added, '注:1-6月数据已更正', 'corrected without a note');
    t.equal(notes.manufacturing_investment, null, 'revised, not corrected: nothing');
    t.equal(notes.online_retail_sales, null, 'never changed: nothing');
    const sanmen = (await call(app, { method: 'GET', url: `/v1/reports/${SANMEN}/2022-06` })).body.facts;
    t.equal(sanmen.indicators.find((f: any) => f.indicator === IND).correctionNote, '注:1-6月数据已更正(原因:他县更正)', "the peer's own report notes its own");

    const md = (await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.md` })).response.body;
    const line = md.split('\n').find((l: string) => l.startsWith('| 工业性投资 |'))!;
    t.match(line, /全市第一,总量全市第一,增速较1-5月提高2\.4个百分点<br>注:1-5月数据已更正\(原因:漏报一个项目\) \|$/, 'Markdown: under the sentence, in its row');
    t.notMatch(md.split('\n').find((l: string) => l.startsWith('| 制造业投资 |'))!, /注:/);
    const html = (await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.html` })).response.body;
    t.match(html, /<span class="note">注:1-5月数据已更正\(原因:漏报一个项目\)<\/span><\/td><\/tr>/, 'HTML: under the sentence');
    if (store === 'sqlite') {
      // Drawn once: the Word document's charts take a while.
      const docx = await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.docx` });
      t.equal(docx.status, 200);
      const xml = Buffer.from(unzipSync(docx.response.rawPayload)['word/document.xml']!).toString('utf8');
      t.match(xml, /注:1-5月数据已更正\(原因:漏报一个项目\)/, 'Word: in the indicator’s row');
      t.equal((xml.match(/注:/g) ?? []).length, 2, 'only the corrected indicators');
    }
  });
});
