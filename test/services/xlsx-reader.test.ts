/**
 * The workbook reader below HTTP: the zip checks, SheetJS through the lazy
 * container, cells to the import's columns, and the worker's limits.
 */
import { getPriority } from 'node:os';
import t from 'tap';
import { ApiError } from '../../src/errors.ts';
import { WorkbookReader } from '../../src/services/xlsx/reader.ts';
import { periodOfSerial, periodOfText, sheetRows } from '../../src/services/xlsx/rows.ts';
import { openSheet } from '../../src/services/xlsx/workbook.ts';
import { inflateBudget, inflateEntry, readDirectory } from '../../src/services/xlsx/zip.ts';
import { deflateBomb, inlineRow, minimalParts, rawZip, sheetXml, workbook } from '../helpers/workbook.ts';

const open = (bytes: Buffer, sheet: string | null = null) => openSheet(bytes, { inflateMb: 64, maxEntries: 4096, sheet });
const rowsOf = (bytes: Buffer, sheet: string | null = null) => {
  const r = sheetRows(open(bytes, sheet));
  const width = r.columns.length;
  return { ...r, rows: r.numbers.map((n, i) => [n, ...r.cells.slice(i * width, (i + 1) * width)]) };
};
const refusal = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

t.test('periods: date cells by their month, text months in four spellings', async (t) => {
  t.equal(periodOfSerial(44713, false), '2022-06', '2022-06-01');
  t.equal(periodOfSerial(44742.75, false), '2022-06', '2022-06-30 18:00 is still June');
  t.equal(periodOfSerial(44713 - 1462, true), '2022-06', 'the 1904 date system');
  t.equal(periodOfSerial(32, false), '1900-02', 'before the phantom 1900-02-29');
  for (const text of ['2022-06', '2022-6', '2022/6', '2022/06', '2022年6月', '2022 年 06 月', ' 2022-06 ']) t.equal(periodOfText(text), '2022-06', text);
  for (const text of ['2022-13', '2022/0', '22-06', '2022.06', '2022年1-6月', '6/2022', '2022-06-01', '202206']) t.equal(periodOfText(text), text.trim(), `${text} left for the schema`);
});

t.test('cells: codes typed as numbers, percentages, numbers as text, formulas, errors, merges, titles', async (t) => {
  const book = workbook({
    name: '数据',
    rows: [
      ['2022年台州市各县(市、区)主要指标'],
      ['单位:亿元'],
      ['指标', '地区', '时期', '数值', '同比', '状态'],
      ['industrial_investment', 331023, new Date(Date.UTC(2022, 5, 1)), 34.58, 1.224, 'P'],
      [null, '331022', '2022年6月', ' 1,027.85 ', '12.5%', null],
      [],
      ['industrial_investment', 31000, '2022/6', 5, 0.1, null],
      [null, null, null, null, null, null],
    ],
    cells: {
      E4: { t: 'n', v: 1.224, z: '0.0%' },
      B7: { t: 'n', v: 31000, z: '000000' },
      D7: { t: 'n', v: 0.052, z: '0.0%' },
      E7: { t: 'e', v: 7, w: '#DIV/0!' },
      D8: { t: 'n', v: 12.5, f: 'D4*2' },
      A8: { t: 's', v: 'manufacturing_investment' },
      B8: { t: 'n', v: 331002 },
      C8: { t: 's', v: '2022-06' },
    },
    merges: ['A4:A5', 'A1:F1'],
  });
  const r = rowsOf(book);
  t.equal(r.sheet, '数据');
  t.same(r.columns, ['indicator', 'region', 'period', 'value', 'yoy', 'status'], 'Chinese headers on row 3, past a title and a unit line');
  t.same(
    r.rows,
    [
      [4, 'industrial_investment', '331023', '2022-06', 34.58, 122.4, 'p'],
      [5, 'industrial_investment', '331022', '2022-06', 1027.85, 12.5, null],
      [7, 'industrial_investment', '031000', '2022-06', '5.2%', '#DIV/0!', null],
      [8, 'manufacturing_investment', '331002', '2022-06', 12.5, null, null],
    ],
    'Excel row numbers; a merged indicator counts for both rows; a blank row skipped; a percentage value refused as CSV refuses it; a formula by its cached value',
  );
});

