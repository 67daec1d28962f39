/**
 * Every write to the SQLite file, on one connection: observation batches in
 * one transaction each, and catalog upserts. It runs in the writer worker
 * (writer-worker.ts) so that inserts proceed while the main thread parses
 * and validates, and reads never wait on a large batch.
 */
import type Database from 'better-sqlite3';
import { ReceiveClock } from '../receive-clock.ts';
import type { CatalogChanges, ReviewDecision, StoredToken, TemplateKind, WriteCounts } from '../store.ts';
import { decodeReason, decodeStatus, type EncodedRows } from './encoding.ts';
import type { AccessRow, ReleaseRow, ReportRow, TemplateRow } from './worker-protocol.ts';

export const sliceKey = (indicatorId: number, period: number) => indicatorId * 1_000_000 + period;
/** The indicator id of a slice key. */
export const sliceIndicator = (key: number) => Math.floor(key / 1_000_000);
/** The period (as stored: YYYYMM) of a slice key. */
export const slicePeriod = (key: number) => key % 1_000_000;

export interface OpenBatch {
  receivedAt: number;
  by: string;
  dryRun: boolean;
  counts: WriteCounts;
  /** Whether each (indicator, period) slice held figures before this batch. */
  occupied: Map<number, boolean>;
  /** Regions of an occupied slice whose current version is a withdrawal: posting one again creates it. */
  withdrawn: Map<number, Set<number>>;
  /** Slices this batch wrote a version to. */
  written: Set<number>;
}

export class Writer {
  private readonly statements;
  private batch: OpenBatch | null = null;
  /**
   * Receive times are stamped here, on the one connection that writes, as
   * each write's transaction begins: the order of stamps is the order in
   * which versions are numbered, whatever order the writes were asked in.
   */
  private readonly clock: ReceiveClock;

