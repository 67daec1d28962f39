/**
 * Vega-Lite to SVG in Node, with no canvas. Without a canvas, Vega guesses
 * a text's width as 0.8 em a character: Chinese characters are a full em,
 * so Chinese labels were clipped and overlapped. Text is measured here
 * character by character instead, with widths of the CJK fonts in FONT_STACK.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Width of one character in em. */
function charWidth(code: number): number {
  // CJK ideographs, kana, hangul, full-width forms and CJK punctuation.
  if ((code >= 0x2e80 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6)) {
    return 1;
  }
  if (code >= 0x30 && code <= 0x39) return 0.56; // digits are tabular
  if (code >= 0x41 && code <= 0x5a) return 0.66;
  if (code >= 0x61 && code <= 0x7a) return 0.53;
  if (code === 0x20 || code === 0x2e || code === 0x2c || code === 0x3a || code === 0x3b) return 0.28;
  if (code === 0x25) return 0.85; // %
  return 0.6;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
}

export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charWidth(ch.codePointAt(0)!);
  return em * fontSize * (bold ? 1.05 : 1);
}

// Exported by vega at run time, though its type declarations leave them out.
const { textMetrics, resetSVGDefIds } = vega as unknown as {
  textMetrics: { width: (item: TextItem, text?: string) => number };
  resetSVGDefIds: () => void;
};
textMetrics.width = (item: TextItem, text?: string) => {
  const size = item.fontSize ?? 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  return textWidth(String(text ?? '').trim(), size, bold);
};

export interface RenderResult {
  svg: string;
  warnings: string[];
}

/**
 * Renders one at a time: Vega numbers clip paths with a global counter,
 * reset before each render so the same chart always gives the same SVG
 * (and the same ETag on every instance).
 */
let queue: Promise<unknown> = Promise.resolve();

/** Compile and render; warnings from Vega-Lite and Vega are returned, never printed. */
export function renderSvg(spec: TopLevelSpec): Promise<RenderResult> {
  const result = queue.then(() => render(spec));
  queue = result.catch(() => {});
  return result;
}

/**
 * A chart's structure without its data: the spec with every inline dataset
 * replaced by a named one. Compiling and parsing depend on the structure
 * only, so a chart drawn again with new figures (a revision, another
 * highlighted region) skips both.
 */
function template(spec: TopLevelSpec): { key: string; datasets: Array<[string, unknown[]]> } {
  const datasets: Array<[string, unknown[]]> = [];
  const json = JSON.stringify(spec, (key, value: unknown) => {
    if (key === 'data' && typeof value === 'object' && value !== null && Array.isArray((value as { values?: unknown }).values)) {
      const name = `inline_${datasets.length}`;
      datasets.push([name, (value as { values: unknown[] }).values]);
      return { name };
    }
    return value;
  });
  return { key: json, datasets };
}

/** Parsed charts kept by structure; a dashboard draws a few dozen kinds. */
const TEMPLATES_KEPT = 64;
const templates = new Map<string, { runtime: unknown; warnings: string[] }>();

function collector(warnings: string[]) {
  const logger = {
    level: () => logger,
    error: (...args: unknown[]) => warnings.push(`error: ${args.join(' ')}`),
    warn: (...args: unknown[]) => warnings.push(args.join(' ')),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

async function render(spec: TopLevelSpec): Promise<RenderResult> {
  const { key, datasets } = template(spec);
  let parsed = templates.get(key);
  if (parsed === undefined) {
    const warnings: string[] = [];
    const compiled = compile(JSON.parse(key) as TopLevelSpec, { logger: collector(warnings) as never }).spec;
    parsed = { runtime: vega.parse(compiled as vega.Spec), warnings };
    if (templates.size >= TEMPLATES_KEPT) templates.delete(templates.keys().next().value!);
    templates.set(key, parsed);
  }
  const warnings = [...parsed.warnings];
  const view = new vega.View(parsed.runtime as vega.Runtime, { renderer: 'none', logger: collector(warnings) as never });
  try {
    for (const [name, values] of datasets) view.data(name, values);
    await view.runAsync();
    resetSVGDefIds();
    return { svg: await view.toSVG(), warnings };
  } finally {
    view.finalize();
  }
}
