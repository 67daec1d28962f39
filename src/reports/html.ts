/**
 * The report as one self-contained, printable HTML page: inline CSS and the
 * charts as inline SVG, nothing loaded from anywhere.
 */
import { renderSvg } from '../../charts/index.ts';
import { SECTION_TITLES, type ReportFacts } from '../domain/report.ts';
import type { ReportRecord } from '../store/store.ts';
import { chartedIndicators, rankingSpec, scorecardSpec } from './charts.ts';
import { localTime } from './format.ts';

const STYLE = `
body { font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; color: #222; max-width: 960px; margin: 24px auto; padding: 0 16px; line-height: 1.6; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; border-bottom: 1px solid #ddd; padding-bottom: 4px; margin-top: 28px; }
.meta { color: #666; font-size: 13px; } ul { padding-left: 20px; } li { margin: 2px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .weak { color: #c62828; font-weight: bold; } .note { display: block; color: #555; font-weight: normal; font-size: 12px; } figure { margin: 12px 0; page-break-inside: avoid; } svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);


export async function reportHtml(facts: ReportFacts, record: ReportRecord, timeZone: string): Promise<string> {
  const parts = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">',
    `<title>${escapeHtml(facts.title)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(facts.title)}</h1>`,
    `<p class="meta">比较范围:${escapeHtml(facts.peerScope)};第 ${record.version} 稿,生成于 ${escapeHtml(localTime(record.generatedAt, timeZone))},${escapeHtml(record.trigger)};数据摘要 ${record.digest.slice(0, 12)}</p>`,
  ];
  for (const [key, heading, none] of SECTION_TITLES) {
    const items = facts.sections[key] ?? [];
    parts.push(`<h2>${heading}</h2>`, items.length === 0 ? `<p>${none}</p>` : `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
  }
  parts.push('<h2>各项指标位次</h2>', `<figure>${(await renderSvg(scorecardSpec(facts))).svg}</figure>`);
  parts.push('<h2>逐项指标</h2><table><thead><tr><th>指标</th><th>本期</th><th>同比</th><th>说明</th></tr></thead><tbody>');
  for (const f of facts.indicators) {
    parts.push(
      `<tr><td>${escapeHtml(f.name)}</td><td>${escapeHtml(f.valueText ?? '—')}</td><td>${escapeHtml(f.yoyText ?? '—')}</td><td${f.weak ? ' class="weak"' : ''}>${escapeHtml(f.sentence)}${f.weak ? '(短板)' : ''}${f.correctionNote === undefined ? '' : `<span class="note">${escapeHtml(f.correctionNote)}</span>`}</td></tr>`,
    );
  }
  parts.push('</tbody></table><h2>排名图</h2>');
  for (const f of chartedIndicators(facts)) parts.push(`<figure>${(await renderSvg(rankingSpec(facts, f))).svg}</figure>`);
  parts.push('</body></html>');
  return parts.join('\n');
}
