/** Review decisions in InfluxDB (access-lines.ts reviewLine): a point per decision, in the order made. */
import { randomInt } from 'node:crypto';
import type { ReviewDecision, ReviewPort } from '../store.ts';
import { nanos, nanoTime, reviewLine, reviewsOf } from './access-lines.ts';
import { column } from './http.ts';
import { statement } from './queries.ts';
import { EMPTY, getter, type StoreContext } from './store-context.ts';

/** Review decisions of one millisecond keep their order up to this many (the rest of a decision's offset is random). */
const REVIEWS_PER_MS = 999;

export class ReviewStore implements ReviewPort {
  constructor(private readonly context: Pick<StoreContext, 'run' | 'writer' | 'exclusive' | 'mark'>) {}

  /** A decision's point after those already made in its millisecond: the order made is kept. */
  async saveReviewDecision(decision: ReviewDecision): Promise<void> {
    await this.context.exclusive(async () => {
      const [result = EMPTY] = await this.context.run([
        statement('review-count', 0, { from: nanoTime(nanos(decision.at, 0)), to: nanoTime(nanos(decision.at + 1, 0)) }),
      ]);
      const made = Number(result.rows[0]?.[column(result, 'count')] ?? 0);
      const seq = Math.min(made, REVIEWS_PER_MS) * 1000 + randomInt(1000);
      await this.context.writer.write(1, () => reviewLine(decision, seq), undefined, 'ns');
      await this.context.mark(['data', 'releases']);
    });
  }

  async reviewDecisions(): Promise<ReviewDecision[]> {
    const [result = EMPTY] = await this.context.run([statement('reviews', 0, {})]);
    return reviewsOf(result.rows.map((row) => getter(result, row)));
  }
}
