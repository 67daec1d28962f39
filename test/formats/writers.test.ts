/** The spreadsheet writers: CSV, xlsx and SDMX-CSV, read back by the import and by SheetJS. */
import * as XLSX from '@e965/xlsx';
import { unzipSync } from 'fflate';
import t from 'tap';
import type { Indicator } from '../../src/domain/types.ts';
import { csvText, tableCsv } from '../../src/formats/csv.ts';
import { observationFormats, observationTable, type ObservationRow } from '../../src/formats/observations.ts';
import { RenderPool } from '../../src/formats/render-pool.ts';
import { SDMX_STRUCTURE_ID, sdmxCsv } from '../../src/formats/sdmx.ts';
import { decimalsFormat, neutralise } from '../../src/formats/table.ts';
import { displayWidth, tableXlsx } from '../../src/formats/xlsx.ts';
import { decodeCsv, parseCsv } from '../../src/services/csv.ts';

const INDICATOR: Indicator = { code: 'industrial_investment', name: '工业性投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', change: 'percent', reportValue: false, review: false, reviewSince: null, aggregation: 'sum' };
const NAMES: Record<string, string> = { '331023': '天台县', '331022': '三门县', '331024': '=HYPERLINK("http://x","仙居县")', '331081': '温岭市, "东海"' };
const ROWS: ObservationRow[] = [
  { indicator: 'industrial_investment', region: '331023', period: '2022-06', value: 34.58, yoy: 122.4, status: null },
  { indicator: 'industrial_investment', region: '331022', period: '2022-06', value: 27.85, yoy: null, status: 'p', reason: 'revision', note: null },
  { indicator: 'industrial_investment', region: '331024', period: '2022-06', value: -1.5, yoy: -6.4, status: 'r', reason: 'correction', note: '=录入错误, 见"附件"' },
  { indicator: 'industrial_investment', region: '331081', period: '2022-05', value: 0.000001, yoy: 0, status: 'e', reason: null, note: '口径调整' },
];
const input = { observations: ROWS, next: null, indicator: INDICATOR, regionName: (code: string) => NAMES[code] ?? code };

/** Workbooks are built on the rendering thread, as the service builds them. */
const render = new RenderPool();
t.teardown(() => render.close());
const context = { render };

t.test('formula-like text is neutralised; numbers and codes are not', async (t) => {
  for (const text of ['=1+1', '+86', '-x', '@SUM(A1)', '\tcmd', '\r=1']) t.equal(neutralise(text), `'${text}`, JSON.stringify(text));
  for (const text of ['331023', '天台县', "'quoted", '', 'a=b']) t.equal(neutralise(text), text, JSON.stringify(text));
  t.equal(decimalsFormat(0), '0');
  t.equal(decimalsFormat(2), '0.00');
  t.equal(displayWidth('天台县 ab'), 9, 'CJK counts two');
});

