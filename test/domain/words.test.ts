/**
 * The words module (src/domain/words/), every phrase function over the
 * fixture table of test/fixtures/words.ts: ordinals, ties, 并列最低, rank
 * moves and cells, growth, the average, scope words, period labels, status
 * words, movement, streaks, records, progress. A function with no row in the
 * table fails here: a new phrase comes with its examples.
 */
import t from 'tap';
import { rankingChart } from '../../charts/ranking.ts';
import { scorecardCells } from '../../charts/scorecard.ts';
import { SECTION_TITLES } from '../../src/domain/report.ts';
import * as apiDocs from '../../src/domain/words/api-docs.ts';
import * as charts from '../../src/domain/words/charts.ts';
import * as columns from '../../src/domain/words/columns.ts';
import * as corrections from '../../src/domain/words/corrections.ts';
import * as gaps from '../../src/domain/words/gaps.ts';
import * as growth from '../../src/domain/words/growth.ts';
import * as lists from '../../src/domain/words/lists.ts';
import * as periods from '../../src/domain/words/periods.ts';
import * as progress from '../../src/domain/words/progress.ts';
import * as ranks from '../../src/domain/words/ranks.ts';
import * as reportLayout from '../../src/domain/words/report-layout.ts';
import * as report from '../../src/domain/words/report.ts';
import * as scope from '../../src/domain/words/scope.ts';
import * as status from '../../src/domain/words/status.ts';
import * as trends from '../../src/domain/words/trends.ts';
import * as units from '../../src/domain/words/units.ts';
import { MONTH_TEXT_CASES, WORD_CASES, WORD_VALUES } from '../fixtures/words.ts';

/** Every file of the words module, by the name the fixture rows use. */
const MODULES: Record<string, Record<string, unknown>> = {
  'api-docs': apiDocs,
  charts,
  columns,
  corrections,
  gaps,
  growth,
  lists,
  periods,
  progress,
  ranks,
  'report-layout': reportLayout,
  report,
  scope,
  status,
  trends,
  units,
};

function named(name: string): unknown {
  const [file, member] = name.split('.') as [string, string];
  const module = MODULES[file];
  if (module === undefined) throw new Error(`no words file ${file}`);
  if (!Object.hasOwn(module, member)) throw new Error(`words/${file}.ts has no ${member}`);
  return module[member];
}

t.test('every phrase, input → text', async (t) => {
  for (const [name, args, text, source] of WORD_CASES) {
    const fn = named(name) as (...args: unknown[]) => unknown;
    t.equal(fn(...args), text, `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})${source ? `: ${source}` : ''}`);
  }
});

t.test('every phrase function has rows in the table', async (t) => {
  const covered = new Set(WORD_CASES.map(([name]) => named(name)));
  const missing: string[] = [];
  for (const [file, module] of Object.entries(MODULES)) {
    for (const [member, value] of Object.entries(module)) {
      if (typeof value === 'function' && !covered.has(value)) missing.push(`${file}.${member}`);
    }
  }
  t.same(missing, [], 'add examples to test/fixtures/words.ts');
});

t.test('the words kept as values', async (t) => {
  for (const [name, value] of WORD_VALUES) t.same(named(name), value, name);
  t.equal(SECTION_TITLES, reportLayout.SECTION_TITLES, 'domain/report.ts SECTION_TITLES is the words module\'s');
  for (const [text, month] of MONTH_TEXT_CASES) {
    const match = periods.MONTH_TEXT.exec(text);
    t.equal(match === null ? null : (match[2] ?? match[3] ?? match[4] ?? null), month, `MONTH_TEXT: ${text}`);
  }
  t.equal(columns.HEADER_ALIASES['同比增速'], 'yoy');
  t.equal(Object.hasOwn(columns.HEADER_ALIASES, 'toString'), false);
  t.same(columns.IGNORED_HEADERS, ['地区名称', '指标名称']);
  t.match(apiDocs.API_DOCS.reportDocx, /黑体\/仿宋_GB2312\/宋体$/, 'the Word fonts named as the document sets them');
});

t.test('one word per column wherever a rank is tabled', async (t) => {
  t.equal(charts.SCORECARD_COLUMNS[0], ranks.metricRankName('yoy'));
  t.equal(charts.SCORECARD_COLUMNS[1], ranks.metricRankName('value'));
  t.equal(reportLayout.TABLE_COLUMNS.rankYoy, ranks.metricRankName('yoy'));
  t.equal(reportLayout.TABLE_COLUMNS.rankValue, ranks.metricRankName('value'));
  t.equal(charts.WEAK_WORD, reportLayout.WEAK_MARK.slice(1, -1), '短板 in the scorecard and the table');
  t.equal(reportLayout.rankCell, ranks.rankCell, 'report-layout re-exports the one rankCell');
  t.equal(reportLayout.rankChangeCell, ranks.rankChangeCell);
});

t.test('a rank reads the same in a table cell, a scorecard cell and a ranking bar', async (t) => {
  const cells = scorecardCells([
    { indicator: 'a', name: '工业性投资', byYoy: { rank: 3, ranked: 9, tied: true }, byValue: { rank: 1, ranked: 8, tied: false }, rankChange: 2, weak: false },
    { indicator: 'b', name: '网络零售额', byYoy: { rank: null, ranked: 0, tied: false }, byValue: { rank: 9, ranked: 9, tied: false }, rankChange: -1, weak: true },
    { indicator: 'c', name: '城镇调查失业率', byYoy: { rank: 2, ranked: 9, tied: false }, byValue: { rank: 1, ranked: 9, tied: true }, rankChange: null, weak: false },
  ]);
  t.same(
    cells.map((c) => `${c.name} ${c.column} ${c.text}`),
    [
      '工业性投资 增速位次 并列3/9', '工业性投资 总量位次 1/8', '工业性投资 位次变化 ↑2', '工业性投资 短板 ',
      '网络零售额 增速位次 —', '网络零售额 总量位次 9/9', '网络零售额 位次变化 ↓1', '网络零售额 短板 短板',
      '城镇调查失业率 增速位次 2/9', '城镇调查失业率 总量位次 并列1/9', '城镇调查失业率 位次变化 —', '城镇调查失业率 短板 ',
    ],
  );
  t.equal(cells[0]!.text, ranks.rankCell(3, 9, true));
  t.equal(cells[2]!.text, ranks.rankChangeCell(2));

  const spec = rankingChart({
    title: '排名',
    subtitle: [],
    axisTitle: '%',
    bars: [
      { region: 'a', name: '椒江区', rank: 1, tied: true, metric: 5, text: '5.0%' },
      { region: 'b', name: '黄岩区', rank: 1, tied: true, metric: 5, text: '5.0%' },
      { region: 'c', name: '天台县', rank: 3, tied: false, metric: 4, text: '4.0%' },
    ],
    ranked: 9,
    highlight: 'c',
    notes: [],
  }) as unknown as { data: { values: Array<{ label: string; rankText: string }> } };
  t.same(spec.data.values.map((v) => v.label), ['并列1/9  椒江区', '并列1/9  黄岩区', '3/9  天台县'], 'bars labelled by their rank cell');
  t.same(spec.data.values.map((v) => v.rankText), [ranks.rankCell(1, 9, true), ranks.rankCell(1, 9, true), ranks.rankCell(3, 9, false)], 'the tooltip says the same');
});
