/**
 * Report templates in InfluxDB (TemplatesPort): what a template is in one
 * small point, its bytes in points of their own, in a measurement no other
 * read touches.
 *
 * report_template       (no tags)  fields name, kind, size, sha256, saved_at (ms), saved_by, chunks, doc0 … (the tags as JSON),
 *                                  length (bytes stored), parts, gen, deleted                 time: the template's slot (s)
 * report_template_part  (no tags)  fields i, b (base64 of up to TEMPLATE_PART_BYTES bytes)    time (ns): partTime(slot, gen, i)
 *
 * Each name and kind has a slot (seconds from 1, the next free one for a
 * name and kind never saved), and its point there is rewritten by every
 * save and delete: the latest write wins, field by field, so each writes
 * every field. A delete writes `deleted` (a tombstone), keeping `gen`; a
 * later save of that name and kind writes the slot again.
 *
 * Each save writes its bytes at a time range of its own, new for every
 * save of the slot (`gen` counts them), and only then the slot's point that
 * names them: a save cut short leaves the template as it was, and a read
 * never mixes two saves' parts. Parts of a replaced or deleted template are
 * then rewritten empty (InfluxDB drops the overwritten values as it
 * compacts, the only way 1.x frees them without DELETE): a read that took
 * the old point and then found an empty part reads again.
 *
 * Names, kinds and holders are fields, never tags: no tag value or series
 * grows with what staff upload, and reads of figures never see these points.
 */
import { Point } from '@influxdata/influxdb-client';
import type { StoredTemplate, TemplateInfo, TemplateKind } from '../store.ts';
import { nanoTime } from './access-lines.ts';
import { catalogDoc, DOC_CHUNK_CHARS, withDoc } from './lines.ts';

/**
 * Bytes per part: their base64 is ASCII, one byte a character, so three
 * times DOC_CHUNK_CHARS (sized for four-byte characters) still stays under
 * InfluxDB's 64 KB a string field: 48,000 characters.
 */
export const TEMPLATE_PART_BYTES = ((DOC_CHUNK_CHARS * 3) / 4) * 3;
/** Parts of one template at most: 36 MB, far past the 5 MB a template may be. */
export const TEMPLATE_PARTS_MAX = 1000;
/** Saves of one slot: each a range of TEMPLATE_PARTS_MAX ns, below the next slot's. */
const GENERATIONS_MAX = 1_000_000_000;
const SLOT_NS = BigInt(TEMPLATE_PARTS_MAX) * BigInt(GENERATIONS_MAX);
const KINDS = new Set<string>(['docx', 'markdown', 'html']);

/** The time (ns) of part `i` of a slot's save number `gen`. */
export function partTime(slot: number, gen: number, i: number): bigint {
  return BigInt(slot) * SLOT_NS + BigInt(gen) * BigInt(TEMPLATE_PARTS_MAX) + BigInt(i);
}

/** The times of a save's parts: from (inclusive) and to (exclusive), as InfluxQL compares them. */
export function partRange(slot: number, gen: number, parts: number): { from: string; to: string } {
  return { from: nanoTime(partTime(slot, gen, 0)), to: nanoTime(partTime(slot, gen, parts)) };
}

/** How many parts the bytes take. */
export function partCount(length: number): number {
  const parts = Math.ceil(length / TEMPLATE_PART_BYTES);
  if (parts > TEMPLATE_PARTS_MAX) throw new Error(`a template of at most ${TEMPLATE_PARTS_MAX * TEMPLATE_PART_BYTES} bytes`);
  return parts;
}

/** Part `i` of the bytes, at its save's range (precision ns); empty bytes: a blanked part. */
export function partLine(slot: number, gen: number, i: number, bytes: Buffer | null): string {
  const b = bytes === null ? '' : bytes.subarray(i * TEMPLATE_PART_BYTES, (i + 1) * TEMPLATE_PART_BYTES).toString('base64');
  return new Point('report_template_part').intField('i', i).stringField('b', b).timestamp(partTime(slot, gen, i).toString()).toLineProtocol()!;
}

