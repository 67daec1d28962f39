/**
 * A SYNTHETIC demo dataset for the default catalog's nine counties,
 * 2021-01 to 2023-12, so a newcomer sees real rankings at once. Every figure
 * is made up (posted by "synthetic-demo") except Tiantai's four 1-6月 2022
 * figures quoted by the seed report, which the data is shaped to reproduce:
 * 工业性投资 +122.4% 全市第一, 制造业投资 +44.9% 全市第三,
 * 数字经济核心产业增加值 2.27亿元 +17.3% 全市第四, 网络零售额 121.43亿元 全市第一.
 * Taizhou (331000) posts its own totals of the indicators that add up.
 */
import { round } from '../domain/rounding.ts';
import type { Observation, Status } from '../domain/types.ts';
import { DEFAULT_INDICATORS, DEFAULT_REGIONS, TAIZHOU, TIANTAI } from './default-catalog.ts';

export const DEMO_BY = 'synthetic-demo';
export const DEMO_YEARS = [2021, 2022, 2023] as const;
const ANCHOR_YEAR = 2022;
const ANCHOR_MONTH = 6;

/** Deterministic: the same demo every start, so reloading it changes nothing. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNTIES = DEFAULT_REGIONS.filter((r) => r.parent === TAIZHOU).map((r) => r.code);

/** 1-6月 2022 growth of every county, in county code order; Tiantai's from the seed. */
const ANCHOR_GROWTH: Record<string, number[]> = {
  industrial_investment: [35.2, 18.6, 57.3, 80.1, 122.4, 12.9, 41.7, -6.4, 26.8],
  manufacturing_investment: [61.2, 30.1, 18.4, 9.6, 44.9, 52.7, -3.2, 25.5, 12.0],
  digital_core_value_added: [25.4, 12.2, 21.9, 8.7, 17.3, 15.1, 19.6, -2.4, 10.3],
};
/** 1-6月 2022 values; Tiantai's from the seed. */
const ANCHOR_VALUE: Record<string, Array<number | null>> = {
  online_retail_sales: [98.6, 76.2, 88.9, 35.7, 121.43, 41.2, 115.8, 104.3, 57.9],
  digital_core_value_added: [null, null, null, null, 2.27, null, null, null, null],
};
/** Indicators whose bureau publishes growth on a comparable basis (可比口径). */
const REPORTS_GROWTH = new Set(['industrial_investment', 'manufacturing_investment', 'fixed_asset_investment', 'digital_core_value_added']);

/** Typical monthly flow of a county, 亿元 or 万平方米, and of a rate level, %. */
const SCALE: Record<string, [min: number, max: number]> = {
  industrial_investment: [2, 9],
  manufacturing_investment: [1.5, 7],
  fixed_asset_investment: [10, 40],
  digital_core_value_added: [0.2, 1.5],
  online_retail_sales: [5, 20],
  industrial_value_added: [10, 45],
  housing_sales_area: [3, 15],
  retail_sales: [12, 40],
  fiscal_revenue: [2, 9],
  energy_intensity: [0.25, 0.6],
  unemployment_rate: [3.8, 5.6],
  job_retention_refund_rate: [85, 100],
  graduate_internship_rate: [80, 100],
};

// Spring Festival slows January and February; December closes the year.
const SEASON = [0.7, 0.6, 1.0, 1.0, 1.05, 1.1, 0.95, 0.95, 1.0, 1.05, 1.1, 1.4];

