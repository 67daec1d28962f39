/**
 * Names end up inside SVG, PNG (resvg parses the SVG as XML) and Word
 * (XML in a zip). XML 1.0 cannot carry every string: U+FFFE, U+FFFF, lone
 * surrogates and C0 controls are not XML characters, and Unicode
 * noncharacters have no business in a name. Such names are refused at
 * input with a 400 naming the field; every name the rule accepts, however
 * hostile to markup, draws in every format.
 */
import { unzipSync } from 'fflate';
import t from 'tap';
import { SEED_FIGURES } from '../fixtures/seed-report.ts';
import { bearer, buildTestApp, call, forEachStore, post } from '../helpers/app.ts';
import { decodePng } from '../helpers/png.ts';
import { xmlFault } from '../helpers/xml.ts';

type App = Awaited<ReturnType<typeof buildTestApp>>;

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const TIANTAI = '331023';


t.test('the test parser knows well-formed XML from the rest', async (t) => {
  t.equal(xmlFault('<?xml version="1.0"?><svg a="x &amp; &#60;"><text>a &lt; b</text><g/><![CDATA[<&]]><!-- c --></svg>'), null);
  for (const bad of ['<svg>\uFFFF</svg>', '<svg>\uD800</svg>', '<svg>a & b</svg>', '<svg>a < b</svg>', '<svg>]]></svg>', '<svg a="<"/>', '<svg><g></svg>', '<svg/><svg/>', '<svg a="1" a="2"/>', '<svg>\u0001</svg>']) {
    t.not(xmlFault(bad), null, JSON.stringify(bad));
  }
});

/** Names hostile to markup that XML can still carry: each must be stored and drawn as it is. */
const WORST = {
  region: '<天台&县> ]]> "甲" \'乙\' <!-- --> &amp; 🇨🇳👩‍👩‍👧 𠀀𪚥',
  peer: '<![CDATA[三门]]> </text></svg> &#xFFFF; \u202E乙丙\u202C \u200D 󠁧',
  indicator: '工业<投资> & "增速" ]]> 🏭 𫝆',
  unit: '亿元</tspan>&',
  group: '<g>&组</g> ]]> 🌏',
  level: 'prefecture',
};

/** Characters XML 1.0 cannot carry, or that Unicode sets aside as noncharacters. */
const REFUSED: Array<[string, string]> = [
  ['U+FFFF', '天台\uFFFF县'],
  ['U+FFFE', '\uFFFE天台'],
  ['U+FDD0', '天\uFDD0台'],
  ['U+FDEF', '天台\uFDEF'],
  ['U+1FFFE', '天台\u{1FFFE}'],
  ['U+10FFFF', '天台\u{10FFFF}'],
  ['a lone high surrogate', '天台\uD800'],
  ['a lone low surrogate', '\uDC00天台'],
  ['U+0001', '天\u0001台'],
  ['U+001F', '天台\u001F'],
];

