/**
 * The Chinese headers of a table of figures (CSV or a workbook, as bureaus
 * write them): the names each import column is known by (指标, 地区代码, 时期,
 * 同比增速 …), and the columns a download carries for people (地区名称,
 * 指标名称) that the import skips.
 */

type ColumnKey = 'indicator' | 'region' | 'period' | 'value' | 'yoy' | 'status' | 'reason' | 'note';

/** Header names bureaus write in Chinese, mapped to the contract's columns. */
export const HEADER_ALIASES: Readonly<Record<string, ColumnKey>> = {
  指标: 'indicator',
  指标代码: 'indicator',
  地区: 'region',
  地区代码: 'region',
  区划代码: 'region',
  时期: 'period',
  期别: 'period',
  月份: 'period',
  数值: 'value',
  本期: 'value',
  同比: 'yoy',
  同比增速: 'yoy',
  同比增长: 'yoy',
  状态: 'status',
  标志: 'status',
  原因: 'reason',
  说明: 'note',
};

/** Columns for people a download may carry in Chinese, skipped on import. */
export const IGNORED_HEADERS: readonly string[] = ['地区名称', '指标名称'];
