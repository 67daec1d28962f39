/**
 * Ranks in words (DOMAIN.md, Ranking; How the report reads). One function
 * per form, the same wherever a rank is written:
 * - in a sentence: 第一, 第十一, a tie 并列第三, a lower-is-better level's
 *   first place 最低 / 并列最低 (`ordinal`, `placeText`, `rankText`); a move
 *   前移2位 / 后退1位 / 持平 (`rankMove`);
 * - in a table cell or a chart label: 3/9, a tie 并列3/9, no rank — (`rankCell`);
 *   a move ↑2 / ↓1 / 持平, none — (`rankChangeCell`).
 * Report tables, the scorecard chart, ranking bars and the rank-history
 * tooltips all use the cell forms, so a rank reads alike in each.
 */
import type { Indicator, RankMetric } from '../types.ts';
import { bareScope } from './scope.ts';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千'];

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五, 3000 → 三千; up to 9999, beyond that Arabic digits. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) return String(n);
  if (n === 0) return DIGITS[0]!;
  const digits = String(n).split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    const unit = UNITS[digits.length - 1 - i]!;
    if (d === 0) {
      zero = true;
      return;
    }
    if (zero && out !== '') out += DIGITS[0];
    zero = false;
    out += DIGITS[d]! + unit;
  });
  // 十一, not 一十一, when the number starts in the tens.
  return n >= 10 && n < 20 ? out.slice(1) : out;
}

/** The word a shared rank starts with, in sentences and cells alike. */
export const TIE_WORD = '并列';

const tie = (tied: boolean) => (tied ? TIE_WORD : '');

/** 第一, 第十一; a tie reads 并列第三. */
export function ordinal(rank: number, tied = false): string {
  return `${tie(tied)}第${chineseNumber(rank)}`;
}

/** The first place of a lower-is-better level: 最低, a tie 并列最低. */
export function lowestPlace(tied = false): string {
  return `${tie(tied)}最低`;
}

/** A place in a sentence: 第三 / 并列第三, or 最低 / 并列最低 for the first of a lower-is-better level (`lowest`). */
export function placeText(rank: number, tied: boolean, lowest = false): string {
  return lowest && rank === 1 ? lowestPlace(tied) : ordinal(rank, tied);
}

/** previousRank - rank as words: 前移2位, 后退1位, 持平. */
export function rankMove(change: number): string {
  if (change > 0) return `前移${change}位`;
  if (change < 0) return `后退${-change}位`;
  return '持平';
}

/** A cell with nothing to show: no rank, no figure. */
export const EMPTY_CELL = '—';

/** A rank in a table cell or a chart label, of how many ranked: 3/9, a tie 并列3/9, no rank —. */
export function rankCell(rank: number | null, ranked: number, tied: boolean): string {
  return rank === null ? EMPTY_CELL : `${tie(tied)}${rank}/${ranked}`;
}

/** A rank change in a table cell or a chart: ↑2 (moved up 2), ↓1, 持平, none —. */
export function rankChangeCell(change: number | null): string {
  if (change === null) return EMPTY_CELL;
  return change > 0 ? `↑${change}` : change < 0 ? `↓${-change}` : '持平';
}

/** 增速 or 总量 ranking, as reports and chart titles name them: 同比增速, 同比变化 (a rate's change), 总量; a rate's level has no word. */
export function metricName(indicator: Pick<Indicator, 'unit' | 'change'>, by: RankMetric): string {
  if (by === 'value') return indicator.unit === '%' ? '' : '总量';
  return indicator.change === 'points' ? '同比变化' : '同比增速';
}

/** 增速位次, 总量位次 or 完成率位次: the metric ranked, as chart subtitles and table columns name it. */
export function metricRankName(by: RankMetric | 'completion'): string {
  return by === 'yoy' ? '增速位次' : by === 'value' ? '总量位次' : '完成率位次';
}

type Phrased = Pick<Indicator, 'unit' | 'direction' | 'change'>;

/** A lower-is-better figure that fell: its growth rank is a rank of falls (降幅). */
const fell = (indicator: Phrased, yoy: number | null) => indicator.direction === 'lower' && yoy !== null && yoy < 0;

/**
 * The word naming a metric when a line quotes both ranks (总量全省第十一、
 * 增速全省第二): 总量 for sizes, 水平 for rates and lower-is-better levels,
 * 增速 for growth, 变化 for a rate's change in points, 降幅 for a
 * lower-is-better fall.
 */
export function rankMetricWord(indicator: Phrased, by: RankMetric, yoy: number | null): string {
  if (by === 'value') return indicator.unit.trim() === '%' || indicator.direction === 'lower' ? '水平' : '总量';
  if (fell(indicator, yoy)) return '降幅';
  return indicator.change === 'points' ? '变化' : '增速';
}

/** Not ranked in the scope: 未参与全市排名 (a group's 中 dropped). */
export function notRankedText(scope: string): string {
  return `未参与${bareScope(scope)}排名`;
}

/** A growth line's rank when the region has no growth figure. */
export const NOT_RANKED_BY_GROWTH = '未参与增速排名';

/**
 * 全市第一, 全市并列第三. Lower-is-better ranks read by how good they are,
 * as reports write them: the smallest level is 全市最低, a fall is ranked
 * as a fall (降幅全市第二), any other place is 全市第七 (never 第七低).
 * `named` puts the metric's word first, for a line quoting both ranks.
 */
export function rankText(indicator: Phrased, by: RankMetric, fact: { rank: number | null; tied: boolean }, scope: string, yoy: number | null = null, named = false): string {
  if (fact.rank === null) return notRankedText(scope);
  const word = named || fell(indicator, yoy) ? rankMetricWord(indicator, by, yoy) : '';
  return `${word}${scope}${placeText(fact.rank, fact.tied, indicator.direction === 'lower' && by === 'value')}`;
}