t.test('two sheets: the first by default, another by name, an unknown name lists them', async (t) => {
  const book = workbook(
    { name: '一月', rows: [['indicator', 'region', 'period', 'value'], ['industrial_investment', '331023', '2022-01', 1]] },
    { name: 'June', rows: [['indicator', 'region', 'period', 'value'], ['industrial_investment', '331023', '2022-06', 6]] },
  );
  t.same(rowsOf(book).rows, [[2, 'industrial_investment', '331023', '2022-01', 1]]);
  t.same(rowsOf(book, 'June').rows, [[2, 'industrial_investment', '331023', '2022-06', 6]]);
  t.equal(rowsOf(book, 'june').sheet, 'June', 'sheet names match as Excel matches them, in any case');
  const e = refusal(() => open(book, '二月'));
  t.equal(e.code, 'bad_request');
  t.match(e.message, /no sheet named "二月"; its sheets are "一月", "June"/);
});

t.test('header faults name the sheet row; __proto__ and constructor are unknown columns, and pollute nothing', async (t) => {
  const book = workbook({ name: 'S', rows: [['__proto__', 'constructor', 'region', 'period', 'value', 'toString'], [{ polluted: true }, 1, '331023', '2022-06', 1, 2]] });
  const e = refusal(() => sheetRows(open(book)));
  t.equal(e.code, 'validation_failed');
  t.same(
    e.details?.map((d) => [d.row, d.field]),
    [
      [1, '__proto__'],
      [1, 'constructor'],
      [1, 'toString'],
      [1, 'indicator'],
    ],
  );
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  const stray = refusal(() => sheetRows(open(workbook({ name: 'S', rows: [['indicator', 'region', 'period', 'value'], ['a', 'b', '2022-06', 1, 'stray']] }))));
  t.same(stray.details, [{ row: 2, field: 'E', message: 'column E holds values (the first in row 2) but has no header' }]);
});

