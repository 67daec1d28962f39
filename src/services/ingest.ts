/**
 * POST /v1/observations: validate every row (all or nothing), flag the
 * implausible ones, and hand the batch to the store in one write.
 */
import type { z } from 'zod';
import { growthPeriods } from '../domain/growth.ts';
import { plausibilityWarnings } from '../domain/plausibility.ts';
import { isAcceptedIndex, periodFromIndex, periodIndex } from '../domain/period.ts';
import type { Observation, ObservationKey } from '../domain/types.ts';
import { covers, coversIndicator, type Scope } from '../domain/scope.ts';
import { ApiError, type ErrorDetail } from '../errors.ts';
import type { Annotation } from '../domain/corrections.ts';
import { annotated, observationFast, observationSchema, withdrawBody } from '../schemas/observations.ts';
import type { FiguresPort, PostedRow, WriteCounts, WriteSession } from '../store/store.ts';
import { Batch, type SeriesSlot } from './batch.ts';
import type { CatalogService } from './catalog.ts';

export interface IngestResult extends WriteCounts {
  accepted: number;
  dryRun: boolean;
  warnings: Array<{ row: number; field: string; message: string }>;
}

/** Rows a write stored, by what each became: counted for GET /metrics. */
export type WrittenKind = 'created' | 'revised' | 'withdrawn';
export interface WriteCounter {
  rowsWritten(kind: WrittenKind, rows: number): void;
}

export interface IngestOptions {
  dryRun: boolean;
  by: string;
  receivedAt?: Date;
  /** What the poster's token may touch (null or absent: all its role allows). */
  scope?: Scope | null;
}

/**
 * Records and their numbers as the caller counts them (from 1; a CSV header
 * is not a record); without `numbers`, a record's number is its position + 1.
 * Kept as two arrays: a wrapper per record would be one more object for the
 * collector to carry through a 50,000-row post.
 */
export interface Records {
  data: readonly unknown[];
  numbers: readonly number[] | null;
}

function zodField(issue: z.core.$ZodIssue): string {
  // An unknown key is named as the field at fault.
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return issue.path.length === 0 ? 'row' : issue.path.map(String).join('.');
}

/** Rows validated between two hand-overs to the store: small enough to overlap, large enough to cost nothing. */
const VALIDATED_PART_ROWS = 4096;
/**
 * Rows validated, or checked for plausibility, between two turns of the
 * event loop: a part costs a few milliseconds, so a 50,000-row post never
 * holds other requests up for long (bench/xlsx-ingest.ts measures the
 * longest stall; the SQLite store's reads of neighbouring figures turn it
 * too).
 */
const ROWS_PER_TURN = 1024;

