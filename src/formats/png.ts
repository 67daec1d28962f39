/**
 * Charts as PNG: the SVG the service draws (charts/render.ts), rasterised
 * by resvg (@resvg/resvg-js, a native build shipped as an npm package).
 *
 * Chinese text needs a CJK font, loaded from its file: with system fonts
 * alone resvg may pick a Japanese face (other glyph shapes for the same
 * characters) or drop the text without a word. Debian's fonts-noto-cjk has
 * Noto Sans CJK in .ttc collections of five faces each; every text is drawn
 * with the SC (simplified Chinese) face named explicitly.
 *
 * Shaping text with a 19 MB CJK collection costs resvg about 11 ms per text
 * element, so a 36-label chart took 300 ms. Texts are therefore turned into
 * outlines once, all a chart's new ones in one batch, kept by what decides
 * their shape (content, size, weight, anchor), and the chart is rasterised
 * with outlines in place of texts: the labels of a peer set, the axis ticks
 * and the titles repeat from chart to chart. The outlining thread holds the
 * font in memory (font-subset.ts): resvg read the whole file again for
 * every glyph it shaped.
 */
import { renderAsync } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { ApiError } from '../errors.ts';
import { CJK_FONT_FAMILY, CJK_FONT_PACKAGE, DEFAULT_CJK_FONT_FILES } from '../fonts.ts';
import type { OutlineJob, OutlineReply } from './outline-worker.ts';
import { startWorker } from '../workers.ts';

/** The outlining thread next to this file: compiled JavaScript, or TypeScript through tsx in development and tests. */
/** Twice the pixels of the SVG's size: sharp in a Word document and on a high-density screen. */
export const DEFAULT_PNG_SCALE = 2;
export const MIN_PNG_SCALE = 1;
/** Four times a chart of 800×500 is 3200×2000 pixels, 25 MB of RGBA while drawing: enough for print. */
export const MAX_PNG_SCALE = 4;
/** Outlines kept: a few thousand labels (names of every county in a province, ticks, titles) at a few KB each. */
const OUTLINES_KEPT = 4096;

/** Attributes of a <text> that paint or place it: kept on the outline's group. */
const PAINT = new Set(['transform', 'fill', 'fill-opacity', 'opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'clip-path', 'visibility']);
/** Attributes that neither shape nor paint: dropped (the font family is ours). */
const IGNORED = /^(font-family|aria-.*|role|id|class)$/;
/** A text element, attributes read quote by quote (a label may hold `>`); an empty one is self-closed. */
const TEXT = /<text((?:\s+[\w:-]+="[^"]*")*)\s*(?:\/>|>([\s\S]*?)<\/text>)/g;
const ATTRIBUTE = /([\w:-]+)="([^"]*)"/g;

export class PngRenderer {
  /** Why PNG cannot be drawn here (the font is missing), or null. */
  readonly unavailable: string | null;
  private readonly fontFiles: string[];
  private readonly outlines = new Map<string, string>();
  /** The outlining thread, started at the first drawing; its jobs by id. */
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, { resolve: (outlines: string[]) => void; reject: (error: Error) => void }>();
  private nextJob = 1;
  private readonly fontInMemory: boolean;

  /** `fontInMemory: false` gives resvg the font files themselves, read again for every glyph: the yardstick of bench/png-font.ts. */
  constructor(fontFiles: readonly string[] = DEFAULT_CJK_FONT_FILES, options: { fontInMemory?: boolean } = {}) {
    const [regular] = fontFiles;
    this.fontInMemory = options.fontInMemory ?? true;
    this.fontFiles = fontFiles.filter((f) => existsSync(f));
    this.unavailable =
      regular === undefined || !existsSync(regular)
        ? `PNG needs the CJK font file ${regular ?? '(none configured)'}: install the Debian package ${CJK_FONT_PACKAGE} (apt-get install ${CJK_FONT_PACKAGE}) or point CJK_FONT_FILES at Noto Sans CJK`
        : null;
  }

  /** The SVG as PNG at `scale` times its size; 503 when the font is missing. */
  async render(svg: string, scale: number = DEFAULT_PNG_SCALE): Promise<Buffer> {
    if (this.unavailable !== null) throw new ApiError('not_ready', this.unavailable, { details: [{ field: 'format', message: `install ${CJK_FONT_PACKAGE}` }] });
    const image = await renderAsync(await this.outlined(svg), { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: false }, logLevel: 'off' });
    return image.asPng();
  }

  /** The SVG with every <text> replaced by its outlines. */
  async outlined(svg: string): Promise<string> {
    const texts = [...svg.matchAll(TEXT)].map((m) => this.split(m[1]!, m[2] ?? ''));
    await this.outline(texts.map((t) => t.key).filter((key) => !this.outlines.has(key)));
    let i = 0;
    return svg.replace(TEXT, () => {
      const { key, paint } = texts[i++]!;
      const paths = this.outlines.get(key) ?? '';
      // Used again: kept longer (a Map iterates in insertion order).
      this.outlines.delete(key);
      this.outlines.set(key, paths);
      return `<g${paint}>${paths}</g>`;
    });
  }

  /** A text's shaping (the key its outlines are kept under) and its paint. */
  private split(attributes: string, content: string): { key: string; paint: string } {
    let shape = '';
    let paint = '';
    for (const [, name, value] of attributes.matchAll(ATTRIBUTE)) {
      if (PAINT.has(name!)) paint += ` ${name}="${value}"`;
      else if (!IGNORED.test(name!)) shape += ` ${name}="${value}"`;
    }
    return { key: `<text font-family="${CJK_FONT_FAMILY}"${shape}>${content}</text>`, paint };
  }

  /** Outlines of the texts not yet kept, made on the outlining thread. */
  private async outline(keys: string[]): Promise<void> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return;
    const made = await this.ask(unique);
    unique.forEach((key, i) => {
      this.outlines.set(key, made[i] ?? '');
      if (this.outlines.size > OUTLINES_KEPT) this.outlines.delete(this.outlines.keys().next().value!);
    });
  }

  private ask(texts: string[]): Promise<string[]> {
    const worker = (this.worker ??= this.start());
    const id = this.nextJob++;
    worker.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      worker.postMessage({ id, fontFiles: this.fontFiles, texts, fontInMemory: this.fontInMemory } satisfies OutlineJob);
    });
  }

  private start(): Worker {
    const worker = startWorker(import.meta.url, 'outline-worker');
    worker.on('message', (reply: OutlineReply) => {
      const job = this.jobs.get(reply.id);
      this.jobs.delete(reply.id);
      // Idle, the thread keeps nothing alive.
      if (this.jobs.size === 0) worker.unref();
      if (reply.outlines !== undefined) job?.resolve(reply.outlines);
      else job?.reject(new Error(`outlining chart texts failed: ${reply.error}`));
    });
    const fail = (error: Error) => {
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
      this.worker = null;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the outlining thread exited with code ${code}`)));
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }
}
