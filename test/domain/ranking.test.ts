import t from 'tap';
import { competitionRanks, rankWithChange } from '../../src/domain/ranking.ts';
import { isWeak } from '../../src/domain/scorecard.ts';
import { RANKING_CASES } from '../fixtures/ranking.ts';
import { indicator, lookupOf } from '../helpers/domain.ts';

t.test('ranking rules, table by table', async (t) => {
  for (const c of RANKING_CASES) {
    const ind = indicator({ direction: c.direction, decimals: c.decimals ?? 2, change: c.change ?? 'percent', rankBy: c.by });
    const result = rankWithChange(ind, c.period, c.previousPeriod ?? null, c.by, c.peers, (r) => lookupOf(c.figures[r] ?? {}));
    t.same(result.rows.map((r) => [r.region, r.rank]), c.rows.map(([region, rank]) => [region, rank]), `${c.why}: rows`);
    t.same(result.missing.map((m) => [m.region, m.reason]), c.missing, `${c.why}: missing`);
    for (const [region, , previous] of c.rows) {
      if (previous === undefined) continue;
      const row = result.rows.find((r) => r.region === region)!;
      t.equal(row.previousRank, previous, `${c.why}: previous rank of ${region}`);
      t.equal(row.rankChange, previous === null ? null : previous - row.rank, `${c.why}: change of ${region}`);
    }
  }
});

t.test('competition ranks: 1, 2, 2, 4 and all tied', async (t) => {
  const ranks = competitionRanks(
    [
      { region: 'a', key: 10 },
      { region: 'b', key: 7 },
      { region: 'c', key: 7 },
      { region: 'd', key: 1 },
    ],
    'higher',
  );
  t.same(ranks.map((r) => r.rank), [1, 2, 2, 4]);
  t.same(ranks.map((r) => r.entry.region), ['a', 'b', 'c', 'd']);
  const tied = competitionRanks([{ region: 'b', key: 3 }, { region: 'a', key: 3 }, { region: 'c', key: 3 }], 'lower');
  t.same(tied.map((r) => [r.entry.region, r.rank]), [['a', 1], ['b', 1], ['c', 1]]);
  t.same(competitionRanks([], 'higher'), []);
});

t.test('weak indicators: bottom third, rank above floor(2n/3)', async (t) => {
  const weakOfNine = [1, 2, 3, 4, 5, 6, 7, 8, 9].filter((rank) => isWeak(rank, 9));
  t.same(weakOfNine, [7, 8, 9], 'of nine, 7th to 9th');
  t.same([1, 2, 3].filter((rank) => isWeak(rank, 3)), [3], 'of three, the last');
  t.same([1, 2, 3, 4].filter((rank) => isWeak(rank, 4)), [3, 4], 'of four, floor(8/3) = 2');
  t.notOk(isWeak(1, 1), 'a region ranked alone is also first');
  t.ok(isWeak(2, 2), 'of two, the second');
});
