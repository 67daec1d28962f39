/**
 * The thread that turns chart texts into outlines (png.ts), so that the
 * first drawing of a chart with new labels never holds up the service's
 * other requests. resvg shapes them with the CJK font held in memory
 * (font-subset.ts): read from its files once per thread, not for every
 * glyph as resvg reads the files it is given (a dozen reads of 19.5 MB a
 * label, about 20 ms a label; a 36-label chart took 2 s).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import { CJK_FONT_FAMILY } from '../fonts.ts';
import { characters, KeptFonts } from './font-subset.ts';

export interface OutlineJob {
  id: number;
  fontFiles: string[];
  /** Each a <text> element as its shape decides it. */
  texts: string[];
  /** The font held in memory (the default), or resvg given the font files themselves (the yardstick of bench/png-font.ts). */
  fontInMemory?: boolean;
}

export interface OutlineReply {
  id: number;
  /** The outlines of each text (paths), in the order given; or why they could not be made. */
  outlines?: string[];
  error?: string;
}

/**
 * Fonts held in memory by their files, loaded at their first batch; null
 * where they cannot be (no face has the family, a file unreadable): resvg
 * is then given the files themselves, as before.
 */
const kept = new Map<string, KeptFonts | null>();

function keptFonts(fontFiles: readonly string[]): KeptFonts | null {
  const key = fontFiles.join('\n');
  let fonts = kept.get(key);
  if (fonts === undefined) {
    try {
      fonts = KeptFonts.load(fontFiles, CJK_FONT_FAMILY);
    } catch {
      fonts = null;
    }
    kept.set(key, fonts);
  }
  return fonts;
}

/** resvg's SVG of `batch`, its texts shaped with `fontFiles` (system fonts never). */
function shaped(batch: string, fontFiles: readonly string[]): string {
  return new Resvg(batch, {
    font: { fontFiles: [...fontFiles], loadSystemFonts: false, defaultFontFamily: CJK_FONT_FAMILY, sansSerifFamily: CJK_FONT_FAMILY, serifFamily: CJK_FONT_FAMILY },
    logLevel: 'off',
  }).toString();
}

/**
 * resvg's SVG of `batch` shaped with the font's cuts: resvg reads font files
 * only, so they are written for it, read while the tree is built, and
 * removed. Null where that fails (resvg is then given the font files).
 */
function shapedWithCuts(batch: string, cuts: readonly Uint8Array[]): string | null {
  let dir: string | null = null;
  try {
    dir = mkdtempSync(join(tmpdir(), 'cjk-outline-'));
    const files = cuts.map((bytes, i) => {
      const file = join(dir!, `${i}.otf`);
      writeFileSync(file, bytes);
      return file;
    });
    return shaped(batch, files);
  } catch {
    return null;
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every text in one pass of resvg, each in a group of its own, read back from resvg's SVG. */
export function outlines(fontFiles: readonly string[], texts: readonly string[], fontInMemory = true): string[] {
  const batch = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">${texts.map((text, i) => `<g id="t${i}">${text}</g>`).join('')}</svg>`;
  const cuts = fontInMemory ? (keptFonts(fontFiles)?.cut(characters(texts)) ?? null) : null;
  const tree = (cuts === null ? null : shapedWithCuts(batch, cuts)) ?? shaped(batch, fontFiles);
  const groups = new Map<string, string>();
  for (const m of tree.matchAll(/<g id="t(\d+)"(?:\/>|>([\s\S]*?)\n {4}<\/g>)/g)) groups.set(m[1]!, (m[2] ?? '').replace(/ fill="#000000"/g, ''));
  return texts.map((_, i) => groups.get(String(i)) ?? '');
}

parentPort?.on('message', (job: OutlineJob) => {
  try {
    parentPort!.postMessage({ id: job.id, outlines: outlines(job.fontFiles, job.texts, job.fontInMemory ?? true) } satisfies OutlineReply);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message } satisfies OutlineReply);
  }
});
