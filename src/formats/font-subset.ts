/**
 * The CJK font kept in memory, for the outlining thread (outline-worker.ts).
 *
 * resvg-js 2.6.2 (the native build) takes fonts as file paths only (its
 * `fontBuffers` is in the WebAssembly build alone), and it reads the whole
 * file again for every glyph it shapes or outlines: with Noto Sans CJK,
 * 19.5 MB a file, that was a dozen reads of 19.5 MB a label, most of the
 * time outlining took. Here each file is read once, into HarfBuzz's
 * subsetter (the WebAssembly build harfbuzzjs ships), and for a batch of
 * texts the faces resvg would draw with are cut down to the batch's
 * characters (and those of the batches before: CUT_CHARACTERS): tens or
 * hundreds of KB that resvg reads instead, from files that are still
 * explicit font files (no system fonts). All but the glyphs resvg
 * cannot reach is kept (every name and table, the layout features resvg
 * shapes with and the glyphs they reach, the outline of the missing-glyph
 * box), so resvg shapes and outlines the texts as it does from the whole
 * file: test/formats/png.test.ts compares.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The functions of harfbuzz-subset.wasm used here (HarfBuzz's C API; pointers are offsets in its memory). */
interface HarfBuzzSubset {
  memory: WebAssembly.Memory;
  _initialize?: () => void;
  malloc: (size: number) => number;
  hb_blob_create: (data: number, length: number, mode: number, userData: number, destroy: number) => number;
  hb_blob_destroy: (blob: number) => void;
  hb_blob_get_length: (blob: number) => number;
  hb_blob_get_data: (blob: number, length: number) => number;
  hb_face_create: (blob: number, index: number) => number;
  hb_face_destroy: (face: number) => void;
  hb_face_reference_blob: (face: number) => number;
  hb_set_add: (set: number, codePoint: number) => void;
  hb_set_clear: (set: number) => void;
  hb_set_invert: (set: number) => void;
  hb_subset_input_create_or_fail: () => number;
  hb_subset_input_destroy: (input: number) => void;
  hb_subset_input_set: (input: number, which: number) => number;
  hb_subset_input_unicode_set: (input: number) => number;
  hb_subset_input_set_flags: (input: number, flags: number) => void;
  hb_subset_or_fail: (face: number, input: number) => number;
}

/** hb_memory_mode_t: the font's bytes are HarfBuzz's to read, never to change or free. */
const HB_MEMORY_MODE_READONLY = 1;
/** hb_subset_sets_t: tables dropped (none); name IDs, name languages and layout scripts kept (all); layout features kept. */
const HB_SUBSET_SETS_DROP_TABLE_TAG = 3;
const KEPT_SETS = [4, 5, 7];
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;
/**
 * The features resvg asks for beyond those a shaper applies by default
 * (HarfBuzz's own list, which the subsetter keeps): small capitals. resvg
 * asks for no other (kerning it only turns off), so the glyphs that only
 * other features reach (the CJK font's many alternates) are left out:
 * that closure took most of the subsetter's time.
 */
const SMCP = 0x736d6370;
/**
 * Characters one cut may hold. Cutting costs about 10 ms a face whatever
 * the characters (HarfBuzz walks the whole font's tables), while a chart's
 * digits, place names and words recur: a cut holds the characters of the
 * batches before too, and a batch it covers is drawn with it as it is.
 * Past this many a batch gets a cut of its own again: resvg reads its cut
 * a dozen times a text (about 700 KB for 1,024 CJK characters, two faces).
 */
export const CUT_CHARACTERS = 1024;
/** hb_subset_flags_t: legacy names, the missing-glyph box, glyph names, unicode ranges and unknown tables as they are. */
const HB_SUBSET_FLAGS_KEEP = 0x08 | 0x20 | 0x40 | 0x80 | 0x100;

let compiled: WebAssembly.Module | undefined;

function harfBuzz(): HarfBuzzSubset {
  compiled ??= new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')));
  const hb = new WebAssembly.Instance(compiled, {}).exports as unknown as HarfBuzzSubset;
  hb._initialize?.();
  return hb;
}

interface FaceInfo {
  index: number;
  families: string[];
}

/** The family names (name IDs 1 and 16) of each face of a font file: one face, or each of a collection's. */
export function faceFamilies(data: Buffer): FaceInfo[] {
  const offsets = data.toString('latin1', 0, 4) === 'ttcf' ? Array.from({ length: data.readUInt32BE(8) }, (_, i) => data.readUInt32BE(12 + 4 * i)) : [0];
  return offsets.map((offset, index) => {
    const families = new Set<string>();
    const tables = data.readUInt16BE(offset + 4);
    for (let t = 0; t < tables; t++) {
      const record = offset + 12 + 16 * t;
      if (data.toString('latin1', record, record + 4) !== 'name') continue;
      const name = data.readUInt32BE(record + 8);
      const count = data.readUInt16BE(name + 2);
      const strings = name + data.readUInt16BE(name + 4);
      for (let r = 0; r < count; r++) {
        const at = name + 6 + 12 * r;
        const [platform, encoding, id, length, start] = [data.readUInt16BE(at), data.readUInt16BE(at + 2), data.readUInt16BE(at + 6), data.readUInt16BE(at + 8), strings + data.readUInt16BE(at + 10)];
        if (id !== 1 && id !== 16) continue;
        if (platform === 0 || platform === 3) families.add(Buffer.from(data.subarray(start, start + length)).swap16().toString('utf16le'));
        else if (platform === 1 && encoding === 0) families.add(data.toString('latin1', start, start + length));
      }
    }
    return { index, families: [...families] };
  });
}

