/** The vocabulary of the domain core: plain data, no I/O. */
import type { Basis, Period } from './period.ts';

export type { Basis, Period };
export type Direction = 'higher' | 'lower';
export type ChangeKind = 'percent' | 'points';
export type RankMetric = 'yoy' | 'value';
/** SDMX/Eurostat observation status: provisional, estimated, revised, break in series. */
export type Status = 'p' | 'e' | 'r' | 'b';
export const STATUSES: readonly Status[] = ['p', 'e', 'r', 'b'];
/**
 * What a code looks like (API.md, Conventions): a region's, an indicator's,
 * a group's or a token holder's, 1 to 64 letters, digits, `_`, `.` or `-`,
 * starting with a letter or digit.
 */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A report template's name (API.md, Report templates): a file-name-safe word, as staff type it. */
export const TEMPLATE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** The report template shipped with the service, which REPORT_TEMPLATE names unless set. */
export const DEFAULT_TEMPLATE = 'default';

export interface Region {
  code: string;
  name: string;
  parent: string | null;
  level: string | null;
  /** Earlier codes of the same territory (玉环县 331021 → 玉环市 331083): figures and reads under them mean this region. */
  formerCodes?: string[];
  /** First and last months (inclusive) the region exists as a peer; absent: always. */
  validFrom?: Period;
  validTo?: Period;
}

export interface Group {
  code: string;
  name: string;
  members: string[];
}

export interface Indicator {
  code: string;
  name: string;
  unit: string;
  basis: Basis;
  direction: Direction;
  /** Published precision of the value. */
  decimals: number;
  rankBy: RankMetric;
  change: ChangeKind;
  /**
   * Reports quote the figure beside its growth (数字经济核心产业增加值2.27亿元,
   * 同比增长17.3%) or the growth alone (工业性投资同比增速122.4%).
   */
  reportValue: boolean;
  /**
   * Whether a month becomes public only once someone other than its poster
   * has approved it (API.md "Review and sign-off"; DOMAIN.md "Review before release").
   */
  review: boolean;
  /**
   * When review was last turned on (ms), or null while it is off: versions
   * received before it were public on receipt and stay so.
   */
  reviewSince: number | null;
  /**
   * Whether a parent's figure is the sum of its children's: only `sum`
   * indicators get the totals check and an aggregate average (各地合计推算).
   */
  aggregation: Aggregation;
}

export type Aggregation = 'sum' | 'none';

/** Year-on-year change is published to one decimal (增速 to 0.1, 百分点 to 0.1). */
export const YOY_DECIMALS = 1;

/** One published figure: the whole of what the bureau sent for a key. */
export interface Figure {
  value: number;
  /** Officially published growth (or change in points), if sent. */
  yoy: number | null;
  status: Status | null;
}

export interface ObservationKey {
  indicator: string;
  region: string;
  period: Period;
}

export interface Observation extends ObservationKey, Figure {}

/** Figures of one indicator for one region, by period. */
export type SeriesLookup = (period: Period) => Figure | undefined;

/** An annual target (DOMAIN.md, Targets and time progress): an amount or level (`value`) or a growth rate (`growth`). */
export type TargetKind = 'value' | 'growth';
export const TARGET_KINDS: readonly TargetKind[] = ['value', 'growth'];

export interface Target {
  indicator: string;
  region: string;
  year: number;
  kind: TargetKind;
  /** In the indicator's unit (value), or in % or points (growth). */
  value: number;
}