  constructor(
    private readonly db: Database.Database,
    now: () => number = Date.now,
  ) {
    this.clock = new ReceiveClock(now);
    this.statements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      // Rows of a slice with no stored figure cannot conflict: a plain insert, the cheapest write.
      insertNew: db.prepare(
        `INSERT INTO observations (indicator, period, region, value, yoy, status, version, received_at, by, reason, note)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
      ),
      sliceHasRows: db.prepare('SELECT 1 FROM observations WHERE indicator = ? AND period = ? LIMIT 1').pluck(),
      // Otherwise a new key is inserted; only a key already stored pays for the upsert below.
      insert: db.prepare(
        `INSERT INTO observations (indicator, period, region, value, yoy, status, version, received_at, by, reason, note)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      // A stored key: unchanged when identical (whatever its reason and note: they say why a figure
      // changes, they are not the figure), else a revision; the trigger keeps the old version.
      upsert: db
        .prepare(
          `INSERT INTO observations (indicator, period, region, value, yoy, status, version, received_at, by, reason, note)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
           ON CONFLICT (indicator, period, region) DO UPDATE SET
             value = excluded.value, yoy = excluded.yoy, status = excluded.status,
             version = version + 1, received_at = excluded.received_at, by = excluded.by, withdrawn = 0,
             reason = excluded.reason, note = excluded.note
           WHERE value IS NOT excluded.value OR yoy IS NOT excluded.yoy OR status IS NOT excluded.status OR withdrawn = 1
           RETURNING version`,
        )
        .pluck(),
      withdrawnIn: db.prepare('SELECT region FROM observations WHERE indicator = ? AND period = ? AND withdrawn = 1').pluck(),
      // The trigger keeps the withdrawn version; the row stays, so numbering goes on when it is posted again.
      withdraw: db.prepare(
        `UPDATE observations SET withdrawn = 1, version = version + 1, received_at = ?, by = ?, reason = ?, note = ?
         WHERE indicator = ? AND period = ? AND region = ? AND withdrawn = 0 RETURNING version`,
      ).pluck(),
      receipt: db.prepare('INSERT INTO receipts (received_at, indicator, period) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      nextReleaseSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM releases WHERE indicator = ? AND period = ?').pluck(),
      insertRelease: db.prepare('INSERT INTO releases (indicator, period, seq, changed_at, release_at, by) VALUES (?, ?, ?, ?, ?, ?)'),
      nextReportVersion: db.prepare('SELECT COALESCE(MAX(version), 0) + 1 FROM reports WHERE region = ? AND period = ?').pluck(),
      insertReport: db.prepare(
        'INSERT INTO reports (region, period, version, generated_at, trigger, digest, failures, facts, quotes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      claim: db.prepare(
        `INSERT INTO state (key, value) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE excluded.value > state.value`,
      ),
      insertToken: db.prepare(
        `INSERT INTO tokens (id, hash, role, holder, scope, created_at, created_by, expires_at, revoked_at, last_used_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      revokeToken: db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      touchToken: db.prepare('UPDATE tokens SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)'),
      insertAccess: db.prepare('INSERT INTO access (at, holder, role, method, path, months) VALUES (?, ?, ?, ?, ?, ?)'),
      insertReview: db.prepare('INSERT INTO reviews (indicator, period, action, at, by, note, override) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      upsertTemplate: db.prepare(
        `INSERT INTO templates (name, kind, size, sha256, saved_at, saved_by, tags, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, kind) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, saved_at = excluded.saved_at,
           saved_by = excluded.saved_by, tags = excluded.tags, bytes = excluded.bytes`,
      ),
      deleteTemplates: db.prepare('DELETE FROM templates WHERE name = @name AND (@kind IS NULL OR kind = @kind)'),
      upsertRegion: db.prepare(
        `INSERT INTO regions (code, name, parent, level, former_codes, valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent = excluded.parent, level = excluded.level,
           former_codes = excluded.former_codes, valid_from = excluded.valid_from, valid_to = excluded.valid_to`,
      ),
      upsertGroup: db.prepare(
        `INSERT INTO groups (code, name, members) VALUES (?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, members = excluded.members`,
      ),
      upsertIndicator: db.prepare(
        `INSERT INTO indicators (code, name, unit, basis, direction, decimals, rank_by, change, report_value, review, review_since, aggregation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit, basis = excluded.basis, direction = excluded.direction,
           decimals = excluded.decimals, rank_by = excluded.rank_by, change = excluded.change, report_value = excluded.report_value,
           review = excluded.review, review_since = excluded.review_since, aggregation = excluded.aggregation`,
      ),
    };
  }

  /** Open a batch's transaction, received at `given` (ms) or, when null, stamped now; answers its receive time. */
  begin(given: number | null, by: string, dryRun: boolean): number {
    if (this.batch !== null) throw new Error('a batch is already open');
    this.statements.begin.run();
    const receivedAt = this.stamp(given);
    this.batch = { receivedAt, by, dryRun, counts: { created: 0, revised: 0, unchanged: 0 }, occupied: new Map(), withdrawn: new Map(), written: new Set() };
    return receivedAt;
  }

  private stamp(given: number | null): number {
    return this.clock.stamp(given === null ? undefined : new Date(given));
  }

  insert(rows: EncodedRows): void {
    const batch = this.batch;
    if (batch === null) throw new Error('no batch is open');
    const { insertNew, sliceHasRows, insert, upsert, withdrawnIn } = this.statements;
    const { indicator, period, region, value, yoy, status, reason, notes } = rows;
    for (let i = 0; i < rows.length; i++) {
      const ind = indicator[i]!;
      const p = period[i]!;
      const y = Number.isNaN(yoy[i]!) ? null : yoy[i]!;
      const s = decodeStatus(status[i]!);
      const why = decodeReason(reason[i]!);
      const note = notes === null ? null : (notes[i] ?? null);
      const slice = sliceKey(ind, p);
      let held = batch.occupied.get(slice);
      if (held === undefined) {
        batch.occupied.set(slice, (held = sliceHasRows.get(ind, p) !== undefined));
        if (held) batch.withdrawn.set(slice, new Set(withdrawnIn.all(ind, p) as number[]));
      }
      if (!held) {
        insertNew.run(ind, p, region[i]!, value[i]!, y, s, batch.receivedAt, batch.by, why, note);
        batch.counts.created++;
      } else if (insert.run(ind, p, region[i]!, value[i]!, y, s, batch.receivedAt, batch.by, why, note).changes === 1) {
        batch.counts.created++;
      } else {
        const version = upsert.get(ind, p, region[i]!, value[i]!, y, s, batch.receivedAt, batch.by, why, note) as number | undefined;
        if (version === undefined) {
          batch.counts.unchanged++;
          continue;
        }
        if (batch.withdrawn.get(slice)!.delete(region[i]!)) batch.counts.created++;
        else batch.counts.revised++;
      }
      batch.written.add(slice);
    }
  }

  /** Commit (a dry run rolls back); answers the counts and the slices written. */
  commit(): { counts: WriteCounts; slices: number[] } {
    const batch = this.batch;
    if (batch === null) throw new Error('no batch is open');
    this.batch = null;
    if (batch.dryRun) {
      this.statements.rollback.run();
      return { counts: batch.counts, slices: [] };
    }
    for (const slice of batch.written) this.statements.receipt.run(batch.receivedAt, sliceIndicator(slice), slicePeriod(slice));
    this.statements.commit.run();
    return { counts: batch.counts, slices: [...batch.written] };
  }

  /**
   * Withdraw one current figure as a new version, received at `given` (ms)
   * or, when null, stamped in its transaction, with its reason and note;
   * answers its number, or null when nothing was current.
   */
  withdraw(indicator: number, period: number, region: number, given: number | null, by: string, reason: string | null = null, note: string | null = null): number | null {
    const s = this.statements;
    return this.db.transaction(() => {
      const receivedAt = this.stamp(given);
      const version = s.withdraw.get(receivedAt, by, reason, note, indicator, period, region) as number | undefined;
      if (version === undefined) return null;
      s.receipt.run(receivedAt, indicator, period);
      return version;
    })();
  }

  saveReleases(rows: readonly ReleaseRow[]): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const r of rows) s.insertRelease.run(r.indicator, r.period, s.nextReleaseSeq.get(r.indicator, r.period) as number, r.changedAt, r.releaseAt, r.by);
    })();
  }

  rollback(): void {
    if (this.batch === null) return;
    this.batch = null;
    if (this.db.inTransaction) this.statements.rollback.run();
  }

  /** Reports in one transaction, each the next version of its region and month; answers the versions. */
  saveReports(reports: readonly ReportRow[]): number[] {
    const s = this.statements;
    return this.db.transaction(() =>
      reports.map((r) => {
        const version = s.nextReportVersion.get(r.region, r.period) as number;
        s.insertReport.run(r.region, r.period, version, r.generatedAt, r.trigger, r.digest, r.failures, r.facts, r.quotes);
        return version;
      }),
    )();
  }

  /** Record `slot` under `key` if later than the one recorded. */
  claim(key: string, slot: string): boolean {
    return this.statements.claim.run(key, slot).changes === 1;
  }

  saveCatalog(changes: CatalogChanges): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const r of changes.regions ?? []) {
        s.upsertRegion.run(r.code, r.name, r.parent, r.level, r.formerCodes === undefined ? null : JSON.stringify(r.formerCodes), r.validFrom ?? null, r.validTo ?? null);
      }
      for (const g of changes.groups ?? []) s.upsertGroup.run(g.code, g.name, JSON.stringify(g.members));
      for (const i of changes.indicators ?? []) {
        s.upsertIndicator.run(i.code, i.name, i.unit, i.basis, i.direction, i.decimals, i.rankBy, i.change, i.reportValue ? 1 : 0, i.review ? 1 : 0, i.reviewSince, i.aggregation);
      }
    })();
  }

  /** A new token (an id kept already is refused: the primary key). */
  saveToken(t: StoredToken): void {
    this.statements.insertToken.run(t.id, t.hash, t.role, t.holder, t.scope === null ? null : JSON.stringify(t.scope), t.createdAt, t.createdBy, t.expiresAt, t.revokedAt, t.lastUsedAt);
  }

  /** Whether the token was there and not revoked yet. */
  revokeToken(id: string, at: number): boolean {
    return this.statements.revokeToken.run(at, id).changes === 1;
  }

  /** Later last-use times, in one transaction; unknown ids change nothing. */
  touchTokens(uses: ReadonlyArray<{ id: string; lastUsedAt: number }>): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const use of uses) s.touchToken.run({ at: use.lastUsedAt, id: use.id });
    })();
  }

  /** Access-log entries in one transaction: stored once it commits. */
  appendAccess(entries: readonly AccessRow[]): void {
    const s = this.statements;
    this.db.transaction(() => {
      for (const e of entries) s.insertAccess.run(e.at, e.holder, e.role, e.method, e.path, e.months);
    })();
  }

  saveReview(d: ReviewDecision): void {
    this.statements.insertReview.run(d.indicator, d.period, d.action, d.at, d.by, d.note, d.override);
  }

  /** A template, replacing the one of its name and kind. */
  saveTemplate(t: TemplateRow): void {
    // The bytes arrive as a plain Uint8Array (structured clone), bound as a BLOB all the same (an empty one too).
    this.statements.upsertTemplate.run(t.name, t.kind, t.size, t.sha256, t.savedAt, t.savedBy, t.tags, t.bytes);
  }

  /** Remove the templates of a name (of one kind, when given); answers how many. */
  deleteTemplates(name: string, kind: TemplateKind | null): number {
    return this.statements.deleteTemplates.run({ name, kind }).changes;
  }
}
