/** Folders of the project that ship beside the code: found the same way from src/ (tsx) and dist/src/ (compiled). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // Bounded by the depth of the file system.
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project folder (no package.json above the code)');
    dir = up;
  }
}

export const PROJECT_ROOT = projectRoot();
/** InfluxQL text, one file per query. */
export const QUERIES_DIR = join(PROJECT_ROOT, 'queries');
/** The dashboard page and its script. */
export const PUBLIC_DIR = join(PROJECT_ROOT, 'public');
/** The built-in report templates staff download and edit, and the example report they are tried on. */
export const TEMPLATES_DIR = join(PROJECT_ROOT, 'templates');