/** A slot's point as read. */
export interface TemplateEntry {
  slot: number;
  gen: number;
  parts: number;
  /** Bytes stored (the check that every part was read whole). */
  length: number;
  deleted: boolean;
  info: TemplateInfo;
}

/** A slot's point (precision s): a save's, naming its parts, or a tombstone keeping the last save's number. */
export function templateLine(slot: number, gen: number, info: TemplateInfo, stored: { length: number; parts: number } | null): string {
  if (!Number.isSafeInteger(slot) || slot < 1) throw new Error('a template slot is a whole number from 1');
  if (!Number.isSafeInteger(gen) || gen < 0 || gen >= GENERATIONS_MAX) throw new Error(`a template is saved at most ${GENERATIONS_MAX - 1} times`);
  const point = new Point('report_template')
    .stringField('name', info.name)
    .stringField('kind', info.kind)
    .intField('size', info.size)
    .stringField('sha256', info.sha256)
    .intField('saved_at', info.savedAt.getTime())
    .stringField('saved_by', info.savedBy)
    .intField('length', stored?.length ?? 0)
    .intField('parts', stored?.parts ?? 0)
    .intField('gen', gen)
    .booleanField('deleted', stored === null)
    .timestamp(String(slot));
  return withDoc(point, info.tags).toLineProtocol()!;
}

/** What a template is, without its bytes (a caller's object may carry more). */
export function templateInfo(t: StoredTemplate | TemplateInfo): TemplateInfo {
  return { name: t.name, kind: t.kind, size: t.size, sha256: t.sha256, savedAt: new Date(t.savedAt.getTime()), savedBy: t.savedBy, tags: [...t.tags] };
}

/**
 * The slot of each name and kind from the rows of the templates query,
 * tombstones included: the highest slot, when two were ever given one
 * (two instances saving it at once), the other left unread.
 */
export function templateEntries(rows: ReadonlyArray<(column: string) => unknown>): Map<string, TemplateEntry> {
  const out = new Map<string, TemplateEntry>();
  for (const get of rows) {
    const name = get('name');
    const kind = get('kind');
    if (typeof name !== 'string' || typeof kind !== 'string' || !KINDS.has(kind)) continue;
    const slot = Number(get('time'));
    const key = templateKey(name, kind as TemplateKind);
    const before = out.get(key);
    if (before !== undefined && before.slot > slot) continue;
    out.set(key, {
      slot,
      gen: Number(get('gen') ?? 0),
      parts: Number(get('parts') ?? 0),
      length: Number(get('length') ?? 0),
      deleted: get('deleted') === true,
      info: {
        name,
        kind: kind as TemplateKind,
        size: Number(get('size') ?? 0),
        sha256: String(get('sha256') ?? ''),
        savedAt: new Date(Number(get('saved_at') ?? 0)),
        savedBy: String(get('saved_by') ?? ''),
        tags: catalogDoc(get) as string[],
      },
    });
  }
  return out;
}

export const templateKey = (name: string, kind: TemplateKind) => `${name}\u0000${kind}`;

/** The next free slot: after every slot given. */
export function nextTemplateSlot(entries: Iterable<TemplateEntry>): number {
  let last = 0;
  for (const e of entries) if (e.slot > last) last = e.slot;
  return last + 1;
}

/**
 * The bytes of a save from the rows of its parts, or null when they are
 * not all there whole (a part missing, or rewritten empty since the slot's
 * point was read: the template was replaced or deleted meanwhile).
 */
export function templateBytes(rows: ReadonlyArray<(column: string) => unknown>, entry: TemplateEntry): Buffer | null {
  const parts = new Array<Buffer | undefined>(entry.parts);
  for (const get of rows) {
    const i = Number(get('i'));
    const b = get('b');
    if (!Number.isInteger(i) || i < 0 || i >= entry.parts || typeof b !== 'string' || b === '') continue;
    parts[i] = Buffer.from(b, 'base64');
  }
  for (let i = 0; i < entry.parts; i++) if (parts[i] === undefined) return null;
  const bytes = Buffer.concat(parts as Buffer[]);
  return bytes.length === entry.length ? bytes : null;
}