/** A batch's characters: every code point of its texts (markup included: ASCII), character references decoded. */
export function characters(texts: readonly string[]): Set<number> {
  const found = new Set<number>();
  const add = (s: string) => {
    for (const ch of s) found.add(ch.codePointAt(0)!);
  };
  for (const text of texts) {
    add(text);
    for (const [, decimal, hex] of text.matchAll(/&#(?:(\d+)|x([0-9a-fA-F]+));/g)) {
      const code = decimal === undefined ? parseInt(hex!, 16) : Number(decimal);
      if (code <= 0x10ffff) found.add(code);
    }
    // resvg draws small capitals as capitals.
    if (text.includes('small-caps')) add(text.toUpperCase());
  }
  return found;
}

/**
 * Font files held in memory: the faces of `family` (every face of a file
 * that has none, which resvg may fall back to), in the order resvg loads
 * them from the files.
 */
export class KeptFonts {
  /** The last cut and the characters it holds. */
  private last: { characters: Set<number>; cuts: Uint8Array[] } | null = null;

  private constructor(
    private readonly hb: HarfBuzzSubset,
    private readonly faces: number[],
  ) {}

  /** The files' faces in memory; null when no face is named `family` (resvg is then given the files themselves). */
  static load(files: readonly string[], family: string): KeptFonts | null {
    const wanted = family.toLowerCase();
    const read = files.map((file) => {
      const data = readFileSync(file);
      const faces = faceFamilies(data);
      const named = faces.filter((f) => f.families.some((name) => name.toLowerCase() === wanted));
      return { data, faces: named.length > 0 ? named : faces, named: named.length > 0 };
    });
    if (!read.some((r) => r.named)) return null;
    const hb = harfBuzz();
    const faces: number[] = [];
    for (const { data, faces: kept } of read) {
      const at = hb.malloc(data.length);
      if (at === 0) throw new Error(`no memory for the font's ${data.length} bytes`);
      new Uint8Array(hb.memory.buffer, at, data.length).set(data);
      const blob = hb.hb_blob_create(at, data.length, HB_MEMORY_MODE_READONLY, 0, 0);
      for (const face of kept) faces.push(hb.hb_face_create(blob, face.index));
    }
    return new KeptFonts(hb, faces);
  }

  /**
   * Each kept face cut to hold `wanted` (and the characters of the batches
   * before, up to CUT_CHARACTERS), as the bytes of a font file: the last cut
   * again when it holds them all. Null when HarfBuzz could not cut a face.
   */
  cut(wanted: ReadonlySet<number>): Uint8Array[] | null {
    const last = this.last;
    if (last !== null && [...wanted].every((c) => last.characters.has(c))) return last.cuts;
    const characters = last !== null && last.characters.size + wanted.size <= CUT_CHARACTERS ? new Set([...last.characters, ...wanted]) : new Set(wanted);
    const cuts = this.subset(characters);
    this.last = cuts === null ? null : { characters, cuts };
    return cuts;
  }

  private subset(codePoints: Iterable<number>): Uint8Array[] | null {
    const hb = this.hb;
    const out: Uint8Array[] = [];
    for (const face of this.faces) {
      const input = hb.hb_subset_input_create_or_fail();
      if (input === 0) return null;
      let cut = 0;
      try {
        for (const which of KEPT_SETS) {
          const set = hb.hb_subset_input_set(input, which);
          hb.hb_set_clear(set);
          hb.hb_set_invert(set);
        }
        hb.hb_set_add(hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG), SMCP);
        hb.hb_set_clear(hb.hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG));
        hb.hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_KEEP);
        const unicodes = hb.hb_subset_input_unicode_set(input);
        for (const code of codePoints) hb.hb_set_add(unicodes, code);
        cut = hb.hb_subset_or_fail(face, input);
      } finally {
        hb.hb_subset_input_destroy(input);
      }
      if (cut === 0) return null;
      const blob = hb.hb_face_reference_blob(cut);
      const length = hb.hb_blob_get_length(blob);
      const data = hb.hb_blob_get_data(blob, 0);
      if (length > 0) out.push(new Uint8Array(hb.memory.buffer, data, length).slice());
      hb.hb_blob_destroy(blob);
      hb.hb_face_destroy(cut);
      if (length === 0) return null;
    }
    return out;
  }
}
