/** The report as Markdown: the sections a county report reads, then every indicator in a table. */
import { SECTION_TITLES, type ReportFacts } from '../domain/report.ts';
import { mainStanding } from '../domain/standing.ts';
import type { ReportRecord } from '../store/store.ts';
import { localTime } from './format.ts';


/** Text safe in a Markdown table cell. */
function cell(text: string | null): string {
  return (text ?? '—').replace(/\|/g, '\\|');
}

/** A line under the indicator's sentence in its cell (a table row is one line: `<br>`, as GitHub and pandoc read it); its text free of markup. */
function under(text: string | undefined): string {
  return text === undefined ? '' : `<br>${cell(text).replace(/</g, '&lt;').replace(/>/g, '&gt;')}`;
}

export function rankCell(rank: number | null, ranked: number, tied: boolean): string {
  return rank === null ? '—' : `${tied ? '并列' : ''}${rank}/${ranked}`;
}

export function changeCell(change: number | null): string {
  if (change === null) return '—';
  return change > 0 ? `↑${change}` : change < 0 ? `↓${-change}` : '持平';
}

export function reportMarkdown(facts: ReportFacts, record: ReportRecord, timeZone: string): string {
  const lines = [
    `# ${facts.title}`,
    '',
    `> 比较范围:${facts.peerScope};第 ${record.version} 稿,生成于 ${localTime(record.generatedAt, timeZone)},${record.trigger};数据摘要 ${record.digest.slice(0, 12)}。`,
    '',
  ];
  for (const [key, heading, none] of SECTION_TITLES) {
    lines.push(`## ${heading}`, '');
    const items = facts.sections[key] ?? [];
    if (items.length === 0) lines.push(none);
    else for (const item of items) lines.push(`- ${item}`);
    lines.push('');
  }
  lines.push('## 逐项指标', '', '| 指标 | 本期 | 同比 | 增速位次 | 总量位次 | 较上期 | 说明 |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const f of facts.indicators) {
    const main = mainStanding(f, f);
    lines.push(
      `| ${cell(f.name)} | ${cell(f.valueText)} | ${cell(f.yoyText)} | ${rankCell(f.byYoy.rank, f.byYoy.ranked, f.byYoy.tied)} | ${rankCell(f.byValue.rank, f.byValue.ranked, f.byValue.tied)} | ${changeCell(main.rankChange)} | ${cell(f.sentence)}${f.weak ? '(短板)' : ''}${under(f.correctionNote)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
