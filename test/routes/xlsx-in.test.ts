/**
 * POST /v1/observations with an .xlsx body, on both stores: read as CSV is,
 * ingested through the same path (validation, warnings, dry run, all or
 * nothing), every detail naming its sheet and Excel row.
 */
import t from 'tap';
import * as XLSX from '@e965/xlsx';
import { bearer, buildTestApp, call, forEachStore } from '../helpers/app.ts';
import { workbook, XLSX_TYPE } from '../helpers/workbook.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const postBook = (app: App, book: Buffer, query = '', type = XLSX_TYPE) =>
  call(app, { method: 'POST', url: `/v1/observations${query}`, headers: { ...bearer('writer'), 'content-type': type }, payload: book });

const HEADER_ZH = ['指标', '地区', '时期', '数值', '同比', '状态'];
const TIANTAI = '331023';
const SANMEN = '331022';

/**
 * The 50,000-row workbook and its rows, made once for both stores (SheetJS
 * takes seconds to write it): the same bytes are posted to each.
 */
const BIG_REGIONS = ['331002', '331003', '331004', '331022', '331023', '331024', '331081', '331082', '331083'];
const BIG_INDICATORS = ['industrial_investment', 'manufacturing_investment', 'fixed_asset_investment', 'retail_sales', 'fiscal_revenue'];
let big: { rows: unknown[][]; book: Buffer } | null = null;
function bigWorkbook(): { rows: unknown[][]; book: Buffer } {
  if (big !== null) return big;
  const regions = BIG_REGIONS;
  const indicators = BIG_INDICATORS;
  const rows: unknown[][] = [['indicator', 'region', 'period', 'value', 'yoy', 'status']];
  for (let i = 0; rows.length <= 50_000; i++) {
    const month = i % 1112;
    const region = regions[Math.floor(i / 1112) % 9]!;
    rows.push([
      indicators[Math.floor(i / 1112 / 9) % 5],
      // Codes typed as numbers on every other row, periods as text and as date cells.
      i % 2 === 0 ? Number(region) : region,
      i % 3 === 0 ? new Date(Date.UTC(1900 + Math.floor(month / 12), month % 12, 15)) : `${1900 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`,
      Math.round((1000 + i * 1.37) * 100) / 100,
      i % 5 === 0 ? null : Math.round(i % 997) / 10,
      i % 7 === 0 ? 'p' : null,
    ]);
  }
  big = { rows, book: workbook({ name: 'big', rows }) };
  return big;
}