t.test('zip checks: entry count before anything, truncation, lying sizes, checksums, DTDs, methods', async (t) => {
  const many = rawZip(Array.from({ length: 100_000 }, (_, i) => ({ name: `f${i}`, method: 0 as const })));
  let e = refusal(() => readDirectory(many, 4096));
  t.same([e.code, e.message], ['payload_too_large', 'the workbook holds 100000 files; an .xlsx holds a few dozen and this service reads at most 4096']);

  const book = workbook({ name: 'S', rows: [['indicator', 'region', 'period', 'value']] });
  for (const cut of [book.length - 10, Math.floor(book.length / 2), 30]) {
    e = refusal(() => open(book.subarray(0, cut)));
    t.equal(e.code, 'bad_request', `cut at ${cut}`);
    t.match(e.message, /damaged or incomplete/);
  }

  const parts = minimalParts({ name: '', data: sheetXml(inlineRow(1, ['indicator', 'region', 'period', 'value'])) });
  t.same(rowsOf(rawZip(parts)).columns, ['indicator', 'region', 'period', 'value'], 'the hand-made workbook reads');
  const lie = (over: Partial<(typeof parts)[number]>) => rawZip(parts.map((p) => (p.name.endsWith('sheet1.xml') ? { ...p, ...over } : p)));
  e = refusal(() => open(lie({ declaredSize: 10 })));
  t.match(e.message, /inflates to \d+ bytes, not the 10 declared/);
  e = refusal(() => open(lie({ declaredSize: 100 * 1024 * 1024 })));
  t.same([e.code, e.message], ['payload_too_large', 'the workbook declares that xl/worksheets/sheet1.xml inflates to 104857600 bytes, more than the 64 MB this service inflates: split it into smaller workbooks']);
  const zip = lie({});
  const entry = readDirectory(zip, 10).find((x) => x.name.endsWith('sheet1.xml'))!;
  e = refusal(() => inflateEntry(zip, { ...entry, crc: entry.crc ^ 1 }, inflateBudget(64)));
  t.match(e.message, /fails its checksum/);
  t.same(rowsOf(lie({ method: 0 })).columns, ['indicator', 'region', 'period', 'value'], 'a stored (method 0) part reads');
  e = refusal(() => open(lie({ method: 12 })));
  t.match(e.message, /zip method 12, which Excel and WPS never use/);

  const laughs =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>' +
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>';
  e = refusal(() => open(rawZip(minimalParts({ name: '', data: sheetXml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>') }, { name: '', data: Buffer.from(laughs) }))));
  t.same([e.code, e.message], ['bad_request', 'the workbook part xl/sharedStrings.xml declares a DTD (<!DOCTYPE), which Excel and WPS never write (XML entity expansion); refused'], 'refused even where SheetJS would swallow a fault');
});

t.test('a zip bomb is stopped at the budget, whatever its header says', async (t) => {
  const prefix = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
  const bomb = deflateBomb(prefix, 1e9);
  t.ok(bomb.bytes.length < 1e6, `1 GB from ${bomb.bytes.length} bytes`);
  for (const declaredSize of [bomb.size, 4096]) {
    const parts = minimalParts({ name: '', deflated: bomb, declaredSize });
    const started = performance.now();
    const e = refusal(() => open(rawZip(parts)));
    t.equal(e.code, 'payload_too_large', `declared ${declaredSize}`);
    t.match(e.message, /64 MB/);
    t.ok(performance.now() - started < 5000, 'stopped early');
  }
});

t.test('one cell at XFD1048576 costs one cell, not the whole range', async (t) => {
  const rows = inlineRow(1, ['indicator', 'region', 'period', 'value']) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>';
  const started = performance.now();
  const e = refusal(() => sheetRows(open(rawZip(minimalParts({ name: '', data: sheetXml(rows, 'A1:XFD1048576') })))));
  t.ok(performance.now() - started < 2000, 'quick');
  t.same(e.details, [{ row: 1048576, field: 'XFD', message: 'column XFD holds values (the first in row 1048576) but has no header' }]);

  const claimed =
    inlineRow(1, ['indicator', 'region', 'period', 'value']) +
    '<row r="2"><c r="A2" t="inlineStr"><is><t>industrial_investment</t></is></c><c r="B2"><v>331023</v></c><c r="C2" t="inlineStr"><is><t>2022-06</t></is></c><c r="D2"><f>1+1</f></c></row>';
  const read = rowsOf(rawZip(minimalParts({ name: '', data: sheetXml(claimed, 'A1:XFD1048576') })));
  t.same(read.rows, [[2, 'industrial_investment', '331023', '2022-06', undefined]], 'a dimension claiming the whole grid reads the cells there are; a formula with no saved result is an empty cell');
});

t.test('not a workbook: OLE (.xls, .et, encrypted) is a 415 saying to save as .xlsx; other bytes a 400', async (t) => {
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
  let e = refusal(() => open(ole));
  t.equal(e.code, 'unsupported_media_type');
  t.match(e.message, /save it as \.xlsx/);
  for (const [name, kind] of [
    ['META-INF/manifest.xml', /OpenDocument/],
    ['Index/Document.iwa', /Numbers/],
    ['xl/workbook.bin', /\.xlsb/],
  ] as const) {
    e = refusal(() => open(rawZip([{ name: '[Content_Types].xml', data: Buffer.from('<Types/>') }, { name, data: Buffer.from('x') }])));
    t.equal(e.code, 'unsupported_media_type', name);
    t.match(e.message, kind);
  }
  e = refusal(() => open(rawZip([{ name: 'word/document.xml', data: Buffer.from('<w/>') }])));
  t.match(e.message, /no \[Content_Types\]\.xml/);
  e = refusal(() => open(Buffer.from('indicator,region,period,value\n')));
  t.equal(e.code, 'bad_request');
  t.match(e.message, /not an \.xlsx workbook/);
});

t.test('the worker: rows without prototype, and a parse past its time or memory is a 413 that costs only the worker', async (t) => {
  const rows: unknown[][] = [['indicator', 'region', 'period', 'value']];
  for (let i = 0; i < 20_000; i++) rows.push(['industrial_investment', String(331000 + (i % 100)), '2022-06', i]);
  const book = workbook({ name: 'S', rows });
  const reader = new WorkbookReader({ inflateMb: 64 });
  t.teardown(() => reader.close());
  const priority = getPriority();
  const read = await reader.read(book, null);
  t.equal(getPriority(), priority, "the worker lowers its own thread's priority, never the service's");
  t.equal(read.data.length, 20_000);
  t.equal(read.numbers?.[0], 2);
  const first = read.data[0] as Record<string, unknown>;
  t.equal(Object.getPrototypeOf(Object.getPrototypeOf(first)), null, 'rows inherit from an object without a prototype');
  t.same(Object.getOwnPropertyNames(Object.getPrototypeOf(first)), [], '...that holds nothing');
  t.ok(Object.isFrozen(Object.getPrototypeOf(first)), '...and cannot be changed');
  t.same([first.constructor, first.toString, '__proto__' in first, first.hasOwnProperty], [undefined, undefined, false, undefined], 'no inherited accessor or method');
  t.same({ ...(read.data[19_999] as object) }, { indicator: 'industrial_investment', region: '331099', period: '2022-06', value: 19_999 });

  const slow = new WorkbookReader({ inflateMb: 64, timeoutMs: 50 });
  t.teardown(() => slow.close());
  await t.rejects(slow.read(book, null), { code: 'payload_too_large', message: /took longer than 0.05 s/ });
  const small = new WorkbookReader({ inflateMb: 64, heapMb: 8 });
  t.teardown(() => small.close());
  await t.rejects(small.read(book, null), { code: 'payload_too_large', message: /more than the 8 MB of memory/ });
  t.equal((await reader.read(book, null)).data.length, 20_000, 'the next workbook reads as before, on the spare worker');
});
