/**
 * Reads of every stored version (current and superseded, withdrawals
 * included) for as-of answers, first releases and the changes feed. Each
 * read is one statement whose rows SQLite packs into one JSON text, like the
 * current-slice read.
 */
import type Database from 'better-sqlite3';
import type { Reason } from '../../domain/corrections.ts';
import type { StoredVersion } from '../../domain/publication.ts';
import type { Period, Status } from '../../domain/types.ts';
import type { FigureVersions, SliceReceipt } from '../store.ts';
import { intToPeriod, periodToInt } from './schema.ts';

/** Later than any receive time: "every version". */
const ALL = Number.MAX_SAFE_INTEGER;
const COLUMNS = 'version, value, yoy, status, received_at, by, withdrawn, reason, note';

type Row = [
  key: number,
  version: number,
  value: number,
  yoy: number | null,
  status: Status | null,
  receivedAt: number,
  by: string,
  withdrawn: 0 | 1,
  reason: Reason | null,
  note: string | null,
];

const versionOf = (r: Row): StoredVersion => ({
  version: r[1],
  // A withdrawal keeps the withdrawn figure in the row (the trigger needs it); as a version it has none.
  value: r[7] === 1 ? null : r[2],
  yoy: r[7] === 1 ? null : r[3],
  status: r[7] === 1 ? null : r[4],
  receivedAt: r[5],
  by: r[6],
  withdrawn: r[7] === 1,
  // Rows written before schema 6 have none: NULL, read as not given.
  reason: r[8] ?? null,
  note: r[9] ?? null,
});

/** Versions grouped by figure, oldest first. */
function grouped(rows: readonly Row[], figure: (key: number) => { region: string; period: Period } | undefined, indicator: string): FigureVersions[] {
  const out = new Map<number, FigureVersions>();
  for (const row of rows) {
    let f = out.get(row[0]);
    if (f === undefined) {
      const key = figure(row[0]);
      if (key === undefined) continue;
      out.set(row[0], (f = { indicator, ...key, versions: [] }));
    }
    f.versions.push(versionOf(row));
  }
  for (const f of out.values()) f.versions.sort((a, b) => a.version - b.version);
  return [...out.values()];
}

export class VersionReads {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly ids: { indicator(code: string): number | undefined; region(code: string): number | undefined; regionCode(id: number): string | undefined },
  ) {
    const union = (key: string, where: string) =>
      db
        .prepare(
          `SELECT json_group_array(json_array(${key}, ${COLUMNS})) FROM (
             SELECT ${key}, ${COLUMNS} FROM observations WHERE ${where} AND received_at <= @until
             UNION ALL
             SELECT ${key}, ${COLUMNS} FROM revisions WHERE ${where} AND received_at <= @until)`,
        )
        .pluck();
    this.statements = {
      slice: union('region', 'indicator = @indicator AND period = @period'),
      point: union('region', 'indicator = @indicator AND period = @period AND region = @region'),
      series: union('period', 'indicator = @indicator AND region = @region AND period BETWEEN @from AND @to'),
      receipts: db.prepare('SELECT received_at, indicator, period FROM receipts WHERE received_at > ? AND received_at <= ? ORDER BY received_at, indicator, period').raw(),
      indicatorCodes: db.prepare('SELECT id, code FROM indicators').raw(),
    };
  }

  /** Versions of a slice's figures: the whole slice, or region by region when few are wanted. */
  slice(indicator: string, period: Period, regions: readonly string[] | null, until: number | null, scanAbove: number): FigureVersions[] {
    const id = this.ids.indicator(indicator);
    if (id === undefined) return [];
    const p = periodToInt(period);
    const at = (region: number) => ({ region: this.ids.regionCode(region) ?? String(region), period });
    const params = { indicator: id, period: p, until: until ?? ALL };
    if (regions === null || regions.length > scanAbove) {
      const rows = JSON.parse(this.statements.slice.get(params) as string) as Row[];
      const all = grouped(rows, at, indicator);
      if (regions === null) return all;
      const wanted = new Set(regions);
      return all.filter((f) => wanted.has(f.region));
    }
    const out: FigureVersions[] = [];
    for (const code of regions) {
      const region = this.ids.region(code);
      if (region === undefined) continue;
      out.push(...grouped(JSON.parse(this.statements.point.get({ ...params, region }) as string) as Row[], at, indicator));
    }
    return out;
  }

  series(indicator: string, region: string, from: Period | null, to: Period | null, until: number | null): FigureVersions[] {
    const id = this.ids.indicator(indicator);
    const regionId = this.ids.region(region);
    if (id === undefined || regionId === undefined) return [];
    const rows = JSON.parse(
      this.statements.series.get({ indicator: id, region: regionId, from: from === null ? 0 : periodToInt(from), to: to === null ? 999_912 : periodToInt(to), until: until ?? ALL }) as string,
    ) as Row[];
    return grouped(rows, (p) => ({ region, period: intToPeriod(p) }), indicator).sort((a, b) => (a.period < b.period ? -1 : 1));
  }

  receipts(since: number, until: number): SliceReceipt[] {
    const codes = new Map(this.statements.indicatorCodes.all() as Array<[number, string]>);
    return (this.statements.receipts.all(since, until) as Array<[number, number, number]>).flatMap(([receivedAt, indicator, period]) => {
      const code = codes.get(indicator);
      return code === undefined ? [] : [{ indicator: code, period: intToPeriod(period), receivedAt }];
    });
  }
}
