/**
 * Locks on keys (an indicator's month): a write holds every key it writes,
 * so two writes to one figure never race, while writes to different months
 * or indicators go on side by side. Keys are taken all at once, in one
 * synchronous step, so two writes can never each hold a key the other waits
 * for; each key is granted in the order asked.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Wait until no earlier holder of any of `keys` remains; answers the release. */
  async acquire(keys: Iterable<string>): Promise<() => void> {
    const mine = [...new Set(keys)];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const earlier = mine.map((key) => this.tails.get(key)).filter((p): p is Promise<void> => p !== undefined);
    for (const key of mine) this.tails.set(key, held);
    await Promise.all(earlier);
    return () => {
      for (const key of mine) if (this.tails.get(key) === held) this.tails.delete(key);
      release();
    };
  }

  /** Whether nothing holds or waits for any key. */
  get idle(): boolean {
    return this.tails.size === 0;
  }
}
