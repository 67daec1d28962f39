/**
 * The thread that turns chart texts into outlines (png.ts): shaping with a
 * 19 MB CJK font takes resvg about 11 ms a text, so the first drawing of a
 * chart with new labels takes up to a second; here it never holds up the
 * service's other requests.
 */
import { parentPort } from 'node:worker_threads';
import { Resvg } from '@resvg/resvg-js';
import { CJK_FONT_FAMILY } from '../fonts.ts';

export interface OutlineJob {
  id: number;
  fontFiles: string[];
  /** Each a <text> element as its shape decides it. */
  texts: string[];
}

export interface OutlineReply {
  id: number;
  /** The outlines of each text (paths), in the order given; or why they could not be made. */
  outlines?: string[];
  error?: string;
}

/** Every text in one pass of resvg, each in a group of its own, read back from resvg's SVG. */
export function outlines(fontFiles: readonly string[], texts: readonly string[]): string[] {
  const batch = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1">${texts.map((text, i) => `<g id="t${i}">${text}</g>`).join('')}</svg>`;
  const tree = new Resvg(batch, {
    font: { fontFiles: [...fontFiles], loadSystemFonts: false, defaultFontFamily: CJK_FONT_FAMILY, sansSerifFamily: CJK_FONT_FAMILY, serifFamily: CJK_FONT_FAMILY },
    logLevel: 'off',
  }).toString();
  const groups = new Map<string, string>();
  for (const m of tree.matchAll(/<g id="t(\d+)"(?:\/>|>([\s\S]*?)\n {4}<\/g>)/g)) groups.set(m[1]!, (m[2] ?? '').replace(/ fill="#000000"/g, ''));
  return texts.map((_, i) => groups.get(String(i)) ?? '');
}

parentPort?.on('message', (job: OutlineJob) => {
  try {
    parentPort!.postMessage({ id: job.id, outlines: outlines(job.fontFiles, job.texts) } satisfies OutlineReply);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message } satisfies OutlineReply);
  }
});
