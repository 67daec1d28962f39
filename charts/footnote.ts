/** Lines of small text under a chart (Vega-Lite has no footnote of its own): a view of text marks. */
import type { TopLevelSpec } from 'vega-lite';
import { COLORS } from './theme.ts';

type View = Extract<TopLevelSpec, { mark: unknown }>;

export function footnote(lines: readonly string[], width: number): Omit<View, '$schema' | 'config'> {
  return {
    width,
    height: { step: 16 },
    data: { values: lines.map((line, i) => ({ i, line })) },
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11, color: COLORS.note },
    encoding: {
      y: { field: 'i', type: 'ordinal', axis: null },
      x: { value: 0 },
      text: { field: 'line', type: 'nominal' },
    },
  };
}
