/**
 * Heavy ingest against a service process, in numbered batches of distinct
 * figures, and the check of what the store holds afterwards: which batches
 * are fully there, partly there, or absent.
 */
import { periodFromIndex, periodIndex } from '../../src/domain/period.ts';
import { TOKENS } from './app.ts';
import { send, type Answer } from './service.ts';

export const LOAD_PARENT = 'LOADP';
export const LOAD_INDICATOR = 'industrial_investment';

export interface LoadShape {
  regions: number;
  periodsPerBatch: number;
  batches: number;
}

export const regionCode = (r: number) => `LR${String(r).padStart(3, '0')}`;
const FIRST = periodIndex('1950-01');

export interface Row {
  indicator: string;
  region: string;
  period: string;
  value: number;
}

/** Batch i: every region × its own run of months; each value says which batch wrote it. */
export function batchRows(shape: LoadShape, i: number): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k < shape.periodsPerBatch; k++) {
    const period = periodFromIndex(FIRST + i * shape.periodsPerBatch + k);
    for (let r = 0; r < shape.regions; r++) rows.push({ indicator: LOAD_INDICATOR, region: regionCode(r), period, value: i * 1000 + r + k / 100 });
  }
  return rows;
}

export async function putLoadCatalog(url: string, shape: LoadShape): Promise<void> {
  const regions = [{ code: LOAD_PARENT, name: '负载测试市', parent: null }];
  for (let r = 0; r < shape.regions; r++) regions.push({ code: regionCode(r), name: `负载县${r}`, parent: LOAD_PARENT } as never);
  const answer = await send(url, 'PUT', '/v1/regions', { regions });
  if (answer.status !== 200) throw new Error(`catalog: ${answer.status} ${JSON.stringify(answer.body)}`);
}

export type Outcome = 'acked' | 'refused' | 'lost' | 'unsent';

/**
 * Post the batches with `concurrency` clients. `retry` decides, after a
 * non-2xx answer, whether the client waits and repeats (bounded by
 * maxAttempts); otherwise the batch stays as it ended.
 */
export async function postBatches(
  url: () => string,
  shape: LoadShape,
  options: {
    concurrency: number;
    onAnswer?: (batch: number, answer: Answer) => void;
    stop?: () => boolean;
    retry?: (answer: Answer) => number | null;
    maxAttempts?: number;
  },
): Promise<Outcome[]> {
  const outcomes: Outcome[] = Array.from({ length: shape.batches }, () => 'unsent');
  let next = 0;
  const client = async () => {
    while (next < shape.batches && options.stop?.() !== true) {
      const i = next++;
      const observations = batchRows(shape, i);
      for (let attempt = 1; attempt <= (options.maxAttempts ?? 1); attempt++) {
        const answer = await send(url(), 'POST', '/v1/observations', { observations }, TOKENS.writer);
        options.onAnswer?.(i, answer);
        outcomes[i] = answer.status === 200 ? 'acked' : answer.status === 0 ? 'lost' : 'refused';
        if (answer.status === 200) break;
        const wait = options.retry?.(answer) ?? null;
        if (wait === null) break;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return outcomes;
}

export interface Presence {
  /** Figures of batch i present with the value batch i wrote. */
  present: number[];
  /** Figures present with a value no batch wrote. */
  wrong: number;
}

/** Read every load region's series back through the API and count, per batch, what is there. */
export async function presence(url: string, shape: LoadShape): Promise<Presence> {
  const present = Array.from({ length: shape.batches }, () => 0);
  let wrong = 0;
  for (let r = 0; r < shape.regions; r++) {
    const answer = await send(url, 'GET', `/v1/series?indicator=${LOAD_INDICATOR}&region=${regionCode(r)}`);
    if (answer.status !== 200) throw new Error(`series ${regionCode(r)}: ${answer.status}`);
    for (const point of answer.body.points as Array<{ period: string; value: number }>) {
      const offset = periodIndex(point.period) - FIRST;
      const i = Math.floor(offset / shape.periodsPerBatch);
      const k = offset % shape.periodsPerBatch;
      if (i >= 0 && i < shape.batches && Math.abs(point.value - (i * 1000 + r + k / 100)) < 1e-9) present[i]!++;
      else wrong++;
    }
  }
  return { present, wrong };
}

export const batchSize = (shape: LoadShape) => shape.regions * shape.periodsPerBatch;

/** Bounded wait for a condition, polling. */
export async function until(what: string, ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
