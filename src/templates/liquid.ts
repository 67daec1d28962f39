/**
 * Markdown and HTML reports from Liquid templates staff edit (liquidjs).
 * Liquid runs no code; what is left to bound is files, size and time: the
 * engine has no file system (include, render and layout are refused when a
 * template is read), templates are parsed once per content, nesting is
 * bounded before parsing, and every render has a time and memory limit.
 */
import { Liquid, Tag, type Template } from 'liquidjs';
import { ApiError } from '../errors.ts';
import type { TemplateKind } from '../store/store.ts';
import { FIELD_GROUPS, fieldNamed } from './fields.ts';
import type { TemplateData } from './model.ts';

/** Blocks nested deeper than this are refused: the default nests two, and liquidjs parses nesting by recursion. */
export const LIQUID_MAX_DEPTH = 16;
/** Time one render may take (liquidjs's renderLimit, ms): a 50-indicator report renders in a few. */
export const LIQUID_RENDER_LIMIT_MS = 1_000;
/** What one render may allocate in strings and arrays (liquidjs's memoryLimit). */
export const LIQUID_MEMORY_LIMIT = 64 * 1024 * 1024;
/** Parsed templates kept, by content: a handful of templates are in use at once. */
const PARSED_KEPT = 32;

const refuse = (message: string, where?: string) =>
  new ApiError('bad_request', `the template ${message}`, { details: [{ field: 'template', message: where === undefined ? message : `${message} (${where})` }] });

/** Tags that would read other files: refused when the template is read. */
class NoFiles extends Tag {
  constructor(token: ConstructorParameters<typeof Tag>[0], remain: ConstructorParameters<typeof Tag>[1], liquid: ConstructorParameters<typeof Tag>[2]) {
    super(token, remain, liquid);
    throw refuse(`uses {% ${token.name} %}: templates cannot read other files`, `line ${token.getPosition()[0]}`);
  }

  * render(): Generator<unknown, void, unknown> {}
}

/** HTML as the built-in page escaped it: the five characters, as numeric references. */
export const escapeHtml = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Text safe in a Markdown table cell. */
const mdCell = (text: unknown) => String(text ?? '').replace(/\|/g, '\\|');

function engine(kind: TemplateKind): Liquid {
  const liquid = new Liquid({
    // No files: an empty in-memory set, and the tags that read files refused outright.
    templates: {},
    ownPropertyOnly: true,
    strictFilters: true,
    renderLimit: LIQUID_RENDER_LIMIT_MS,
    memoryLimit: LIQUID_MEMORY_LIMIT,
    parseLimit: 5 * 1024 * 1024,
    ...(kind === 'html' ? { outputEscape: escapeHtml } : {}),
  });
  for (const name of ['include', 'render', 'layout']) liquid.registerTag(name, NoFiles);
  liquid.registerFilter('md_cell', mdCell);
  // A line under a table cell's text: a table row is one line, so <br>, as GitHub and pandoc read it; its text free of markup.
  liquid.registerFilter('md_note', (text: unknown) => (text === '' || text == null ? '' : `<br>${mdCell(text).replace(/</g, '&lt;').replace(/>/g, '&gt;')}`));
  return liquid;
}

const ENGINES: Record<'markdown' | 'html', Liquid> = { markdown: engine('markdown'), html: engine('html') };
const parsed = new Map<string, Template[]>();

/** Block tags that nest, opened and closed. */
const BLOCK = /\{%-?\s*(end)?(for|if|unless|case|capture|tablerow)\b/g;

/** How deep blocks nest, read before parsing (liquidjs parses nesting by recursion). */
function checkDepth(text: string): void {
  let depth = 0;
  for (const m of text.matchAll(BLOCK)) {
    depth += m[1] === undefined ? 1 : -1;
    if (depth > LIQUID_MAX_DEPTH) {
      const line = text.slice(0, m.index).split('\n').length;
      throw refuse(`nests blocks more than ${LIQUID_MAX_DEPTH} deep`, `line ${line}`);
    }
  }
}

/** Parsed, and kept by `key` (the content's digest) when one is given. */
function parse(kind: 'markdown' | 'html', text: string, key: string | null): Template[] {
  const kept = key === null ? undefined : parsed.get(`${kind} ${key}`);
  if (kept !== undefined) return kept;
  checkDepth(text);
  let templates: Template[];
  try {
    templates = ENGINES[kind].parse(text);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw refuse(`cannot be read: ${(error as Error).message}`);
  }
  if (key === null) return templates;
  if (parsed.size >= PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  parsed.set(`${kind} ${key}`, templates);
  return templates;
}

/** The fields a text template names, each checked (where not a field: the tag and its line and column). */
export function liquidFields(kind: 'markdown' | 'html', text: string): { templates: Template[]; names: string[] } {
  const templates = parse(kind, text, null);
  const analysis = ENGINES[kind].analyzeSync(templates);
  const names = new Set<string>();
  for (const [, uses] of Object.entries(analysis.globals)) {
    for (const variable of uses) {
      const segments = variable.segments.map(String);
      const name = FIELD_GROUPS.has(segments[0]!) && segments.length > 1 ? `${segments[0]}.${segments[1]}` : segments[0]!;
      const doc = fieldNamed(name);
      const where = `line ${variable.location.row}, column ${variable.location.col}`;
      if (doc === undefined) throw refuse(`names an unknown field {{ ${variable.toString()} }}`, where);
      if (!doc.kinds.includes(kind)) throw refuse(`names {{ ${name} }}, which a ${kind} report does not have`, where);
      names.add(name);
    }
  }
  return { templates, names: [...names].sort() };
}

/**
 * Check a text template against the fields: it parses, names only fields,
 * and renders the example report with every variable defined. Answers the
 * fields it names.
 */
export async function checkLiquid(kind: 'markdown' | 'html', text: string, example: TemplateData): Promise<string[]> {
  const { templates, names } = liquidFields(kind, text);
  try {
    await ENGINES[kind].render(templates, example, { strictVariables: true });
  } catch (error) {
    throw refuse(`fails on an example report: ${(error as Error).message}`);
  }
  return names;
}

/** A report from a checked template; `key` identifies its content (its digest). */
export async function renderLiquid(kind: 'markdown' | 'html', text: string, key: string, data: TemplateData): Promise<string> {
  return (await ENGINES[kind].render(parse(kind, text, key), data)) as string;
}
