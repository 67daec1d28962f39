/**
 * The InfluxDB schema, as line protocol built with the client's Point.
 * Tags hold only codes; figures are fields; a figure's time is 00:00 UTC on
 * the first day of its month (second precision).
 *
 * observation          tags indicator, region           fields value, yoy (when reported), status (when set), meta (from version 2)
 * observation_revision tags indicator, region, version  fields value, yoy, status, meta: one point per superseded version
 * receipt              tags indicator, lane             fields at, by, parts, regions0 … (receipts.ts)
 * catalog              tag kind                         fields id (the code), seq, chunks, doc0 … docN (the entry as JSON); time: the entry's slot
 * report               tag region                       fields generated_at, trigger, digest, failures, quotes, chunks, doc0 …; time: the month + version seconds
 * token, access, review  no tags                       tokens, the pre-release access log, review decisions; times in ns (access-lines.ts)
 * report_template, report_template_part  no tags      report templates and their bytes (template-lines.ts)
 *
 * Tags hold only values as many as the catalog's codes (indicator, region)
 * or few (version, lane, kind; a release's `setting`, one per calendar
 * setting, publication-lines.ts): influxd 1.x refuses new tag values past
 * `max-values-per-tag` and new series past `max-series-per-database` for
 * good. What earlier releases wrote reads as it is: catalog entries with a
 * `code` tag at time 0 (catalogEntries), reports with `period` and
 * `version` tags at the month's time (reportKey), receipts with a `batch`
 * tag (receipts.ts).
 *
 * `meta` is one string, `v=<version>;t=<received ms>;b=<by>[;y=1 if yoy reported][;d=1 a withdrawal]
 * [;r=<reason>][;n=<note>]`: the version's reason and note (API.md "Corrections") when given, the
 * note with `%`, `;`, CR and LF written %25, %3B, %0D, %0A (so no note can end a part or a line,
 * or pass for a flag such as `;d=1`), the rest of it as it is (Chinese, quotes, `=`).
 * A withdrawal is a version: the point keeps the withdrawn figure's fields
 * (InfluxDB cannot drop a field of a point) and `d=1` says none is current.
 * A figure's first version carries no meta: its receive time and poster are
 * in the receipt of the batch that created it. Every field is a series of
 * its own inside InfluxDB, and a bookkeeping field on every figure made a
 * first load cost influxd about a third more than the bare figures.
 * Writing a point with the same tags and time replaces it field by field,
 * so a withdrawn growth leaves a stale `yoy` behind: from version 2 on, no
 * `y=1` says to ignore it, and `status` is always written ("" for none).
 * Points written before receipts (meta on every version, status as `s=` in
 * meta) read as they did, and points written before reasons and notes read
 * as none given. A first version posted with a reason or a note carries
 * meta as a later version does (`v=1;t=…;b=…;r=…`): its receipt is not
 * read for it; a first version without them is as bare as ever.
 */
import { reportJson } from '../report-json.ts';
import { Point } from '@influxdata/influxdb-client';
import { REASONS, type Reason } from '../../domain/corrections.ts';
import { type Figure, type Observation, type Status, STATUSES } from '../../domain/types.ts';
import { periodSeconds, secondsToPeriod } from './queries.ts';

/** A figure's bookkeeping, and a point as stored: kept by the memory layer in the same shape (memory/slices.ts). */
export type { Bookkeeping, KeptPoint as StoredFigure } from '../memory/slices.ts';
import type { Bookkeeping } from '../memory/slices.ts';

