/**
 * Receive times a store stamps itself, strictly increasing: two batches
 * received in the same millisecond would otherwise give two versions of a
 * figure one receive time, and as of that instant only the later would ever
 * have been seen (the earlier "never public", missing from the history a
 * mirror reads). A store has one writer, so one clock per store suffices.
 *
 * Stamp where the order of versions is decided, in the same step that
 * numbers them (SQLite: inside the writer's transaction; InfluxDB: holding
 * the month's lock): a time stamped before a write waits its turn lets a
 * write queued ahead of it be numbered first yet received later, and a
 * version whose successor was received before it is superseded at once
 * (never public, missing from the public history and the changes feed).
 */
export class ReceiveClock {
  private last = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** A given time as it is; otherwise now, after every time stamped before. */
  stamp(given: Date | undefined): number {
    if (given !== undefined) return given.getTime();
    this.last = Math.max(this.now(), this.last + 1);
    return this.last;
  }
}
