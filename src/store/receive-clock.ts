/**
 * Receive times a store stamps itself, strictly increasing: two batches
 * received in the same millisecond would otherwise give two versions of a
 * figure one receive time, and as of that instant only the later would ever
 * have been seen (the earlier "never public", missing from the history a
 * mirror reads). A store has one writer, so one clock per store suffices.
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