function period(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** Monthly flows by year of one county and indicator. */
function flows(random: () => number, scale: number): number[][] {
  let level = scale;
  return DEMO_YEARS.map(() => {
    level *= 0.95 + random() * 0.3;
    return SEASON.map((s) => level * s * (0.9 + random() * 0.2));
  });
}

const sum = (xs: number[], n: number) => xs.slice(0, n).reduce((a, b) => a + b, 0);

function ytdSeries(code: string, county: number, random: () => number): Observation[] {
  const indicator = DEFAULT_INDICATORS.find((i) => i.code === code)!;
  const [min, max] = SCALE[code]!;
  const f = flows(random, min + random() * (max - min));
  const a = DEMO_YEARS.indexOf(ANCHOR_YEAR);
  const growth = ANCHOR_GROWTH[code]?.[county];
  if (growth !== undefined) {
    const factor = ((1 + growth / 100) * sum(f[a - 1]!, ANCHOR_MONTH)) / sum(f[a]!, ANCHOR_MONTH);
    for (let m = 0; m < ANCHOR_MONTH; m++) f[a]![m]! *= factor;
  }
  const value = ANCHOR_VALUE[code]?.[county];
  if (value !== undefined && value !== null) {
    const factor = value / sum(f[a]!, ANCHOR_MONTH);
    for (const year of f) for (let m = 0; m < 12; m++) year[m]! *= factor;
  }
  const out: Observation[] = [];
  DEMO_YEARS.forEach((year, y) => {
    // 1-2月 is published as one figure: the first of the year is February's.
    for (let month = 2; month <= 12; month++) {
      const ytd = round(sum(f[y]!, month), indicator.decimals ?? 2);
      let yoy: number | null = null;
      if (REPORTS_GROWTH.has(code) && y > 0) {
        const computed = (sum(f[y]!, month) / sum(f[y - 1]!, month) - 1) * 100;
        const anchored = year === ANCHOR_YEAR && month === ANCHOR_MONTH ? growth : undefined;
        yoy = anchored ?? round(computed + (random() - 0.5) * 2, 1);
      }
      out.push({ indicator: code, region: COUNTIES[county]!, period: period(year, month), value: ytd, yoy, status: null });
    }
  });
  return out;
}

function levelSeries(code: string, county: number, random: () => number): Observation[] {
  const [min, max] = SCALE[code]!;
  const center = min + random() * (max - min);
  const out: Observation[] = [];
  for (const year of DEMO_YEARS) {
    for (let month = 1; month <= 12; month++) {
      // Completion rates build up through the year; unemployment wanders about its level.
      const level = code === 'unemployment_rate' ? center + (random() - 0.5) * 0.6 : Math.min(100, (center * month) / 12 + random() * 4);
      out.push({ indicator: code, region: COUNTIES[county]!, period: period(year, month), value: round(level, 1), yoy: null, status: null });
    }
  }
  return out;
}

/** The city's growth from its own totals, as its bureau publishes it for the indicators that publish growth; else none. */
function cityGrowth(code: string, value: number, lastYear: number | undefined): number | null {
  return REPORTS_GROWTH.has(code) && lastYear !== undefined && lastYear > 0 ? round((value / lastYear - 1) * 100, 1) : null;
}

/**
 * Taizhou's own figures of the indicators that add up (aggregation sum):
 * exactly the sum of its nine counties in every month, so rankings and
 * reports quote the city's growth as the average (高于全市平均…). The city
 * posts no figure of an indicator that does not add up (the energy
 * intensity, the rates): the demo has no weights to make one from, and for
 * those the average is none.
 */
function cityTotals(counties: readonly Observation[]): Observation[] {
  const totals = new Map<string, { indicator: string; period: string; value: number }>();
  for (const o of counties) {
    const key = `${o.indicator}|${o.period}`;
    const total = totals.get(key) ?? { indicator: o.indicator, period: o.period, value: 0 };
    total.value += o.value;
    totals.set(key, total);
  }
  const out: Observation[] = [];
  for (const indicator of DEFAULT_INDICATORS) {
    if (indicator.aggregation !== 'sum') continue;
    const value = (p: string) => {
      const total = totals.get(`${indicator.code}|${p}`);
      return total === undefined ? undefined : round(total.value, indicator.decimals ?? 2);
    };
    for (const total of totals.values()) {
      if (total.indicator !== indicator.code) continue;
      const v = value(total.period)!;
      const lastYear = value(`${Number(total.period.slice(0, 4)) - 1}${total.period.slice(4)}`);
      out.push({ indicator: indicator.code, region: TAIZHOU, period: total.period, value: v, yoy: cityGrowth(indicator.code, v, lastYear), status: null });
    }
  }
  return out;
}

/** The demo figures, the last month marked provisional (p) as bureaus first publish it. */
export function demoObservations(): Observation[] {
  const random = mulberry32(20220801);
  const out: Observation[] = [];
  for (const indicator of DEFAULT_INDICATORS) {
    COUNTIES.forEach((_, county) => {
      out.push(...(indicator.basis === 'level' ? levelSeries(indicator.code, county, random) : ytdSeries(indicator.code, county, random)));
    });
  }
  out.push(...cityTotals(out));
  const last = period(DEMO_YEARS[DEMO_YEARS.length - 1]!, 12);
  return out.map((o) => (o.period === last ? { ...o, status: 'p' as Status } : o));
}

/**
 * A later revision of one demo figure, so the history endpoint has something
 * to show, and of the city's total with it: the city stays the sum of its counties.
 */
export function demoRevision(observations: readonly Observation[]): Observation[] {
  const find = (region: string, p: string) => observations.find((o) => o.indicator === 'industrial_investment' && o.region === region && o.period === p);
  const target = find(TIANTAI, '2023-11');
  if (target === undefined) return [];
  const revised: Observation = { ...target, value: round(target.value * 1.012, 2), status: 'r' };
  const city = find(TAIZHOU, '2023-11');
  if (city === undefined) return [revised];
  const value = round(city.value + revised.value - target.value, 2);
  return [revised, { ...city, value, yoy: cityGrowth(city.indicator, value, find(TAIZHOU, '2022-11')?.value), status: 'r' }];
}