const NEEDS_ESCAPE = /["\\]/;
/** A tag value Point would write as it is (tags sorted by key: indicator, region, version). */
const PLAIN_TAG = /^[A-Za-z0-9_.-]+$/;

/** Characters of JSON per string field: 16,000 CJK characters stay under 64 KB of UTF-8. */
export const DOC_CHUNK_CHARS = 16_000;

/**
 * Lines of figures for one batch. Each series' key (measurement and tags) is
 * built once with the client's Point and reused for the series' figures;
 * fields are formatted and escaped as Point does. A fresh Point per line
 * cost 3.5 µs, which made building lines, not InfluxDB, the slowest part of
 * a large write; so does every string built per line that could be built
 * per series or per batch.
 */
export class FigureLines {
  /** indicator → region (→ version for revisions) → series key. */
  private readonly keys = new Map<string, Map<string, string | Map<number, string>>>();
  private readonly times = new Map<string, number>();
  /** `;t=…;b=…` of the last receive time and poster, escaped: the same for a whole batch. */
  private tail = { receivedAt: Number.NaN, by: '', text: '' };

  constructor(private readonly measurement: 'observation' | 'observation_revision') {}

  private seconds(period: string): number {
    let seconds = this.times.get(period);
    if (seconds === undefined) this.times.set(period, (seconds = periodSeconds(period)));
    return seconds;
  }

  private build(f: Observation, version: number | null): string {
    // Codes need no escaping in a tag (no space, comma, equals sign or backslash): the key is the text itself.
    if (PLAIN_TAG.test(f.indicator) && PLAIN_TAG.test(f.region)) {
      return `${this.measurement},indicator=${f.indicator},region=${f.region}${version === null ? '' : `,version=${version}`}`;
    }
    const point = new Point(this.measurement).tag('indicator', f.indicator).tag('region', f.region).floatField('value', 0);
    if (version !== null) point.tag('version', String(version));
    const line = point.toLineProtocol()!;
    return line.slice(0, line.lastIndexOf(' value=0'));
  }

  private seriesKey(f: Observation, version: number): string {
    let regions = this.keys.get(f.indicator);
    if (regions === undefined) this.keys.set(f.indicator, (regions = new Map()));
    const found = regions.get(f.region);
    if (this.measurement === 'observation') {
      if (found !== undefined) return found as string;
      const key = this.build(f, null);
      regions.set(f.region, key);
      return key;
    }
    let versions = found as Map<number, string> | undefined;
    if (versions === undefined) regions.set(f.region, (versions = new Map()));
    let key = versions.get(version);
    if (key === undefined) versions.set(version, (key = this.build(f, version)));
    return key;
  }

  private tailOf(receivedAt: number, by: string): string {
    const tail = this.tail;
    if (tail.receivedAt !== receivedAt || tail.by !== by) {
      const text = `;t=${receivedAt};b=${by}`;
      // Inside a quoted field only " and \ are escaped; the rest of meta is digits and letters.
      this.tail = { receivedAt, by, text: NEEDS_ESCAPE.test(text) ? text.replace(/["\\]/g, '\\$&') : text };
    }
    return this.tail.text;
  }

  /**
   * The line of a figure with its bookkeeping (a stored figure's own, or its
   * batch's: no copy per row). The reason and note are the bookkeeping's,
   * never the figure's: a withdrawal's are its own, not the withdrawn one's.
   */
  line(f: Observation, bookkeeping: Bookkeeping): string {
    if (!Number.isFinite(f.value) || (f.yoy !== null && !Number.isFinite(f.yoy))) throw new Error('figures must be finite');
    const yoy = f.yoy === null ? '' : `,yoy=${f.yoy}`;
    const seconds = this.seconds(f.period);
    const { version } = bookkeeping;
    const why = annotationMeta(bookkeeping.reason ?? null, bookkeeping.note ?? null);
    // Fields in Point's order (sorted by name): meta, status, value, yoy.
    if (this.measurement === 'observation' && version === 1 && why === '') {
      // Only ever written where no point was: nothing stale to overwrite.
      return `${this.seriesKey(f, version)} ${f.status === null ? '' : `status="${f.status}",`}value=${f.value}${yoy} ${seconds}`;
    }
    const status = f.status !== null ? `,status="${f.status}"` : this.measurement === 'observation' ? ',status=""' : '';
    const tail = this.tailOf(bookkeeping.receivedAt, bookkeeping.by);
    const flags = `${f.yoy === null ? '' : ';y=1'}${bookkeeping.withdrawn === true ? ';d=1' : ''}`;
    return `${this.seriesKey(f, version)} meta="v=${version}${tail}${flags}${why}"${status},value=${f.value}${yoy} ${seconds}`;
  }
}

const KNOWN_REASONS = new Set<string>(REASONS);
/** Characters a note cannot hold as they are in meta: `%` (the escape), `;` (ends a part), CR and LF (end a line). */
const NOTE_ESCAPES = /[%;\r\n]/g;
const NOTE_ESCAPED = /%(25|3B|0D|0A)/g;
const UNESCAPED: Record<string, string> = { '25': '%', '3B': ';', '0D': '\r', '0A': '\n' };

/** A note as meta holds it (percent escapes for `%`, `;`, CR, LF). */
export function noteToMeta(note: string): string {
  return note.replace(NOTE_ESCAPES, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

export function noteFromMeta(text: string): string {
  return text.replace(NOTE_ESCAPED, (_, hex: string) => UNESCAPED[hex]!);
}

/**
 * `;r=<reason>;n=<note>` for meta, each part only when given, escaped for a
 * quoted field (only " and \ are escaped there): empty when neither is.
 */
function annotationMeta(reason: Reason | null, note: string | null): string {
  if (reason === null && note === null) return '';
  const text = `${reason === null ? '' : `;r=${reason}`}${note === null ? '' : `;n=${noteToMeta(note)}`}`;
  return NEEDS_ESCAPE.test(text) ? text.replace(/["\\]/g, '\\$&') : text;
}

const KNOWN_STATUSES = new Set<string>(STATUSES);

/**
 * A figure from the value, yoy, status and meta fields of either
 * measurement. Without meta it is a first version, whose yoy and status
 * fields were written only when reported, and whose receive time and
 * poster are in its batch's receipt.
 */
export function figureOf(
  value: unknown,
  yoy: unknown,
  status: unknown,
  meta: unknown,
): Figure & Bookkeeping & { receipted: boolean; withdrawn: boolean; reason: Reason | null; note: string | null } {
  const first = meta === null || meta === undefined;
  const parts = new Map<string, string>();
  if (!first) {
    // A note holds no `;` (noteToMeta): every part is one key's.
    for (const part of String(meta).split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  // A status field ("" for none) wins over the s= of points written before it.
  const s = typeof status === 'string' ? status : (parts.get('s') ?? '');
  const r = parts.get('r');
  const n = parts.get('n');
  return {
    value: Number(value),
    yoy: (first || parts.get('y') === '1') && typeof yoy === 'number' ? yoy : null,
    status: KNOWN_STATUSES.has(s) ? (s as Status) : null,
    version: first ? 1 : Number(parts.get('v') ?? 1),
    receivedAt: first ? Number.NaN : Number(parts.get('t') ?? 0),
    by: parts.get('b') ?? '',
    receipted: first,
    withdrawn: parts.get('d') === '1',
    // Points written before reasons and notes have neither: none given.
    reason: r !== undefined && KNOWN_REASONS.has(r) ? (r as Reason) : null,
    note: n === undefined ? null : noteFromMeta(n),
  };
}

/** JSON spread over string fields doc0 … docN, each under InfluxDB's 64 KB limit. */
export function withDoc(point: Point, doc: unknown): Point {
  const json = reportJson(doc);
  const chunks = Math.max(1, Math.ceil(json.length / DOC_CHUNK_CHARS));
  for (let i = 0; i < chunks; i++) point.stringField(`doc${i}`, json.slice(i * DOC_CHUNK_CHARS, (i + 1) * DOC_CHUNK_CHARS));
  return point.intField('chunks', chunks);
}

export interface ReportLine {
  region: string;
  period: string;
  version: number;
  generatedAt: number;
  trigger: string;
  digest: string;
  failures: number;
  quotes: readonly string[];
  facts: unknown;
}

/** Seconds in the shortest month: a report's version is its second in its month, below this. */
export const REPORT_VERSIONS_MAX = 28 * 86_400 - 1;

/** A report's point: its region's series, at its month's time plus its version in seconds. */
export function reportLine(r: ReportLine): string {
  if (!Number.isInteger(r.version) || r.version < 1 || r.version > REPORT_VERSIONS_MAX) throw new Error(`a report version from 1 to ${REPORT_VERSIONS_MAX}`);
  const point = new Point('report')
    .tag('region', r.region)
    .intField('generated_at', r.generatedAt)
    .stringField('trigger', r.trigger)
    .stringField('digest', r.digest)
    .intField('failures', r.failures)
    .stringField('quotes', JSON.stringify(r.quotes))
    .timestamp(String(periodSeconds(r.period) + r.version));
  return withDoc(point, r.facts).toLineProtocol()!;
}

/**
 * Region, month and version of a report row: from its time (this layout),
 * or from the `period` and `version` tags of a report written before it.
 */
export function reportKey(get: (column: string) => unknown): { region: string; period: string; version: number } {
  const time = Number(get('time'));
  const tagged = get('period');
  const period = typeof tagged === 'string' && tagged !== '' ? tagged : secondsToPeriod(time);
  const version = get('version');
  return { region: String(get('region')), period, version: typeof version === 'string' && version !== '' ? Number(version) : time - periodSeconds(period) };
}

export function stateLine(key: string, value: string): string {
  return new Point('state').tag('key', key).stringField('value', value).timestamp('0').toLineProtocol()!;
}

export type CatalogKind = 'region' | 'group' | 'indicator';
const KINDS = new Set<string>(['region', 'group', 'indicator']);

/**
 * A catalog entry's point: its kind's series, the code in field `id`, at
 * its slot (seconds from 1 on, one slot per code of a kind). A code in a
 * tag made every entry a tag value and a series of its own: past influxd's
 * `max-values-per-tag` no entry could be added or changed again.
 */
export function catalogLine(kind: CatalogKind, code: string, seq: number, doc: unknown, slot: number): string {
  if (!Number.isSafeInteger(slot) || slot < 1) throw new Error('a catalog slot is a whole number from 1');
  return withDoc(new Point('catalog').tag('kind', kind).stringField('id', code).intField('seq', seq).timestamp(String(slot)), doc).toLineProtocol()!;
}

/** A catalog row as read: the entry's kind, code and order, its slot (null: written before slots, with a `code` tag). */
export interface CatalogEntry {
  kind: CatalogKind;
  code: string;
  seq: number;
  slot: number | null;
  get: (column: string) => unknown;
}

/**
 * The entries of catalog rows (`time`, `kind`, `id` or the `code` tag,
 * `seq`), one per kind and code: the one written in slots wins over one
 * written before them (a later save of the code), the higher slot over a
 * lower (never two, but for two instances writing the catalog at once).
 */
export function catalogEntries(rows: ReadonlyArray<(column: string) => unknown>): CatalogEntry[] {
  const out = new Map<string, CatalogEntry>();
  for (const get of rows) {
    const kind = get('kind');
    if (typeof kind !== 'string' || !KINDS.has(kind)) continue;
    const id = get('id');
    const slotted = typeof id === 'string' && id !== '';
    const code = slotted ? id : get('code');
    if (typeof code !== 'string' || code === '') continue;
    const entry: CatalogEntry = { kind: kind as CatalogKind, code, seq: Number(get('seq') ?? 0), slot: slotted ? Number(get('time')) : null, get };
    const key = `${kind}\u0000${code}`;
    const before = out.get(key);
    if (before === undefined || (entry.slot !== null && (before.slot === null || entry.slot > before.slot))) out.set(key, entry);
  }
  return [...out.values()];
}

/**
 * Slots for saving these codes of one kind: a code's own slot when it has
 * one, else the next after every slot the kind uses. Only one instance
 * writes, one catalog save at a time: no two codes are given one slot.
 */
export function catalogSlots(entries: readonly CatalogEntry[], kind: CatalogKind, codes: readonly string[]): number[] {
  const own = new Map<string, number>();
  let last = 0;
  for (const e of entries) {
    if (e.kind !== kind || e.slot === null) continue;
    own.set(e.code, e.slot);
    if (e.slot > last) last = e.slot;
  }
  return codes.map((code) => {
    let slot = own.get(code);
    if (slot === undefined) own.set(code, (slot = ++last));
    return slot;
  });
}

/** The JSON of a catalog or report row: its first `chunks` doc fields (later ones may be stale). */
export function catalogDoc(get: (column: string) => unknown): unknown {
  const chunks = Number(get('chunks') ?? 0);
  let json = '';
  for (let i = 0; i < chunks; i++) json += String(get(`doc${i}`) ?? '');
  return JSON.parse(json);
}
