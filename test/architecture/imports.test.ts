/**
 * The import graph of src/: no cycle, and every arrow points down the
 * layers below. Read from the source text (no build, no script): every
 * relative `import … from`, `export … from`, `import '…'`, `import('…')`
 * and `import('…').T` in a type, resolved to its file.
 *
 * Type-only imports count. They are erased from the JavaScript, but they
 * are still arrows in the design: a lower file that names an upper file's
 * type changes when the upper file does, and a type cycle is a cycle a
 * reader has to untangle all the same.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * The layers, lowest first. A file may import only from its own layer or a
 * lower one; within a layer only the cycle check applies. A path ending in
 * `/` is a folder and everything under it; every file in src/ must fall in
 * exactly one entry, so a new top-level file or folder is placed on purpose.
 *
 * 0  Pure leaves: the domain rules, the roles a token carries, the project's
 *    folders, log redaction, the font PNG charts are drawn with, how a
 *    worker thread is started. No I/O
 *    modules of the service, nothing to configure.
 * 1  What the whole service shares: its errors (ApiError and the codes the
 *    contract answers with) and its configuration (the environment, parsed
 *    once at start). Above the domain, so domain rules never speak HTTP or
 *    read the environment; below everything that reads a Config or throws
 *    an ApiError. A default only the configuration reads is its own
 *    (config.ts); one that other code reads too lives in a leaf below both
 *    (CODE_PATTERN in domain/types.ts, the CJK font in fonts.ts), so that
 *    code (a render thread drawing PNGs) need not load the configuration.
 * 2  The stores: the Store interface, SQLite, InfluxDB, and the factory that
 *    picks one from the configuration.
 * 3  What the service does with the store and with a request's text: zod
 *    schemas, services, answer formats, report rendering and its
 *    templates, the catalog shipped with the service. These lean on each other (services validate
 *    with schemas; a route schema lists the formats its route answers in;
 *    format writers use the import columns; report rendering draws PNGs),
 *    so they share a layer and only the cycle check orders them.
 * 4  HTTP and time: Fastify plugins, routes, the report schedule.
 * 5  The application: wires every layer together.
 * 6  The process: parses the configuration and starts the application.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['domain/', 'roles.ts', 'paths.ts', 'logging.ts', 'fonts.ts', 'workers.ts'],
  ['errors.ts', 'config.ts'],
  ['store/'],
  ['schemas/', 'services/', 'formats/', 'reports/', 'templates/', 'catalog/'],
  ['plugins/', 'routes/', 'scheduler/'],
  ['app.ts'],
  ['server.ts'],
];

interface Arrow {
  from: string;
  to: string;
  specifier: string;
  typeOnly: boolean;
}

/** Every module specifier a file names, with whether only types come through it. */
function specifiers(fileName: string, text: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const allTypes = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: allTypes });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [first] = node.arguments;
      if (first !== undefined && ts.isStringLiteralLike(first)) found.push({ specifier: first.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The file a relative specifier names, as the NodeNext resolution with .ts extensions finds it; null when none. */
function resolveSpecifier(from: string, specifier: string): string | null {
  const target = resolve(dirname(from), specifier);
  const candidates = [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')];
  return candidates.find(isFile) ?? null;
}

/** A path under src/, written with `/`. */
const name = (path: string) => relative(SRC, path).split(sep).join('/');

function layerOf(file: string): number[] {
  const layers: number[] = [];
  LAYERS.forEach((entries, layer) => {
    if (entries.some((entry) => (entry.endsWith('/') ? file.startsWith(entry) : file === entry))) layers.push(layer);
  });
  return layers;
}

const files = tsFiles(SRC).map(name).sort();
const arrows: Arrow[] = [];
const unresolved: string[] = [];
for (const file of files) {
  const path = join(SRC, file);
  for (const { specifier, typeOnly } of specifiers(path, readFileSync(path, 'utf8'))) {
    if (!specifier.startsWith('.')) continue;
    const target = resolveSpecifier(path, specifier);
    if (target === null) {
      unresolved.push(`${file}: '${specifier}'`);
      continue;
    }
    const to = name(target);
    // Outside src/ (../charts, the chart specs shared with the dashboard): not layered here.
    if (to.startsWith('../')) continue;
    arrows.push({ from: file, to, specifier, typeOnly });
  }
}

t.test('the reader finds every form of import', async (t) => {
  const text = [
    "import a from './a.ts';",
    "import type { B } from './b.ts';",
    "import { type C } from './c.ts';",
    "import { d, type D } from './d.ts';",
    "import './e.ts';",
    "export * from './f.ts';",
    "export type { G } from './g.ts';",
    "const h = await import('./h.ts');",
    "type I = import('./i.ts').I;",
    "import x from 'node:fs';",
    "// import y from './not-this.ts';",
    'const s = "import z from \'./nor-this.ts\'";',
  ].join('\n');
  t.same(specifiers('x.ts', text), [
    { specifier: './a.ts', typeOnly: false },
    { specifier: './b.ts', typeOnly: true },
    { specifier: './c.ts', typeOnly: true },
    { specifier: './d.ts', typeOnly: false },
    { specifier: './e.ts', typeOnly: false },
    { specifier: './f.ts', typeOnly: false },
    { specifier: './g.ts', typeOnly: true },
    { specifier: './h.ts', typeOnly: false },
    { specifier: './i.ts', typeOnly: true },
    { specifier: 'node:fs', typeOnly: false },
  ]);
  t.ok(files.length > 100 && arrows.length > 300, `read ${files.length} files and ${arrows.length} arrows`);
  t.same(unresolved, [], 'every relative import names a file in the tree');
});

t.test('every file of src/ is in exactly one layer', async (t) => {
  const misplaced = files.filter((file) => layerOf(file).length !== 1).map((file) => `${file}: layers [${layerOf(file).join(', ')}]`);
  t.same(misplaced, [], 'place a new file or folder in LAYERS, with its reason');
});

t.test('no import arrow runs back up the layers', async (t) => {
  const upward = arrows
    .filter((arrow) => layerOf(arrow.to)[0]! > layerOf(arrow.from)[0]!)
    .map((a) => `${a.from} (layer ${layerOf(a.from)[0]}) -> ${a.to} (layer ${layerOf(a.to)[0]})${a.typeOnly ? ' [types]' : ''}`);
  t.same(upward, [], 'move what the lower file needs down to the lowest layer that uses it');
});

/** Strongly connected components of more than one file (or a file importing itself), by Tarjan's algorithm. */
function cycles(nodes: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

/** The shortest way from a file back to itself through its component: the path a reader follows. */
function cyclePath(component: readonly string[], edges: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const start = component[0]!;
  const inside = new Set(component);
  const before = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of edges.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let at: string | undefined = v; at !== undefined && at !== start; at = before.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!before.has(w)) {
        before.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.slice();
}

t.test('no cycle among the files of src/', async (t) => {
  const edges = new Map<string, Set<string>>(files.map((file) => [file, new Set<string>()]));
  for (const arrow of arrows) edges.get(arrow.from)!.add(arrow.to);
  const found = cycles(files, edges).map((component) => cyclePath(component, edges).join(' -> '));
  t.same(found, [], 'move the shared part into the lower file');
});
