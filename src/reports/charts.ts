/** The charts a report shows (the HTML page inline as SVG, the Word document as PNG): its scorecard, then a ranking per indicator with peers. */
import type { TopLevelSpec } from 'vega-lite';
import { rankingChart, scorecardCells, scorecardChart } from '../../charts/index.ts';
import { axisTitle, rankingTitleAt } from '../domain/phrasing.ts';
import type { IndicatorFacts, ReportFacts } from '../domain/report.ts';
import { missingNote, REPORT_CHART_TOP, topRows } from '../domain/peers-shown.ts';
import { mainStanding } from '../domain/standing.ts';
import { rankingChartName, REPORT_HEADINGS, scorecardTitle } from '../domain/words/report-layout.ts';

export function scorecardSpec(facts: ReportFacts): TopLevelSpec {
  const rows = facts.indicators.map((f) => ({ ...f, rankChange: mainStanding(f, f).rankChange }));
  return scorecardChart({ title: scorecardTitle(facts.region.name), subtitle: [facts.peerScope], cells: scorecardCells(rows) });
}

export function rankingSpec(facts: ReportFacts, f: IndicatorFacts): TopLevelSpec {
  // Reports stored before facts kept `change` read it from the unit, as the catalog defaults it.
  const indicator = { name: f.name, unit: f.unit, change: f.change ?? (f.unit.trim() === '%' ? 'points' : 'percent') } as const;
  // A chart of every peer of a large set is unreadable (and was 72,000 px tall for 3,000 peers): the top ones and the region.
  const { shown, notes } = topRows(f.peers, REPORT_CHART_TOP, facts.region.code, f.rankedPeers ?? f.peers.length);
  return rankingChart({
    title: rankingTitleAt(f.label, indicator, f.rankBy),
    subtitle: [facts.peerScope],
    axisTitle: axisTitle(indicator, f.rankBy),
    bars: shown,
    ranked: f.rankedPeers ?? f.peers.length,
    highlight: facts.region.code,
    notes: [...notes, ...missingNote(f.missingPeers, f.missingPeersTotal)],
  });
}

/** Indicators that get a ranking chart: those some peer was ranked on. */
export function chartedIndicators(facts: ReportFacts): IndicatorFacts[] {
  return facts.indicators.filter((f) => f.peers.length > 0);
}

/** The charts a report shows, named: the scorecard, then a ranking per charted indicator. */
export function reportChartSpecs(facts: ReportFacts): Array<{ title: string; spec: TopLevelSpec }> {
  return [
    { title: REPORT_HEADINGS.scorecard, spec: scorecardSpec(facts) },
    ...chartedIndicators(facts).map((f) => ({ title: rankingChartName(f.name), spec: rankingSpec(facts, f) })),
  ];
}
