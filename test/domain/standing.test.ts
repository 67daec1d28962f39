/** Which rank counts, how a standing reads, and the scope a parent's level gives (standing.ts, level.ts, report.ts). */
import t from 'tap';
import { parentScope } from '../../src/domain/level.ts';
import { indicatorFacts, isDataGap, sectionsOf } from '../../src/domain/report.ts';
import { isLeading, leadingRank, mainStanding, placement, weakOn } from '../../src/domain/standing.ts';
import { SCOPE_CASES, SENTENCE_CASES } from '../fixtures/phrasing.ts';
import { PLACEMENT_CASES } from '../fixtures/placement.ts';
import { indicator } from '../helpers/domain.ts';

t.test('the scope word from a level label, its synonyms, or a GB/T 2260 code', async (t) => {
  for (const [code, level, word] of SCOPE_CASES) t.equal(parentScope({ code, name: '台州', level }), word, `${code} ${level ?? '(no level)'} → ${word}`);
});

t.test('main standing, weak, leading: one rule', async (t) => {
  const s = { byValue: { rank: 11, ranked: 11 }, byYoy: { rank: 2, ranked: 11 } };
  t.equal(mainStanding({ rankBy: 'value' }, s), s.byValue);
  t.equal(mainStanding({ rankBy: 'yoy' }, s), s.byYoy);
  t.ok(weakOn({ rankBy: 'value' }, s), 'weak on the default metric');
  t.notOk(weakOn({ rankBy: 'yoy' }, s));
  t.same(leadingRank({ rankBy: 'value' }, s), { by: 'yoy', rank: 2 }, 'leading on the other metric');
  t.same(leadingRank({ rankBy: 'yoy' }, { byValue: { rank: 1, ranked: 9 }, byYoy: { rank: 1, ranked: 9 } }), { by: 'yoy', rank: 1 }, 'the default metric first on a tie');
  t.notOk(isLeading({ rank: 3, ranked: 4 }), 'third of four is also bottom third: not leading');
  t.equal(leadingRank({ rankBy: 'yoy' }, { byValue: { rank: null, ranked: 0 }, byYoy: { rank: 4, ranked: 9 } }), null);
});

t.test('one place among 领先指标 / 短板指标, case by case', async (t) => {
  for (const c of PLACEMENT_CASES) {
    const s = (rank: number | null, ranked: number) => ({ rank, ranked });
    const place = placement({ rankBy: c.rankBy }, { byValue: s(...c.byValue), byYoy: s(...c.byYoy) });
    t.same(place === null ? { section: null, by: null, rank: null } : place, { section: c.section, by: c.by, rank: c.rank }, c.why);
  }
});

t.test('sentences and sections, case by case', async (t) => {
  for (const c of SENTENCE_CASES) {
    const ind = indicator({ name: '全体居民人均可支配收入', unit: c.unit, basis: c.basis, direction: c.direction, rankBy: c.rankBy, decimals: c.decimals, reportValue: c.reportValue, change: c.unit === '%' ? 'points' : 'percent' });
    const standing = ([rank, ranked]: [number | null, number]) => ({ rank, ranked, previousRank: null, rankChange: null, reason: rank === null ? ('no-figure' as const) : null });
    const byValue = standing(c.byValue);
    const byYoy = standing(c.byYoy);
    const f = indicatorFacts(
      {
        indicator: ind,
        period: '2020-09',
        growth: { figure: { value: c.value, yoy: c.yoy, status: null }, base: null, combined: false, yoy: c.yoy, yoySource: c.yoy === null ? null : 'reported', yoyComputed: null, yoyUnits: null, reason: c.yoy === null ? 'no-base' : null, signChange: null },
        byValue,
        byYoy,
        previousPeriod: null,
        tiedByValue: false,
        tiedByYoy: false,
        peers: [],
        rankedPeers: 0,
        missingPeers: [],
        missingPeersTotal: 0,
        peersReporting: 8,
        hadBefore: true,
      },
      '全省',
    );
    t.equal(f.sentence, c.sentence, `${c.why}: the sentence`);
    const sections = sectionsOf([f], []);
    t.equal(sections.headlines.includes(f.sentence), c.leading, `${c.why}: ${c.leading ? '' : 'not '}leading`);
    t.equal(sections.weak.some((w) => w.startsWith(f.sentence)), c.weak, `${c.why}: ${c.weak ? '' : 'not '}weak`);
    t.notOk(c.leading && c.weak, `${c.why}: never both`);
    t.equal(f.weak, c.weak, `${c.why}: the facts say weak as the sections do`);
  }
});

t.test('a data gap: a figure peers have, or the region had before', async (t) => {
  t.ok(isDataGap(false, 3, false), 'peers have one this month');
  t.ok(isDataGap(false, 0, true), 'the region had one before');
  t.notOk(isDataGap(false, 0, false), 'an indicator nobody reports is not a gap');
  t.notOk(isDataGap(true, 0, false), 'a figure is no gap');
});
