/**
 * Annual targets in the embedded store: one small table keyed by
 * (indicator, region, year, kind). Codes are kept as text, like reports: a
 * target may be set before a figure is, and the table stays readable.
 */
import type Database from 'better-sqlite3';
import type { Target, TargetKind } from '../../domain/types.ts';
import type { TargetFilter } from '../store.ts';

export const TARGETS_DDL = `
CREATE TABLE IF NOT EXISTS targets (
  indicator TEXT NOT NULL,
  region TEXT NOT NULL,
  year INTEGER NOT NULL,
  kind TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (indicator, region, year, kind)
) WITHOUT ROWID;
`;

/** Upsert in one transaction (on the writer's connection). */
export function saveTargets(db: Database.Database, targets: readonly Target[]): void {
  const upsert = db.prepare(
    `INSERT INTO targets (indicator, region, year, kind, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (indicator, region, year, kind) DO UPDATE SET value = excluded.value`,
  );
  db.transaction(() => {
    for (const t of targets) upsert.run(t.indicator, t.region, t.year, t.kind, t.value);
  })();
}

/** A reader of the table, its statement prepared once. */
export function targetReader(db: Database.Database): (filter: TargetFilter) => Target[] {
  const select = db.prepare(
    `SELECT indicator, region, year, kind, value FROM targets
     WHERE (@indicator IS NULL OR indicator = @indicator) AND (@region IS NULL OR region = @region) AND (@year IS NULL OR year = @year)
     ORDER BY indicator, region, year, kind`,
  );
  return (filter) =>
    (select.all({ indicator: filter.indicator ?? null, region: filter.region ?? null, year: filter.year ?? null }) as Array<Omit<Target, 'kind'> & { kind: string }>).map(
      (row) => ({ ...row, kind: row.kind as TargetKind }),
    );
}