forEachStore(t, (t, store) => {
  const put = (app: App, path: string, payload: unknown) => call(app, { method: 'PUT', url: `/v1/${path}`, headers: bearer('admin'), payload: payload as object });

  t.test('a name XML cannot carry is a 400 naming the field, in every free-text field', async (t) => {
    const app = await buildTestApp(t, { store });
    const before = (await call(app, { method: 'GET', url: '/v1/regions' })).body;
    for (const [what, bad] of REFUSED) {
      const cases: Array<[string, unknown, string]> = [
        ['regions', { regions: [{ code: TIANTAI, name: bad, parent: '331000' }] }, 'name'],
        ['regions', { regions: [{ code: TIANTAI, name: '天台县', parent: '331000', level: `county${bad}` }] }, 'level'],
        ['groups', { groups: [{ code: 'g1', name: bad, members: [TIANTAI] }] }, 'name'],
        ['indicators', { indicators: [{ code: 'i1', name: bad, unit: '亿元', basis: 'ytd', direction: 'higher' }] }, 'name'],
        ['indicators', { indicators: [{ code: 'i1', name: '投资', unit: `亿${bad}`, basis: 'ytd', direction: 'higher' }] }, 'unit'],
      ];
      for (const [path, body, field] of cases) {
        const r = await put(app, path, body);
        t.equal(r.status, 400, `${path} ${field} with ${what}`);
        t.same(r.body.details?.map((d: { row?: number; field: string }) => [d.row, d.field]), [[1, field]], `${path} ${field} with ${what}: row 1, ${field}`);
      }
    }
    // The same refusal when the JSON text spells the surrogate as an escape.
    const escaped = '{"regions":[{"code":"331023","name":"天台\\ud800县","parent":"331000"}]}';
    const r = await call(app, { method: 'PUT', url: '/v1/regions', headers: { ...bearer('admin'), 'content-type': 'application/json' }, payload: escaped });
    t.equal(r.status, 400, 'a \\ud800 escape');
    t.same(r.body.details?.map((d: { row?: number; field: string }) => [d.row, d.field]), [[1, 'name']]);
    t.same((await call(app, { method: 'GET', url: '/v1/regions' })).body, before, 'nothing stored');
  });

  t.test('the worst names the rule accepts: every chart format and the reports answer, the SVG and Word XML are well-formed', async (t) => {
    const app = await buildTestApp(t, { store });
    t.equal((await put(app, 'regions', { regions: [{ code: TIANTAI, name: WORST.region, parent: '331000', level: WORST.level }, { code: '331022', name: WORST.peer, parent: '331000' }] })).status, 200);
    t.equal((await put(app, 'groups', { groups: [{ code: 'worst', name: WORST.group, members: [TIANTAI, '331022', '331002'] }] })).status, 200);
    const indicator = { code: 'industrial_investment', name: WORST.indicator, unit: WORST.unit, basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy' };
    t.equal((await put(app, 'indicators', { indicators: [indicator] })).status, 200);
    t.equal((await post(app, SEED_FIGURES)).status, 200);
    t.equal((await put(app, 'targets', { targets: [{ indicator: 'industrial_investment', region: TIANTAI, year: 2022, kind: 'value', value: 50 }] })).status, 200);
    const regions = (await call(app, { method: 'GET', url: '/v1/regions' })).body.regions;
    t.equal(regions.find((r: { code: string }) => r.code === TIANTAI).name, WORST.region, 'stored as sent');

    const charts = [
      `ranking?indicator=industrial_investment&period=2022-06&parent=331000&highlight=${TIANTAI}`,
      `ranking?indicator=industrial_investment&period=2022-06&group=worst&by=value`,
      `ranking?indicator=industrial_investment&period=2022-06&parent=331000&by=completion`,
      `trend?indicator=industrial_investment&region=${TIANTAI}&from=2022-05&to=2022-06`,
      `rank-history?indicator=industrial_investment&parent=331000&from=2022-05&to=2022-06&highlight=${TIANTAI}`,
      `scorecard?region=${TIANTAI}&period=2022-06`,
      `progress?indicator=industrial_investment&period=2022-06&parent=331000&highlight=${TIANTAI}`,
    ];
    for (const chart of charts) {
      const url = `/v1/charts/${chart}`;
      const spec = await call(app, { method: 'GET', url });
      t.equal(spec.status, 200, `${url} spec`);
      t.ok(JSON.stringify(spec.body).includes(JSON.stringify(WORST.region).slice(1, -1)), `${url} carries the name as it is`);
      const svg = await call(app, { method: 'GET', url: `${url}&format=svg` });
      t.equal(svg.status, 200, `${url} svg`);
      t.equal(xmlFault(svg.response.body), null, `${url}: the SVG is well-formed XML`);
      // Rasterising is the same whatever the store: once is enough.
      if (store !== 'sqlite') continue;
      const png = await call(app, { method: 'GET', url: `${url}&format=png` });
      t.equal(png.status, 200, `${url} png`);
      t.ok(decodePng(png.response.rawPayload).width > 0, `${url}: a PNG`);
    }

    const run = await call(app, { method: 'POST', url: '/v1/reports/run', headers: bearer('admin'), payload: { period: '2022-06', regions: [TIANTAI] } });
    t.equal(run.status, 200);
    t.same(run.body.failures, []);
    const docx = await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.docx` });
    t.equal(docx.status, 200, 'the Word report');
    t.equal(docx.response.headers['content-type'], DOCX_TYPE);
    const files = unzipSync(docx.response.rawPayload);
    const xmlParts = Object.keys(files).filter((f) => f.endsWith('.xml') || f.endsWith('.rels'));
    t.ok(xmlParts.includes('word/document.xml'));
    for (const part of xmlParts) t.equal(xmlFault(Buffer.from(files[part]!).toString('utf8')), null, `${part} is well-formed XML`);
    const document = Buffer.from(files['word/document.xml']!).toString('utf8');
    t.ok(document.includes('&lt;天台&amp;县&gt;') || document.includes('&#60;天台&#38;县&#62;'), 'the region name, escaped, in the text');
    for (const image of Object.keys(files).filter((f) => f.endsWith('.png'))) t.ok(decodePng(Buffer.from(files[image]!)).width > 0, `${image} is a PNG`);
    const html = await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.html` });
    t.equal(html.status, 200, 'the HTML report');
    t.notOk(html.response.body.includes(WORST.region), 'the name is escaped in HTML');
    for (const svg of html.response.body.match(/<svg[\s\S]*?<\/svg>/g) ?? []) t.equal(xmlFault(svg), null, 'an inline SVG is well-formed');
    t.equal((await call(app, { method: 'GET', url: `/v1/reports/${TIANTAI}/2022-06.md` })).status, 200, 'the Markdown report');
  });
});
