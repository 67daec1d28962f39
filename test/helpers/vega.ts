/** Checks every emitted chart must pass: the Vega-Lite JSON schema, compilation, and a render without warnings. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { compile, type TopLevelSpec } from 'vega-lite';
import { renderSvg } from '../../charts/render.ts';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

export interface ChartCheck {
  schemaErrors: string[];
  compileWarnings: string[];
  renderWarnings: string[];
  svg: string;
}

export async function checkChart(spec: TopLevelSpec): Promise<ChartCheck> {
  const schemaErrors = validate(spec) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  const compileWarnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => compileWarnings.push(a.join(' ')),
    warn: (...a: unknown[]) => compileWarnings.push(a.join(' ')),
    info: () => logger,
    debug: () => logger,
  };
  compile(spec, { logger: logger as never });
  const { svg, warnings } = await renderSvg(spec);
  return { schemaErrors, compileWarnings, renderWarnings: warnings, svg };
}
