/**
 * Every field a report template may name (GET /v1/report-templates/fields),
 * the one list uploads are checked against: a tag naming anything else is
 * refused with the tag and where it is.
 */
import type { TemplateKind } from '../store/store.ts';

/** The report's sections in the words the fields use (`{#leading}`), against the facts' keys. */
export const SECTION_FIELDS = [
  ['leading', 'headlines'],
  ['weak', 'weak'],
  ['up', 'up'],
  ['down', 'down'],
  ['progress', 'progress'],
  ['gaps', 'gaps'],
] as const;
export type SectionField = (typeof SECTION_FIELDS)[number][0];

export type FieldType = 'text' | 'number' | 'boolean' | 'list' | 'image';

export interface FieldDoc {
  /** As a tag names it: `region.name`, `leading`, `indicators`. */
  name: string;
  type: FieldType;
  description: string;
  /** The template kinds that can use it (charts: Word as images, HTML as inline SVG). */
  kinds: TemplateKind[];
  /** A list's items: strings (`{.}` / `{{ item }}`) when absent, else these fields. */
  items?: FieldDoc[];
}

const ALL: TemplateKind[] = ['docx', 'markdown', 'html'];
const CHARTS: TemplateKind[] = ['docx', 'html'];
const field = (name: string, type: FieldType, description: string, kinds = ALL, items?: FieldDoc[]): FieldDoc => ({ name, type, description, kinds, ...(items ? { items } : {}) });

const SECTION_DESCRIPTIONS: Record<SectionField, string> = {
  leading: 'indicators placed first to third, best place first (one place per indicator)',
  weak: 'indicators in the bottom third, each with the gap to the next better place',
  up: 'indicators that moved up since the previous ranking',
  down: 'indicators that moved down since the previous ranking',
  progress: 'completion against the annual targets and time progress',
  gaps: 'missing figures, peers not ranked, provisional figures, failures',
};

/** The fields, in the order the documentation lists them. */
export const FIELDS: readonly FieldDoc[] = [
  field('title', 'text', 'the report title'),
  field('meta', 'text', 'the line under the title: scope, version, when and why generated, data digest'),
  field('region.name', 'text', 'the region reported on'),
  field('region.code', 'text', 'its code'),
  field('period', 'text', 'the month, YYYY-MM'),
  field('month', 'text', 'the month in words'),
  field('scope', 'text', 'the word for the whole area ranks are given in'),
  field('peerScope', 'text', 'the peers compared with'),
  field('version', 'number', 'the report version (drafts are numbered from 1)'),
  field('generatedAt', 'text', 'when this version was generated, local time'),
  field('trigger', 'text', 'why it was generated (schedule, manual by whom, a revision)'),
  field('digest', 'text', 'the first 12 characters of the data digest'),
  ...SECTION_FIELDS.map(([name]) => field(`headings.${name}`, 'text', `the heading of the ${name} section`)),
  field('headings.scorecard', 'text', 'the heading of the scorecard chart'),
  field('headings.table', 'text', 'the heading of the indicator table'),
  field('headings.charts', 'text', 'the heading of the ranking charts'),
  ...SECTION_FIELDS.map(([name]) => field(`none.${name}`, 'text', `what to say when the ${name} section is empty`)),
  ...SECTION_FIELDS.map(([name]) => field(name, 'list', `${SECTION_DESCRIPTIONS[name]}: one sentence each`)),
  field('columns.name', 'text', 'the indicator table\'s column headings'),
  field('columns.value', 'text', 'column heading: this period\'s figure'),
  field('columns.yoy', 'text', 'column heading: year-on-year change'),
  field('columns.rankYoy', 'text', 'column heading: rank by growth'),
  field('columns.rankValue', 'text', 'column heading: rank by size'),
  field('columns.rankChange', 'text', 'column heading: rank change'),
  field('columns.sentence', 'text', 'column heading: the indicator\'s sentence'),
  field('indicators', 'list', 'every indicator, in the catalog\'s order', ALL, [
    field('code', 'text', 'the indicator code'),
    field('name', 'text', 'its name'),
    field('value', 'text', 'this period\'s figure with its unit'),
    field('yoy', 'text', 'the year-on-year change with its unit'),
    field('rankYoy', 'text', 'rank by growth, of how many ranked'),
    field('rankValue', 'text', 'rank by size, of how many ranked'),
    field('rankChange', 'text', 'the main rank\'s change since the previous ranking'),
    field('sentence', 'text', 'the indicator\'s sentence, as the report writes it'),
    field('weak', 'boolean', 'whether it is listed among the weak indicators'),
    field('weakMark', 'text', 'the mark a weak indicator\'s sentence ends with, or nothing'),
    field('note', 'text', 'the correction note under the sentence, or nothing'),
  ]),
  field('scorecardChart', 'image', 'every indicator\'s rank as one chart (Word: {%scorecardChart}, alone in its paragraph; HTML: {{ scorecardChart | raw }})', CHARTS),
  field('rankings', 'list', 'a ranking chart per indicator ranked', CHARTS, [field('title', 'text', 'the chart\'s name'), field('chart', 'image', 'the chart (Word: {%chart}; HTML: {{ r.chart | raw }})', CHARTS)]),
];

/** A field by the name a tag gives, at the top level or among a list's items. */
export function fieldNamed(name: string, within: readonly FieldDoc[] = FIELDS): FieldDoc | undefined {
  return within.find((f) => f.name === name);
}

/** Names that open a group of fields (`region`, `headings`): Liquid may name `region.name` through them. */
export const FIELD_GROUPS: ReadonlySet<string> = new Set(FIELDS.filter((f) => f.name.includes('.')).map((f) => f.name.split('.')[0]!));