forEachStore(t, (t, store) => {
  const slice = async (app: App, period = '2022-06') =>
    (await app.store.slices('industrial_investment', [period], null)).map((o) => [o.region, o.value, o.yoy, o.status]).sort();

  t.test('Chinese headers, codes typed as numbers, numbers stored as text, a formula by its cached value, a date cell', async (t) => {
    const app = await buildTestApp(t, { store });
    const book = workbook({
      name: '工业投资',
      rows: [
        HEADER_ZH,
        ['industrial_investment', 331023, new Date(Date.UTC(2022, 5, 1)), 34.58, 122.4, 'p'],
        ['industrial_investment', 331022, '2022年6月', '27.85', '12.5%', null],
        ['industrial_investment', '331002', '2022/6', null, null, null],
      ],
      cells: { D4: { t: 'n', v: 62.43, f: 'D2+D3' }, E2: { t: 'n', v: 1.224, z: '0.0%' } },
    });
    const r = await postBook(app, book);
    t.equal(r.status, 200, JSON.stringify(r.body));
    t.same([r.body.accepted, r.body.created], [3, 3]);
    t.same(await slice(app), [
      ['331002', 62.43, null, null],
      [SANMEN, 27.85, 12.5, null],
      [TIANTAI, 34.58, 122.4, 'p'],
    ]);
  });

  t.test('two sheets: the first by default, ?sheet= for another, an unknown name is a 400 naming the sheets', async (t) => {
    const app = await buildTestApp(t, { store });
    const book = workbook(
      { name: '5月', rows: [HEADER_ZH.slice(0, 4), ['industrial_investment', TIANTAI, '2022-05', 30.1]] },
      { name: '6月', rows: [HEADER_ZH.slice(0, 4), ['industrial_investment', TIANTAI, '2022-06', 34.58]] },
    );
    let r = await postBook(app, book, `?sheet=${encodeURIComponent('6月')}`);
    t.same([r.status, r.body.created], [200, 1]);
    t.same(await slice(app, '2022-05'), [], 'only the sheet asked for');
    t.same(await slice(app), [[TIANTAI, 34.58, null, null]]);
    r = await postBook(app, book);
    t.same([r.status, r.body.created], [200, 1], 'the first sheet');
    t.same(await slice(app, '2022-05'), [[TIANTAI, 30.1, null, null]]);
    r = await postBook(app, book, '?sheet=7%E6%9C%88');
    t.same([r.status, r.body.error], [400, 'bad_request']);
    t.equal(r.body.message, 'the workbook has no sheet named "7月"; its sheets are "5月", "6月"');
    t.equal(r.body.details[0].field, 'sheet');
    r = await call(app, { method: 'POST', url: '/v1/observations?sheet=x', headers: bearer('writer'), payload: { observations: [] } });
    t.same([r.status, r.body.details[0].field], [400, 'sheet'], 'sheet is for workbooks only');
  });

  t.test('every bad row is reported with its sheet and Excel row, nothing stored; dry run and warnings as for CSV', async (t) => {
    const app = await buildTestApp(t, { store });
    const good = ['industrial_investment', TIANTAI, '2022-06', 34.58];
    const book = workbook({
      name: '数据',
      rows: [
        ['台州市工业性投资'],
        HEADER_ZH.slice(0, 4),
        good,
        ['industrial_investment', '999999', '2022-06', 1],
        [],
        ['industrial_investment', SANMEN, '2022-13', 1],
        ['industrial_investment', SANMEN, '2022-05', 'abc'],
      ],
    });
    let r = await postBook(app, book);
    t.same([r.status, r.body.error], [400, 'validation_failed']);
    t.same(
      r.body.details.map((d: any) => [d.sheet, d.row, d.field]),
      [
        ['数据', 4, 'region'],
        ['数据', 6, 'period'],
        ['数据', 7, 'value'],
      ],
      'rows as Excel numbers them: a title above the header, a blank row in between',
    );
    t.same(await slice(app), [], 'nothing stored');

    const header = await postBook(app, workbook({ name: 'S', rows: [['indicator', 'region', 'colour', 'value']] }));
    t.same(
      header.body.details.map((d: any) => [d.sheet, d.row, d.field]),
      [
        ['S', 1, 'colour'],
        ['S', 1, 'period'],
      ],
      'header faults are on row 1 of the sheet',
    );

    await postBook(app, workbook({ name: 'S', rows: [HEADER_ZH.slice(0, 4), ['industrial_investment', TIANTAI, '2021-06', 100], ['industrial_investment', TIANTAI, '2022-05', 130]] }));
    for (const query of ['?dryRun=true', '']) {
      r = await postBook(app, workbook({ name: '月报', rows: [HEADER_ZH.slice(0, 5), ['industrial_investment', TIANTAI, '2022-06', 120, 35]] }), query);
      t.equal(r.status, 200);
      t.same(
        r.body.warnings.map((w: any) => [w.sheet, w.row, w.field]),
        [
          ['月报', 2, 'value'],
          ['月报', 2, 'yoy'],
        ],
        `warnings name the sheet and Excel row ${query}`,
      );
      t.same(await slice(app), query === '' ? [[TIANTAI, 120, 35, null]] : [], query === '' ? 'stored' : 'a dry run stores nothing');
    }
  });

  t.test('__proto__ and constructor headers are unknown columns; nothing stored, nothing polluted', async (t) => {
    const app = await buildTestApp(t, { store });
    const r = await postBook(app, workbook({ name: 'S', rows: [['indicator', 'region', 'period', 'value', '__proto__', 'constructor'], ['industrial_investment', TIANTAI, '2022-06', 1, 'x', 'y']] }));
    t.same([r.status, r.body.error], [400, 'validation_failed']);
    t.same(
      r.body.details.map((d: any) => [d.sheet, d.row, d.field]),
      [
        ['S', 1, '__proto__'],
        ['S', 1, 'constructor'],
      ],
    );
    t.equal(({} as Record<string, unknown>).x, undefined);
    t.same(await slice(app), []);
  });

  t.test('legacy and foreign bodies: .xls is a 415 to save as .xlsx, other bytes a 400', async (t) => {
    const app = await buildTestApp(t, { store });
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);
    for (const type of [XLSX_TYPE, 'application/vnd.ms-excel']) {
      const r = await postBook(app, xls, '', type);
      t.same([r.status, r.body.error], [415, 'unsupported_media_type'], type);
      t.match(r.body.message, /save it as \.xlsx/);
    }
    const r = await postBook(app, Buffer.from('indicator,region,period,value\n'));
    t.same([r.status, r.body.error], [400, 'bad_request']);
  });

  t.test('round trip: a workbook posted, downloaded as .xlsx (GET /v1/observations), posted back unchanged, equal cell by cell', async (t) => {
    const app = await buildTestApp(t, { store });
    const posted = [
      ['industrial_investment', 331023, new Date(Date.UTC(2022, 5, 1)), 34.58, 122.4, 'p'],
      ['industrial_investment', 331022, '2022年6月', '27.85', null, null],
      ['industrial_investment', '331002', '2022/5', 1027.85, -3.5, 'r'],
    ];
    let r = await postBook(app, workbook({ name: '上报', rows: [HEADER_ZH, ...posted] }));
    t.same([r.status, r.body.created], [200, 3]);
    const download = await app.inject({ method: 'GET', url: '/v1/observations?indicator=industrial_investment&format=xlsx' });
    t.equal(download.statusCode, 200);
    t.match(download.headers['content-type'], /spreadsheetml/);
    const book = download.rawPayload;
    r = await postBook(app, book);
    t.same([r.status, r.body.accepted, r.body.created, r.body.revised, r.body.unchanged], [200, 3, 0, 0, 3], 'the download posts back unchanged (regionName, indicatorName skipped)');
    const first = XLSX.read(book);
    const cells = (XLSX.utils.sheet_to_json(first.Sheets[first.SheetNames[0]!]!, { header: 1, defval: null }) as unknown[][]).slice(1).map((row) => row.slice(0, 6));
    t.same(
      cells.sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      [
        ['industrial_investment', '331002', '2022-05', 1027.85, -3.5, 'r'],
        ['industrial_investment', '331022', '2022-06', 27.85, null, null],
        ['industrial_investment', '331023', '2022-06', 34.58, 122.4, 'p'],
      ],
      'the downloaded cells are the posted figures, as the import read them',
    );
  });

  t.test('50,000 rows round trip: workbook, store, /v1/series cell by cell', async (t) => {
    const app = await buildTestApp(t, { store });
    const regions = BIG_REGIONS;
    const indicators = BIG_INDICATORS;
    const { rows, book } = bigWorkbook();
    const r = await postBook(app, book);
    t.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    t.same([r.body.accepted, r.body.created], [50_000, 50_000]);

    const expected = new Map<string, unknown[]>();
    for (const [indicator, region, period, value, yoy, status] of rows.slice(1)) {
      const month = period instanceof Date ? `${period.getUTCFullYear()}-${String(period.getUTCMonth() + 1).padStart(2, '0')}` : period;
      expected.set(`${indicator}/${String(region)}/${month}`, [value, yoy, status]);
    }
    let compared = 0;
    const mismatches: unknown[] = [];
    for (const indicator of indicators) {
      for (const region of regions) {
        const s = await call(app, { method: 'GET', url: `/v1/series?indicator=${indicator}&region=${region}` });
        for (const p of s.body.points) {
          const key = `${indicator}/${region}/${p.period}`;
          const got = [p.value, p.yoySource === 'reported' ? p.yoy : null, p.status];
          if (JSON.stringify(got) !== JSON.stringify(expected.get(key))) mismatches.push([key, got, expected.get(key)]);
          compared++;
        }
      }
    }
    t.same(mismatches.slice(0, 5), [], 'value, reported growth and status equal cell by cell');
    t.equal(compared, 50_000, 'every row read back');
  });
});
