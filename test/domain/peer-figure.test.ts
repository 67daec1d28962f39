/** A ranked peer as reports print it and ranking charts draw it: one builder for both. */
import t from 'tap';
import { peerFigure, tiedRanks } from '../../src/domain/report.ts';
import { indicator } from '../helpers/domain.ts';

t.test('ranks held by more than one peer', async (t) => {
  t.same([...tiedRanks([1, 2, 2, 4, 5, 5, 5])].sort(), [2, 5]);
  t.same([...tiedRanks([1, 2, 3])], [], 'no ties');
  t.same([...tiedRanks([])], []);
});

t.test('the ranked figure at published precision, and as printed', async (t) => {
  const inv = indicator({ decimals: 2 });
  const tied = tiedRanks([1, 2, 2]);
  const peer = { region: '331023', name: '天台县', rank: 1, value: 121.4349, yoy: 122.44 };
  t.same(peerFigure(inv, 'yoy', peer, tied), { region: '331023', name: '天台县', rank: 1, tied: false, metric: 122.4, text: '122.4%' });
  t.same(peerFigure(inv, 'value', { ...peer, rank: 2 }, tied), { region: '331023', name: '天台县', rank: 2, tied: true, metric: 121.43, text: '121.43亿元' });
  t.equal(peerFigure(inv, 'yoy', { ...peer, yoy: -3.25 }, tied).text, '-3.3%', 'negative growth, rounded half away from zero');
});
