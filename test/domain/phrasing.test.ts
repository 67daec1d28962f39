import t from 'tap';
import { chineseNumber, ordinal, rankMove } from '../../src/domain/phrasing.ts';

t.test('Chinese numbers as ordinals are written', async (t) => {
  const table: Array<[number, string]> = [
    [1, '一'], [3, '三'], [9, '九'], [10, '十'], [11, '十一'], [19, '十九'], [20, '二十'], [21, '二十一'], [99, '九十九'],
    [100, '一百'], [101, '一百零一'], [110, '一百一十'], [111, '一百一十一'], [1000, '一千'], [1001, '一千零一'],
    [1010, '一千零一十'], [2850, '二千八百五十'], [3000, '三千'], [9999, '九千九百九十九'],
  ];
  for (const [n, text] of table) t.equal(chineseNumber(n), text, String(n));
  t.equal(chineseNumber(12345), '12345', 'beyond the table: digits');
});

t.test('ordinals, ties and moves as the seed writes them', async (t) => {
  t.equal(ordinal(1), '第一');
  t.equal(ordinal(4), '第四');
  t.equal(ordinal(11), '第十一');
  t.equal(ordinal(3, true), '并列第三');
  t.equal(rankMove(2), '前移2位');
  t.equal(rankMove(-1), '后退1位');
  t.equal(rankMove(0), '持平');
});