t.test('CSV: BOM, CRLF, RFC 4180 quoting, the import columns first', async (t) => {
  const bytes = await observationFormats.render('csv', input, context);
  t.ok(Buffer.isBuffer(bytes));
  const buf = bytes as Buffer;
  t.same([...buf.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 BOM');
  const text = buf.toString('utf8').slice(1);
  const lines = text.split('\r\n');
  t.equal(lines[0], 'indicator,region,period,value,yoy,status,reason,note,regionName,indicatorName', 'reason and note among the import columns');
  t.equal(lines[1], 'industrial_investment,331023,2022-06,34.58,122.4,,,,天台县,工业性投资', 'no reason or note: empty cells');
  t.equal(lines[2], 'industrial_investment,331022,2022-06,27.85,,p,revision,,三门县,工业性投资', 'a missing growth is an empty cell');
  t.equal(
    lines[3],
    `industrial_investment,331024,2022-06,-1.5,-6.4,r,correction,"'=录入错误, 见""附件""","'=HYPERLINK(""http://x"",""仙居县"")",工业性投资`,
    'negative numbers stay numbers; a formula-like note and name are neutralised and quoted',
  );
  t.equal(lines[4], 'industrial_investment,331081,2022-05,0.000001,0,e,,口径调整,"温岭市, ""东海""",工业性投资', 'commas and quotes quoted');
  t.equal(lines.at(-1), '', 'ends with a line end');
  t.notOk(/[^\r]\n/.test(text), 'every line ends CRLF');
});

t.test('a CSV download posts back unchanged through the import', async (t) => {
  const buf = (await observationFormats.render('csv', input, context)) as Buffer;
  const parsed = parseCsv(decodeCsv(buf, undefined));
  t.same(
    parsed.data,
    ROWS.map((r) => ({
      indicator: r.indicator,
      region: r.region,
      period: r.period,
      value: r.value,
      yoy: r.yoy,
      status: r.status,
      ...(r.reason == null ? {} : { reason: r.reason }),
      ...(r.note == null ? {} : { note: r.note }),
    })),
    'the same figures, reasons and notes (the neutralised one as it was), the name columns skipped',
  );
  t.same(parsed.numbers, [1, 2, 3, 4]);
});

t.test('xlsx: one sheet, numeric cells with the indicator decimals, widths, frozen header, neutralised text', async (t) => {
  const buf = (await observationFormats.render('xlsx', input, context)) as Buffer;
  t.same([...buf.subarray(0, 2)], [0x50, 0x4b], 'a zip');
  const book = XLSX.read(buf, { cellNF: true, cellStyles: true });
  t.same(book.SheetNames, ['工业性投资 industrial_investment']);
  const sheet = book.Sheets[book.SheetNames[0]!]!;
  const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, defval: null });
  t.same(rows[0], ['indicator', 'region', 'period', 'value', 'yoy', 'status', 'reason', 'note', 'regionName', 'indicatorName']);
  t.same(rows[3], ['industrial_investment', '331024', '2022-06', -1.5, -6.4, 'r', 'correction', `'=录入错误, 见"附件"`, `'=HYPERLINK("http://x","仙居县")`, '工业性投资']);
  t.same(rows[2], ['industrial_investment', '331022', '2022-06', 27.85, null, 'p', 'revision', null, '三门县', '工业性投资'], 'an empty growth is an empty cell');
  t.same([sheet['B2'].t, sheet['D2'].t, sheet['E2'].t], ['s', 'n', 'n'], 'codes are text, figures numbers');
  t.equal(sheet['D2'].z, '0.00', "the value's format has the indicator's two decimals");
  t.equal(sheet['E2'].z, '0.0', 'growth at 0.1');
  t.equal(sheet['D2'].w, '34.58');
  t.notOk(sheet['H4'].f, 'a formula-like note is no formula');
  t.notOk(sheet['I4'].f, 'a formula-like name is no formula');
  const cols = sheet['!cols']!;
  t.ok(cols[0]!.wch! >= 'industrial_investment'.length, 'the code column fits its codes');
  t.ok(cols[8]!.wch! > cols[2]!.wch!, 'the names column is wider than the months');
  const files = unzipSync(buf);
  const xml = Buffer.from(files['xl/worksheets/sheet1.xml']!).toString('utf8');
  t.match(xml, /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/, 'the header row is frozen');
  t.notMatch(xml, /<f>/, 'no formula anywhere');
  t.ok(buf.equals((await observationFormats.render('xlsx', input, context)) as Buffer), 'the same table gives the same bytes');
});

t.test('xlsx of 50,000 rows stays a valid workbook', async (t) => {
  const many = Array.from({ length: 50_000 }, (_, i): ObservationRow => ({ indicator: 'industrial_investment', region: String(331000 + (i % 100)), period: `20${10 + Math.floor(i / 1200)}-${String((i % 12) + 1).padStart(2, '0')}`, value: i / 7, yoy: i % 5 === 0 ? null : i / 100, status: null }));
  const buf = tableXlsx(observationTable({ ...input, observations: many }));
  const sheet = XLSX.read(buf).Sheets['工业性投资 industrial_investment']!;
  t.equal(sheet['!ref'], 'A1:J50001');
  t.equal(sheet['D50001'].v, 49_999 / 7, 'the full double, shown at two decimals');
});

t.test('SDMX-CSV 2.0: no BOM, the dataflow on every row, codes upper case, nothing neutralised', async (t) => {
  const buf = (await observationFormats.render('sdmx-csv', input, context)) as Buffer;
  t.not(buf[0], 0xef, 'no BOM');
  const lines = buf.toString('utf8').split('\r\n');
  t.equal(lines[0], 'STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,OBS_STATUS');
  t.equal(SDMX_STRUCTURE_ID, 'REGIND:DF_REGIONAL_MONTHLY(1.0.0)');
  t.equal(lines[1], 'dataflow,REGIND:DF_REGIONAL_MONTHLY(1.0.0),I,industrial_investment,331023,2022-06,34.58,');
  t.equal(lines[3], 'dataflow,REGIND:DF_REGIONAL_MONTHLY(1.0.0),I,industrial_investment,331024,2022-06,-1.5,R', 'a negative value is a number');
  t.equal(lines.length, ROWS.length + 2);
  t.equal(sdmxCsv([]).toString('utf8'), 'STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,OBS_STATUS\r\n', 'no rows: the header alone');
});

t.test('the table CSV writer neutralises headers too, and an empty table is its header', async (t) => {
  t.equal(csvText(['=a'], [], { bom: false, neutralise: true }), "'=a\r\n");
  t.equal(tableCsv({ sheet: 's', columns: [{ header: 'x', kind: 'text' }], rows: [] }).toString('utf8'), '\ufeffx\r\n');
});