/** Let timers and other requests run before the next part of a batch. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class IngestService {
  constructor(
    private readonly store: FiguresPort,
    private readonly catalog: CatalogService,
    private readonly maxRows: number,
    private readonly counter: WriteCounter = { rowsWritten: () => {} },
  ) {}

  /** Rows from a JSON body: `{"observations": [...]}`. */
  rowsFromJson(body: unknown): Records {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('observations' in body)) {
      throw new ApiError('validation_failed', 'the body must be an object with an observations array', {
        details: [{ field: 'observations', message: 'required' }],
      });
    }
    const extra = Object.keys(body).filter((k) => k !== 'observations');
    if (extra.length > 0) {
      throw new ApiError('validation_failed', `unknown field ${extra[0]} in the body`, {
        details: extra.map((field) => ({ field, message: 'unknown field' })),
      });
    }
    const rows = (body as { observations: unknown }).observations;
    if (!Array.isArray(rows)) {
      throw new ApiError('validation_failed', 'observations must be an array', { details: [{ field: 'observations', message: 'must be an array' }] });
    }
    return { data: rows, numbers: null };
  }

  private checkSize(rows: number): void {
    if (rows <= this.maxRows) return;
    throw new ApiError('payload_too_large', `a request may carry at most ${this.maxRows} rows; this one has ${rows}: split it`, {
      details: [{ field: 'observations', message: `more than ${this.maxRows} rows` }],
    });
  }

  /**
   * Validate every row; throws with one detail per fault, or answers the
   * batch. While no fault has been found, valid rows are handed to `onValid`
   * in parts, so the store can write them as validation goes on; the event
   * loop turns between parts.
   */
  async validate(records: Records, onValid: (rows: PostedRow[]) => void = () => {}, scope: Scope | null = null): Promise<Batch> {
    const { data: rows, numbers } = records;
    this.checkSize(rows.length);
    const space = this.catalog.keySpace();
    const details: ErrorDetail[] = [];
    /** Rows outside the poster's scope: a 403, once every row is valid. */
    const forbidden: ErrorDetail[] = [];
    const batch = new Batch(space);
    let part: PostedRow[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = numbers === null ? i + 1 : numbers[i]!;
      if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn();
      if (part.length === VALIDATED_PART_ROWS) {
        if (details.length === 0 && forbidden.length === 0) onValid(part);
        part = [];
      }
      let o = observationFast(rows[i]);
      if (o === undefined) {
        const parsed = observationSchema.safeParse(rows[i]);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) details.push({ row, field: zodField(issue), message: issue.message });
          continue;
        }
        const { indicator, region, period, value, yoy, status, reason, note } = parsed.data;
        o = annotated({ indicator, region, period, value, yoy: yoy ?? null, status: status ?? null }, reason, note);
      }
      const indicator = space.indicators.get(o.indicator);
      let region = space.regions.get(o.region);
      if (region === undefined) {
        // A former code names the same territory: stored under the current code, and said so.
        const current = space.renamed.get(o.region);
        if (current !== undefined) {
          batch.notices.push({ row, field: 'region', message: `${o.region} is a former code of ${current}: stored under ${current}` });
          o = { ...o, region: current };
          region = space.regions.get(current);
        }
      }
      const validity = space.validity.get(o.region);
      if (validity !== undefined && ((validity.from !== null && o.period < validity.from) || (validity.to !== null && o.period > validity.to))) {
        batch.notices.push({ row, field: 'period', message: `${o.period} is outside the months ${o.region} exists (${validity.from ?? '…'} to ${validity.to ?? '…'}): stored, but not ranked` });
      }
      if (indicator === undefined) details.push({ row, field: 'indicator', message: `unknown indicator ${o.indicator}` });
      if (region === undefined) details.push({ row, field: 'region', message: `unknown region ${o.region}` });
      if (indicator === undefined || region === undefined) continue;
      if (!covers(scope, o.indicator, o.region)) {
        forbidden.push({ row, field: coversIndicator(scope, o.indicator) ? 'region' : 'indicator', message: `${o.indicator} / ${o.region} is outside this token's scope` });
        continue;
      }
      const first = batch.add(row, o, indicator.indicator, indicator.ordinal * space.regions.size + region.ordinal);
      if (first !== undefined) details.push({ row, field: 'period', message: `${o.indicator} / ${o.region} / ${o.period} is also in row ${first}` });
      else part.push(o);
    }
    if (details.length > 0) {
      const bad = new Set(details.map((d) => d.row)).size;
      throw new ApiError('validation_failed', `${bad} of ${rows.length} rows are invalid; nothing was stored`, { details });
    }
    if (forbidden.length > 0) {
      throw new ApiError('forbidden', `${forbidden.length} of ${rows.length} rows are outside this token's scope; nothing was stored`, { details: forbidden });
    }
    onValid(part);
    return batch;
  }

  /**
   * Validate, check plausibility and store, all or nothing: the store takes
   * valid rows while the rest are still being checked, and the whole write
   * is abandoned at the first fault.
   */
  async ingest(rows: Records, options: IngestOptions): Promise<IngestResult> {
    this.checkSize(rows.data.length);
    const session = this.store.beginWrite({ ...(options.receivedAt === undefined ? {} : { receivedAt: options.receivedAt }), by: options.by }, { dryRun: options.dryRun });
    let batch: Batch;
    try {
      batch = await this.validate(rows, (part) => session.add(part), options.scope ?? null);
      await this.storedValues(batch, session);
    } catch (error) {
      await session.abort();
      throw error;
    }
    // The stored figures the checks compare with are read: the checks run while the store takes the batch.
    const [counts, warnings] = await Promise.all([session.commit(), this.warnings(batch)]);
    // Rows actually stored: a dry run stores none, an unchanged row makes no version.
    if (!options.dryRun) {
      if (counts.created > 0) this.counter.rowsWritten('created', counts.created);
      if (counts.revised > 0) this.counter.rowsWritten('revised', counts.revised);
    }
    return { accepted: batch.observations.length, ...counts, dryRun: options.dryRun, warnings };
  }

  /**
   * Withdraw a current figure posted in error, with why (`body`: an optional
   * JSON object `{"reason","note"}`, checked first, as a posted row's are);
   * answers the withdrawal's version number.
   */
  async withdraw(key: ObservationKey, by: string, scope: Scope | null = null, body: unknown = undefined): Promise<number> {
    const why = this.withdrawal(body);
    this.catalog.indicator(key.indicator);
    const region = this.catalog.region(key.region).code;
    if (!covers(scope, key.indicator, region)) {
      throw new ApiError('forbidden', `${key.indicator} / ${region} is outside this token's scope; nothing was withdrawn`, {
        details: [{ field: coversIndicator(scope, key.indicator) ? 'region' : 'indicator', message: 'outside this token\'s scope' }],
      });
    }
    const version = await this.store.withdraw({ ...key, region }, { by }, why);
    if (version === null) {
      throw new ApiError('not_found', `no current figure of ${key.indicator} for ${key.region} in ${key.period} to withdraw`, { details: [{ field: 'period', message: 'no current figure' }] });
    }
    this.counter.rowsWritten('withdrawn', 1);
    return version;
  }

  /** A withdrawal's body as its reason and note: none, or a JSON object naming them; anything else is a 400 naming the field. */
  private withdrawal(body: unknown): Annotation {
    if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) return {};
    if (typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) {
      throw new ApiError('validation_failed', 'a withdrawal\'s body, when sent, is a JSON object {"reason","note"}', { details: [{ field: 'body', message: 'must be a JSON object' }] });
    }
    const parsed = withdrawBody.safeParse(body);
    if (!parsed.success) {
      const details = parsed.error.issues.map((issue) => ({ field: zodField(issue), message: issue.message }));
      throw new ApiError('validation_failed', `invalid withdrawal: ${details[0]!.field} ${details[0]!.message}; nothing was withdrawn`, { details });
    }
    return annotated({}, parsed.data.reason, parsed.data.note);
  }

  /**
   * The stored figures the plausibility checks compare each row with, into
   * the batch's slots: the neighbouring months, and the growth base where a
   * growth was reported.
   */
  private async storedValues(batch: Batch, session: WriteSession): Promise<void> {
    const wanted: ObservationKey[] = [];
    const want = (o: Observation, slot: SeriesSlot, index: number) => {
      // The month before 1800-01 or after 2199-12 holds nothing: no store is asked for it.
      if (!isAcceptedIndex(index) || slot.posted.has(index) || slot.wanted.has(index)) return;
      slot.wanted.add(index);
      wanted.push({ indicator: o.indicator, region: o.region, period: periodFromIndex(index) });
    };
    for (const [i, { observation: o, slot }] of batch.entries.entries()) {
      if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn();
      const index = periodIndex(o.period);
      want(o, slot, index - 1);
      want(o, slot, index + 1);
      if (o.yoy !== null) for (const period of growthPeriods(slot.indicator, o.period)) want(o, slot, periodIndex(period));
    }
    if (wanted.length > 0) {
      for (const f of await session.valuesAt(wanted)) batch.slotOf(f.indicator, f.region)?.stored.set(periodIndex(f.period), { value: f.value, yoy: null, status: null });
    }
  }

  /** Plausibility of each row against the batch laid over the stored figures `storedValues` read. */
  private async warnings(batch: Batch): Promise<IngestResult['warnings']> {
    const warnings: IngestResult['warnings'] = [...batch.notices];
    for (const [i, { row, observation: o, slot }] of batch.entries.entries()) {
      if (i > 0 && i % ROWS_PER_TURN === 0) await nextTurn();
      for (const w of plausibilityWarnings(slot.indicator, o.period, slot.lookup)) warnings.push({ row, ...w });
    }
    // Row by row, whatever made the warning.
    return batch.notices.length === 0 ? warnings : warnings.sort((a, b) => a.row - b.row);
  }
}
