/**
 * Tables of the embedded store. Observations are keyed by integer ids of
 * the catalog codes and the month as yyyymm: compact keys keep 3.6M
 * figures and their indexes small enough to stay in the page cache.
 */
import type Database from 'better-sqlite3';
import { defaultAggregation } from '../../domain/aggregation.ts';
import type { Indicator } from '../../domain/types.ts';
import { TARGETS_DDL } from './targets.ts';

export const SCHEMA_VERSION = 7;

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS regions (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  parent TEXT,
  level TEXT,
  former_codes TEXT, -- JSON array of earlier codes, or NULL
  valid_from TEXT,
  valid_to TEXT
);

CREATE TABLE IF NOT EXISTS groups (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  members TEXT NOT NULL -- JSON array of region codes, in the order given
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS indicators (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  basis TEXT NOT NULL,
  direction TEXT NOT NULL,
  decimals INTEGER NOT NULL,
  rank_by TEXT NOT NULL,
  change TEXT NOT NULL,
  report_value INTEGER NOT NULL DEFAULT 1,
  review INTEGER NOT NULL DEFAULT 0,
  review_since INTEGER, -- ms when review was last turned on; NULL while it is off
  aggregation TEXT NOT NULL DEFAULT 'none' -- sum or none; files before schema 5 are given the default rule on opening
);

-- The current figure of every key. Rankings read a slice (indicator, period)
-- along the primary key; series read along observations_series.
CREATE TABLE IF NOT EXISTS observations (
  indicator INTEGER NOT NULL,
  period INTEGER NOT NULL,
  region INTEGER NOT NULL,
  value REAL NOT NULL,
  yoy REAL,
  status TEXT,
  version INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  by TEXT NOT NULL,
  -- 1: the current version is a withdrawal (posted in error): no figure is current.
  withdrawn INTEGER NOT NULL DEFAULT 0,
  -- Why the current version changes the figure (revision, correction, reclassification) and a note; NULL when not given.
  reason TEXT,
  note TEXT,
  PRIMARY KEY (indicator, period, region)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS observations_series ON observations (indicator, region, period);

-- Every superseded version, kept when a revision replaces it (ALFRED-style vintages).
CREATE TABLE IF NOT EXISTS revisions (
  indicator INTEGER NOT NULL,
  region INTEGER NOT NULL,
  period INTEGER NOT NULL,
  version INTEGER NOT NULL,
  value REAL NOT NULL,
  yoy REAL,
  status TEXT,
  received_at INTEGER NOT NULL,
  by TEXT NOT NULL,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  note TEXT,
  PRIMARY KEY (indicator, region, period, version)
) WITHOUT ROWID;

-- Which slices each batch wrote versions to, by receive time: the changes feed
-- finds what became public in a window without an index over every figure.
CREATE TABLE IF NOT EXISTS receipts (
  received_at INTEGER NOT NULL,
  indicator INTEGER NOT NULL,
  period INTEGER NOT NULL,
  PRIMARY KEY (received_at, indicator, period)
) WITHOUT ROWID;

-- The release calendar: every setting of a month's release time, in order (release_at NULL: cancelled).
CREATE TABLE IF NOT EXISTS releases (
  indicator TEXT NOT NULL,
  period TEXT NOT NULL,
  seq INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  release_at INTEGER,
  by TEXT NOT NULL,
  PRIMARY KEY (indicator, period, seq)
) WITHOUT ROWID;

-- Every version of every report ever generated: a published report is never lost.
CREATE TABLE IF NOT EXISTS reports (
  region TEXT NOT NULL,
  period TEXT NOT NULL,
  version INTEGER NOT NULL,
  generated_at INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  digest TEXT NOT NULL,
  failures INTEGER NOT NULL,
  facts TEXT NOT NULL,
  -- JSON array of the indicators' months the report quotes (indicator|period).
  quotes TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (region, period, version)
) WITHOUT ROWID;

-- Small durable facts of the service itself, such as the last schedule slot run.
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- Tokens made through the API: never the token itself, only its SHA-256 (hex). Times in ms.
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  role TEXT NOT NULL,
  holder TEXT NOT NULL,
  scope TEXT, -- JSON object ({"regions": […], "indicators": […]}, either absent: all), or NULL: no scope
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
) WITHOUT ROWID;

-- The pre-release access log, append only: answers that carried months the public could not see yet.
-- id (the rowid) orders the entries of one millisecond; a page walks access_at backwards from (at, id).
CREATE TABLE IF NOT EXISTS access (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  holder TEXT NOT NULL,
  role TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  months TEXT NOT NULL -- JSON array of [indicator, period], in the order given
);
CREATE INDEX IF NOT EXISTS access_at ON access (at, id);
CREATE INDEX IF NOT EXISTS access_holder ON access (holder, at, id);

-- Review decisions on indicators' months, never updated: seq is the order made.
CREATE TABLE IF NOT EXISTS reviews (
  seq INTEGER PRIMARY KEY,
  indicator TEXT NOT NULL,
  period TEXT NOT NULL,
  action TEXT NOT NULL,
  at INTEGER NOT NULL,
  by TEXT NOT NULL,
  note TEXT,
  override TEXT
);

-- Report templates staff upload (Word documents, Liquid text), one per name and kind, byte for byte.
-- A rowid table: the bytes (up to 5 MB) go last, on overflow pages a listing never reads.
CREATE TABLE IF NOT EXISTS templates (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL, -- docx, markdown or html
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  saved_at INTEGER NOT NULL, -- ms
  saved_by TEXT NOT NULL,
  tags TEXT NOT NULL, -- JSON array, in the order given
  bytes BLOB NOT NULL,
  UNIQUE (name, kind)
);

`;

/** Indexes and the trigger: created after older files gained the columns they name. */
const DERIVED = `
CREATE INDEX IF NOT EXISTS observations_withdrawn ON observations (indicator, period) WHERE withdrawn = 1;
-- As-of reads take a slice's superseded versions along with its current figures.
CREATE INDEX IF NOT EXISTS revisions_slice ON revisions (indicator, period);
-- In the engine, so no write path can forget it: a revision (or withdrawal) archives the version it replaces.
CREATE TRIGGER IF NOT EXISTS keep_revision_v6 AFTER UPDATE ON observations
BEGIN
  INSERT INTO revisions (indicator, region, period, version, value, yoy, status, received_at, by, withdrawn, reason, note)
  VALUES (OLD.indicator, OLD.region, OLD.period, OLD.version, OLD.value, OLD.yoy, OLD.status, OLD.received_at, OLD.by, OLD.withdrawn, OLD.reason, OLD.note);
END;
`;

function addColumn(db: Database.Database, table: string, column: string, definition: string): void {
  const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

/**
 * Schema 5: review off and never on (a file before it published every
 * figure on receipt), and each indicator's aggregation by the default rule,
 * as a PUT that does not give one. One transaction: the version is written
 * after it, so a start cut short repeats it, adding only what is missing.
 */
function indicatorsReviewAndAggregation(db: Database.Database): void {
  db.transaction(() => {
    addColumn(db, 'indicators', 'review', 'INTEGER NOT NULL DEFAULT 0');
    addColumn(db, 'indicators', 'review_since', 'INTEGER');
    addColumn(db, 'indicators', 'aggregation', "TEXT NOT NULL DEFAULT 'none'");
    const rows = db.prepare('SELECT id, name, unit, basis, change FROM indicators').all() as Array<Pick<Indicator, 'name' | 'unit' | 'basis' | 'change'> & { id: number }>;
    const set = db.prepare('UPDATE indicators SET aggregation = ? WHERE id = ?');
    for (const row of rows) set.run(defaultAggregation(row), row.id);
  })();
}

/**
 * Schema 6 (API.md "Corrections"): every version's reason and note, NULL in
 * the rows of earlier files (read as none given), and the trigger that
 * archives a version copying them (keep_revision_v6 for the version 3 one).
 * Each step is idempotent, whatever version the file says: a start cut
 * short repeats it, adding only what is missing.
 */
function correctionColumns(db: Database.Database): void {
  db.transaction(() => {
    for (const table of ['observations', 'revisions']) {
      addColumn(db, table, 'reason', 'TEXT');
      addColumn(db, table, 'note', 'TEXT');
    }
    db.exec('DROP TRIGGER IF EXISTS keep_revision_v3');
  })();
}

/**
 * Pages SQLite keeps in memory per connection. The writer's cache holds the
 * B-tree paths a national batch touches; readers mostly scan one slice at a
 * time and keep recent slices themselves. Both stay well under the RSS target.
 */
export const WRITER_CACHE_KIB = 16 * 1024;
export const READER_CACHE_KIB = 8 * 1024;

export function prepareDatabase(db: Database.Database, cacheKib: number): void {
  db.pragma('journal_mode = WAL');
  // One fsync per batch: an acknowledged batch survives a power cut, and
  // batches are large enough that the sync is a small part of their cost.
  db.pragma('synchronous = FULL');
  db.pragma(`cache_size = -${cacheKib}`);
  db.pragma('busy_timeout = 5000');
  db.exec(DDL);
  db.exec(TARGETS_DDL);
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('schema_version') as { value: string } | undefined;
  const version = row === undefined ? SCHEMA_VERSION : Number(row.value);
  if (version > SCHEMA_VERSION) {
    throw new Error(`the data file was written by a newer version of the service (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  }
  // Version 2 added how reports quote an indicator; 3, withdrawals, report quotes and regions that
  // change (earlier codes, months of validity); 4, tokens, the access log and review decisions
  // (new tables only); 5, the indicators' review and aggregation; 6, every version's reason and note
  // (correctionColumns); 7, report templates (a new table only). New tables come from the DDL above.
  addColumn(db, 'indicators', 'report_value', 'INTEGER NOT NULL DEFAULT 1');
  if (version < 5) indicatorsReviewAndAggregation(db);
  addColumn(db, 'observations', 'withdrawn', 'INTEGER NOT NULL DEFAULT 0');
  addColumn(db, 'revisions', 'withdrawn', 'INTEGER NOT NULL DEFAULT 0');
  addColumn(db, 'reports', 'quotes', "TEXT NOT NULL DEFAULT '[]'");
  for (const column of ['former_codes', 'valid_from', 'valid_to']) addColumn(db, 'regions', column, 'TEXT');
  // The version 2 trigger did not copy `withdrawn`.
  db.exec('DROP TRIGGER IF EXISTS keep_revision');
  correctionColumns(db);
  db.exec(DERIVED);
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run('schema_version', String(SCHEMA_VERSION));
}

/** 2022-06 ↔ 202206: readable in the SQLite shell, ordered like the text. */
export function periodToInt(period: string): number {
  return Number(period.slice(0, 4)) * 100 + Number(period.slice(5, 7));
}

export function intToPeriod(n: number): string {
  return `${String(Math.floor(n / 100)).padStart(4, '0')}-${String(n % 100).padStart(2, '0')}`;
}
