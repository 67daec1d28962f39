/**
 * The catalog a first start loads: Zhejiang, Taizhou and its nine
 * county-level units (GB/T 2260), and the indicators the seed report ranks.
 */
import type { IndicatorInput, RegionInput } from '../schemas/catalog.ts';

export const ZHEJIANG = '330000';
export const TAIZHOU = '331000';
export const TIANTAI = '331023';

export const DEFAULT_REGIONS: RegionInput[] = [
  { code: ZHEJIANG, name: '浙江省', parent: null, level: 'province' },
  { code: TAIZHOU, name: '台州市', parent: ZHEJIANG, level: 'prefecture' },
  { code: '331002', name: '椒江区', parent: TAIZHOU, level: 'county' },
  { code: '331003', name: '黄岩区', parent: TAIZHOU, level: 'county' },
  { code: '331004', name: '路桥区', parent: TAIZHOU, level: 'county' },
  { code: '331022', name: '三门县', parent: TAIZHOU, level: 'county' },
  { code: TIANTAI, name: '天台县', parent: TAIZHOU, level: 'county' },
  { code: '331024', name: '仙居县', parent: TAIZHOU, level: 'county' },
  { code: '331081', name: '温岭市', parent: TAIZHOU, level: 'county' },
  { code: '331082', name: '临海市', parent: TAIZHOU, level: 'county' },
  { code: '331083', name: '玉环市', parent: TAIZHOU, level: 'county' },
];

/**
 * Investment and online retail are published only year-to-date (累计);
 * completion and unemployment rates are end-of-month levels compared in
 * percentage points. Units and precision as the county reports print them.
 * Amounts add up to the city's figure (aggregation sum); the energy
 * intensity (吨标准煤/万元) and the rates do not (none).
 */
export const DEFAULT_INDICATORS: IndicatorInput[] = [
  { code: 'industrial_investment', name: '工业性投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', reportValue: false, aggregation: 'sum' },
  { code: 'manufacturing_investment', name: '制造业投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', reportValue: false, aggregation: 'sum' },
  { code: 'fixed_asset_investment', name: '固定资产投资', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', reportValue: false, aggregation: 'sum' },
  { code: 'digital_core_value_added', name: '数字经济核心产业增加值', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', aggregation: 'sum' },
  { code: 'online_retail_sales', name: '网络零售额', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'value', aggregation: 'sum' },
  { code: 'industrial_value_added', name: '工业增加值', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', aggregation: 'sum' },
  { code: 'housing_sales_area', name: '商品房销售面积', unit: '万平方米', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', aggregation: 'sum' },
  { code: 'retail_sales', name: '社会消费品零售总额', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', aggregation: 'sum' },
  { code: 'fiscal_revenue', name: '一般公共预算收入', unit: '亿元', basis: 'ytd', direction: 'higher', decimals: 2, rankBy: 'yoy', aggregation: 'sum' },
  { code: 'energy_intensity', name: '单位GDP能耗', unit: '吨标准煤/万元', basis: 'ytd', direction: 'lower', decimals: 3, rankBy: 'yoy', aggregation: 'none' },
  { code: 'unemployment_rate', name: '城镇调查失业率', unit: '%', basis: 'level', direction: 'lower', decimals: 1, rankBy: 'value', aggregation: 'none' },
  { code: 'job_retention_refund_rate', name: '失业保险稳岗返还完成率', unit: '%', basis: 'level', direction: 'higher', decimals: 1, rankBy: 'value', aggregation: 'none' },
  { code: 'graduate_internship_rate', name: '高校毕业生见习完成率', unit: '%', basis: 'level', direction: 'higher', decimals: 1, rankBy: 'value', aggregation: 'none' },
];
