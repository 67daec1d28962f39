/**
 * The Chinese in the API's own documentation (OpenAPI descriptions and
 * summaries, GET /docs): English text that names a term as bureaus write it
 * (增速位次, 序时进度, 累计) or gives an example in Chinese. Kept word for word
 * here so the contract documents the same terms the reports print.
 */
import { DOCX_FONT_NAMES } from './report-layout.ts';

export const API_DOCS = {
  /** plugins/docs.ts: the API's description. */
  service: 'Monthly indicators for regions: ingest, year-on-year growth, rankings among peers (位次), scorecards. Errors: {error, message, details}.',
  /** routes/charts: GET /v1/charts/progress. */
  progressChart: 'completion of annual targets against time progress (序时进度)',
  /** schemas/analytics.ts */
  rankingBy: "yoy (增速位次), value (总量位次) or completion (完成率 of the annual target); default the indicator's rankBy",
  rankChange: 'previousRank - rank: positive = moved up (前移)',
  rankingTimeProgress: 'by=completion: 序时进度, month / 12 × 100 at 0.1',
  byValue: '总量位次',
  byYoy: '增速位次',
  weak: '短板: bottom third on the default metric',
  /** schemas/catalog.ts */
  regionParent: 'the region this one belongs to (省 → 市 → 县)',
  regionLevel: 'province (state, 省, 自治区), prefecture (city, 市, 地级市, 州, 盟), county (县, 区, 县级市, 旗) or country; without it a six-digit GB/T 2260 code tells',
  unit: '亿元, %, 万平方米 …',
  basis: 'ytd: 累计 (1-6月); month: 当月; level: 期末',
  aggregation:
    "sum: a parent's figure is the sum of its children's (totals check, aggregate average); default sum for a ytd or month indicator with percent change whose unit is no ratio (no /, not %) and whose name is not per capita (人均), else none",
  /** schemas/progress.ts */
  completion: '完成率: year-to-date value / annual amount × 100, at 0.1; null for growth targets and levels',
  timeProgress: '序时进度: month / 12 × 100, at 0.1 (1-2月 16.7)',
  /** routes/observations/workbook.ts: how a period may be typed in a workbook. */
  workbookPeriods: '2022-06, 2022-6, 2022/6 or 2022年6月; a yoy cell formatted as a percentage as the number it shows (12.3% is 12.3); a formula by its saved result;',
  /** routes/reports: the Word answer. */
  reportDocx: `Word document: headings, the indicator table, the charts as PNG images; ${DOCX_FONT_NAMES.heading}/${DOCX_FONT_NAMES.body}/${DOCX_FONT_NAMES.table}`,
} as const;
