/** The charts a report shows (the HTML page inline as SVG, the Word document as PNG): its scorecard, then a ranking per indicator with peers. */
import type { TopLevelSpec } from 'vega-lite';
import { rankingChart, scorecardCells, scorecardChart } from '../../charts/index.ts';
import type { IndicatorFacts, ReportFacts } from '../domain/report.ts';

export function scorecardSpec(facts: ReportFacts): TopLevelSpec {
  const rows = facts.indicators.map((f) => ({ ...f, rankChange: (f.rankBy === 'yoy' ? f.byYoy : f.byValue).rankChange }));
  return scorecardChart({ title: `${facts.region.name} 各项指标位次`, subtitle: [facts.peerScope], cells: scorecardCells(rows) });
}

export function rankingSpec(facts: ReportFacts, f: IndicatorFacts): TopLevelSpec {
  return rankingChart({
    title: `${f.label} ${f.name}${f.rankBy === 'yoy' ? '同比增速' : ''}排名`,
    subtitle: [facts.peerScope],
    axisTitle: f.rankBy === 'yoy' ? '同比(%)' : `${f.name}(${f.unit})`,
    bars: f.peers,
    highlight: facts.region.code,
    notes: f.missingPeers.length > 0 ? [`未排名:${f.missingPeers.map((m) => m.name).join('、')}`] : [],
  });
}

/** Indicators that get a ranking chart: those some peer was ranked on. */
export function chartedIndicators(facts: ReportFacts): IndicatorFacts[] {
  return facts.indicators.filter((f) => f.peers.length > 0);
}
