/**
 * The InfluxDB schema, as line protocol built with the client's Point.
 * Tags hold only codes; figures are fields; a figure's time is 00:00 UTC on
 * the first day of its month (second precision).
 *
 * observation          tags indicator, region           fields value, yoy (when reported), status (when set), meta (from version 2)
 * observation_revision tags indicator, region, version  fields value, yoy, status, meta: one point per superseded version
 * receipt              tags indicator, batch            fields at, by, parts, regions0 … (receipts.ts)
 * catalog              tags kind, code                  fields seq, chunks, doc0 … docN (the entry as JSON)
 *
 * `meta` is one string, `v=<version>;t=<received ms>;b=<by>[;y=1 if yoy reported][;d=1 a withdrawal]`.
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
 * meta) read as they did.
 */
import { Point } from '@influxdata/influxdb-client';
import { type Figure, type Observation, type Status, STATUSES } from '../../domain/types.ts';
import { periodSeconds } from './queries.ts';

export interface Bookkeeping {
  version: number;
  receivedAt: number;
  by: string;
  /** The version withdraws the figure (posted in error). */
  withdrawn?: boolean;
}

export interface StoredFigure extends Observation, Bookkeeping {
  /** A first version without meta: receivedAt and by are to be read from its batch's receipt. */
  receipted?: boolean;
}

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

  /** The line of a figure with its bookkeeping (a stored figure's own, or its batch's: no copy per row). */
  line(f: Observation, bookkeeping: Bookkeeping): string {
    if (!Number.isFinite(f.value) || (f.yoy !== null && !Number.isFinite(f.yoy))) throw new Error('figures must be finite');
    const yoy = f.yoy === null ? '' : `,yoy=${f.yoy}`;
    const seconds = this.seconds(f.period);
    const { version } = bookkeeping;
    // Fields in Point's order (sorted by name): meta, status, value, yoy.
    if (this.measurement === 'observation' && version === 1) {
      // Only ever written where no point was: nothing stale to overwrite.
      return `${this.seriesKey(f, version)} ${f.status === null ? '' : `status="${f.status}",`}value=${f.value}${yoy} ${seconds}`;
    }
    const status = f.status !== null ? `,status="${f.status}"` : this.measurement === 'observation' ? ',status=""' : '';
    const tail = this.tailOf(bookkeeping.receivedAt, bookkeeping.by);
    const flags = `${f.yoy === null ? '' : ';y=1'}${bookkeeping.withdrawn === true ? ';d=1' : ''}`;
    return `${this.seriesKey(f, version)} meta="v=${version}${tail}${flags}"${status},value=${f.value}${yoy} ${seconds}`;
  }
}

const KNOWN_STATUSES = new Set<string>(STATUSES);

/**
 * A figure from the value, yoy, status and meta fields of either
 * measurement. Without meta it is a first version, whose yoy and status
 * fields were written only when reported, and whose receive time and
 * poster are in its batch's receipt.
 */
export function figureOf(value: unknown, yoy: unknown, status: unknown, meta: unknown): Figure & Bookkeeping & { receipted: boolean; withdrawn: boolean } {
  const first = meta === null || meta === undefined;
  const parts = new Map<string, string>();
  if (!first) {
    for (const part of String(meta).split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
    }
  }
  // A status field ("" for none) wins over the s= of points written before it.
  const s = typeof status === 'string' ? status : (parts.get('s') ?? '');
  return {
    value: Number(value),
    yoy: (first || parts.get('y') === '1') && typeof yoy === 'number' ? yoy : null,
    status: KNOWN_STATUSES.has(s) ? (s as Status) : null,
    version: first ? 1 : Number(parts.get('v') ?? 1),
    receivedAt: first ? Number.NaN : Number(parts.get('t') ?? 0),
    by: parts.get('b') ?? '',
    receipted: first,
    withdrawn: parts.get('d') === '1',
  };
}

/** JSON spread over string fields doc0 … docN, each under InfluxDB's 64 KB limit. */
function withDoc(point: Point, doc: unknown): Point {
  const json = JSON.stringify(doc);
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

export function reportLine(r: ReportLine): string {
  const point = new Point('report')
    .tag('region', r.region)
    .tag('period', r.period)
    .tag('version', String(r.version))
    .intField('generated_at', r.generatedAt)
    .stringField('trigger', r.trigger)
    .stringField('digest', r.digest)
    .intField('failures', r.failures)
    .stringField('quotes', JSON.stringify(r.quotes))
    .timestamp(String(periodSeconds(r.period)));
  return withDoc(point, r.facts).toLineProtocol()!;
}

export function stateLine(key: string, value: string): string {
  return new Point('state').tag('key', key).stringField('value', value).timestamp('0').toLineProtocol()!;
}

export type CatalogKind = 'region' | 'group' | 'indicator';

export function catalogLine(kind: CatalogKind, code: string, seq: number, doc: unknown): string {
  return withDoc(new Point('catalog').tag('kind', kind).tag('code', code).intField('seq', seq).timestamp('0'), doc).toLineProtocol()!;
}

/** The JSON of a catalog or report row: its first `chunks` doc fields (later ones may be stale). */
export function catalogDoc(get: (column: string) => unknown): unknown {
  const chunks = Number(get('chunks') ?? 0);
  let json = '';
  for (let i = 0; i < chunks; i++) json += String(get(`doc${i}`) ?? '');
  return JSON.parse(json);
}
