/**
 * One words module (issue 21): every Chinese phrase and number format the
 * service writes lives in src/domain/words/, and nowhere else in src/ or
 * charts/. The guard reads every `.ts` file there, drops its comments (line,
 * block and JSDoc comments may keep Chinese examples) and fails naming
 * file:line for any Han character or CJK punctuation left in the code:
 * strings, template literals, regular expressions, identifiers.
 *
 * Allowed: src/domain/words/ (the words) and src/catalog/ (indicator and
 * region names are data, like fixtures).
 *
 * The code is read through TypeScript's own parser, not a regular
 * expression: `//` inside 'http://…', a quote inside a regular expression
 * (/^'[=+\-@]/) or a `${…}` inside a template never confuses it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The folders read, and the folders whose files may hold Chinese. */
const READ = ['src', 'charts'];
const ALLOWED = ['src/domain/words/', 'src/catalog/'];

/**
 * Han characters (CJK Unified Ideographs, Extension A, compatibility
 * ideographs, the supplementary-plane extensions) and CJK punctuation: the
 * symbols block (、。「」〔〕), vertical and small forms, and full-width forms
 * (，：；（）％／). The code today writes 、 and 。 and the full-width ％ ／
 * beside ASCII ",:;()"; any of these outside the words module is a phrase
 * out of place.
 */
const HAN = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef]|[\u{20000}-\u{3134f}]/u;
const HAN_ALL = new RegExp(HAN.source, 'gu');

export interface Found {
  line: number;
  /** The Han text found, as written. */
  text: string;
}

/**
 * Every Han character in a file's code, with its line (1-based): the
 * file's tokens, each as the parser reads it, without the trivia between
 * them (whitespace, comments) and without JSDoc.
 */
export function hanInCode(fileName: string, text: string): Found[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Found[] = [];
  const visit = (node: ts.Node): void => {
    // JSDoc comments are children of the node they document: comments all the same.
    if (ts.isJSDoc(node)) return;
    const children = node.getChildren(source);
    if (children.length > 0) {
      children.forEach(visit);
      return;
    }
    const start = node.getStart(source);
    const token = text.slice(start, node.getEnd());
    if (!HAN.test(token)) return;
    const byLine = new Map<number, string[]>();
    for (const match of token.matchAll(HAN_ALL)) {
      const line = source.getLineAndCharacterOfPosition(start + match.index).line + 1;
      byLine.set(line, [...(byLine.get(line) ?? []), match[0]]);
    }
    for (const [line, chars] of byLine) found.push({ line, text: chars.join('') });
  };
  visit(source);
  return found;
}

function tsFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file:line: 文字` for every line of code holding Han outside the allowed folders, files under `root`. */
export function offenders(root: string): { read: number; lines: string[] } {
  const files = READ.flatMap((dir) => tsFiles(join(root, dir)))
    .map((path) => relative(root, path).split(sep).join('/'))
    .filter((file) => !ALLOWED.some((allowed) => file.startsWith(allowed)))
    .sort();
  const lines: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    // Most files hold no Han at all, not even in comments: nothing to parse.
    if (!HAN.test(text)) continue;
    const byLine = new Map<number, string[]>();
    for (const found of hanInCode(file, text)) byLine.set(found.line, [...(byLine.get(found.line) ?? []), found.text]);
    for (const [line, texts] of byLine) lines.push(`${file}:${line}: ${texts.join(' ')}`);
  }
  return { read: files.length, lines };
}

t.test('the reader drops comments, and only comments', async (t) => {
  const text = [
    "// 注释: a line comment may say 全市第一",
    '/* a block comment: 并列第三 */',
    '/**',
    ' * JSDoc: 前移2位',
    ' */',
    "const url = 'http://example.com'; // 行尾注释",
    "const a = 'http://example.com/' + '全市';", // 7: a string after a // inside a string
    // eslint-disable-next-line no-template-curly-in-string -- TypeScript source under test, not a template
    'const b = `1-${month}月`;', // 8: a template literal's tail
    "const c = /^'[=+\\-@]/.test(x) ? '年' : '';", // 9: a quote inside a regex, then a string
    'const d = /\\s*年\\s*(\\d{1,2})\\s*月/;', // 10: a regular expression
    'const e = { 指标: 1 };', // 11: an identifier
    "const f = '、';", // 12: CJK punctuation
    "const g = '％';", // 13: a full-width form
    'const h = x / 2; // 除以二', // 14: division, then a comment
    'const i = `a\n并列`;', // 15-16: a template over two lines: the line of the character
    "const j = '100%' + '—' + '…' + '·';", // 17: not CJK
    '/* 多行',
    '   注释 */ const k = 1;',
  ].join('\n');
  t.same(
    hanInCode('x.ts', text).map((f) => `${f.line}: ${f.text}`),
    ['7: 全市', '8: 月', '9: 年', '10: 年月', '11: 指标', '12: 、', '13: ％', '16: 并列'],
  );
});

t.test('the guard fails on a file holding a Han string, and passes the allowed folders', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'words-guard-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  // eslint-disable-next-line no-template-curly-in-string -- TypeScript source under test, not a template
  write('src/services/bad.ts', "/** 说明 */\nexport const title = (name: string) => `${name} 各项指标位次`;\n");
  write('charts/bad.ts', "export const axis = 'http://x' && '位次'; // 注释\n");
  write('src/domain/ok.ts', '// 只有注释\nexport const x = 1;\n');
  write('src/domain/words/fine.ts', "export const WORD = '全市';\n");
  write('src/catalog/names.ts', "export const NAME = '天台县';\n");
  write('src/notes.md', '全市\n');
  const { read, lines } = offenders(root);
  t.equal(read, 3, 'files outside the allowed folders, .ts only');
  t.same(lines, ['charts/bad.ts:1: 位次', 'src/services/bad.ts:2: 各项指标位次']);
});

t.test('no Chinese in src/ or charts/ outside the words module', async (t) => {
  const { read, lines } = offenders(ROOT);
  t.ok(read > 100, `read ${read} files`);
  t.same(lines, [], 'move each phrase into src/domain/words/ (a file named for what it holds) and import it');
});
