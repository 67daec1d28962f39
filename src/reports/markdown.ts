/** The report as Markdown, from a Liquid template (templates/default.md.liquid unless another is asked). */
import type { ReportFacts } from '../domain/report.ts';
import type { ReportRecord } from '../store/store.ts';
import { renderLiquid } from '../templates/liquid.ts';
import { templateData } from '../templates/model.ts';

/** A text template's content, and what identifies it (its digest): parsed once. */
export interface TextTemplate {
  text: string;
  key: string;
}

export function reportMarkdown(facts: ReportFacts, record: ReportRecord, timeZone: string, template: TextTemplate): Promise<string> {
  return renderLiquid('markdown', template.text, template.key, templateData<string>(facts, record, timeZone, { scorecard: '', rankings: [] }));
}
