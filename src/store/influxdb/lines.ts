/**
 * The InfluxDB schema, as line protocol built with the client's Point.
 * Tags hold only codes; figures are fields; a figure's time is 00:00 UTC on
 * the first day of its month (second precision).
 *
 * observation          tags indicator, region           fields value, yoy (when reported), meta
 * observation_revision tags indicator, region, version  the same fields, one point per superseded version
 * catalog              tags kind, code                  fields seq, chunks, doc0 … docN (the entry as JSON)
 *
 * `meta` is one string, `v=<version>;t=<received ms>;b=<by>[;s=<status>][;y=1 if yoy reported]`:
 * each field is a separate series inside InfluxDB, and folding the
 * bookkeeping into one triples the write rate against a field apiece.
 * Writing a point with the same tags and time replaces it field by field,
 * so a withdrawn growth leaves a stale `yoy` behind: no `y=1` says to ignore it.
 */
import { escape, Point } from '@influxdata/influxdb-client';
import type { Figure, Observation, Status } from '../../domain/types.ts';
import { periodSeconds } from './queries.ts';

export interface Bookkeeping {
  version: number;
  receivedAt: number;
  by: string;
}

export interface StoredFigure extends Observation, Bookkeeping {}

const NEEDS_ESCAPE = /["\\]/;

/** Characters of JSON per string field: 16,000 CJK characters stay under 64 KB of UTF-8. */
export const DOC_CHUNK_CHARS = 16_000;

/** `s` (status) and `y` (growth reported) are left out when empty: every byte of a line costs InfluxDB time. */
export function metaOf(f: Figure & Bookkeeping): string {
  return `v=${f.version};t=${f.receivedAt};b=${f.by}${f.status === null ? '' : `;s=${f.status}`}${f.yoy === null ? '' : ';y=1'}`;
}

/**
 * Lines of figures for one batch. Each series' key (measurement and tags) is
 * built once with the client's Point and reused for the series' figures;
 * fields are formatted and escaped as Point does. A fresh Point per line
 * cost 3.5 µs, which made building lines, not InfluxDB, the slowest part of
 * a large write.
 */
export class FigureLines {
  private readonly keys = new Map<string, string>();

  constructor(private readonly measurement: 'observation' | 'observation_revision') {}

  private readonly times = new Map<string, number>();

  private seconds(period: string): number {
    let seconds = this.times.get(period);
    if (seconds === undefined) this.times.set(period, (seconds = periodSeconds(period)));
    return seconds;
  }

  private seriesKey(f: StoredFigure): string {
    const versioned = this.measurement === 'observation_revision';
    const id = `${f.indicator}\u0000${f.region}${versioned ? `\u0000${f.version}` : ''}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      const point = new Point(this.measurement).tag('indicator', f.indicator).tag('region', f.region).floatField('value', 0);
      if (versioned) point.tag('version', String(f.version));
      const line = point.toLineProtocol()!;
      key = line.slice(0, line.lastIndexOf(' value=0'));
      this.keys.set(id, key);
    }
    return key;
  }

  line(f: StoredFigure): string {
    if (!Number.isFinite(f.value) || (f.yoy !== null && !Number.isFinite(f.yoy))) throw new Error('figures must be finite');
    const yoy = f.yoy === null ? '' : `,yoy=${String(f.yoy)}`;
    const meta = metaOf(f);
    // Point's escaper walks every character; meta is codes and digits, so it rarely has anything to escape.
    const quoted = NEEDS_ESCAPE.test(meta) ? escape.quoted(meta) : `"${meta}"`;
    return `${this.seriesKey(f)} meta=${quoted},value=${String(f.value)}${yoy} ${this.seconds(f.period)}`;
  }
}

const STATUSES = new Set<string>(['p', 'e', 'r', 'b']);

/** A figure from the value, yoy and meta fields of either measurement. */
export function figureOf(value: unknown, yoy: unknown, meta: unknown): Figure & Bookkeeping {
  const parts = new Map<string, string>();
  for (const part of String(meta ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const status = parts.get('s') ?? '';
  return {
    value: Number(value),
    yoy: parts.get('y') === '1' && typeof yoy === 'number' ? yoy : null,
    status: STATUSES.has(status) ? (status as Status) : null,
    version: Number(parts.get('v') ?? 1),
    receivedAt: Number(parts.get('t') ?? 0),
    by: parts.get('b') ?? '',
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
