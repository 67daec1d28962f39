/**
 * Series this instance knows InfluxDB holds: (indicator, region) pairs of
 * `observation`, (indicator, lane) pairs of `receipt`. A batch whose points
 * all fall in known series cannot be refused by influxd's limits on tag
 * values and series (`max-values-per-tag`, `max-series-per-database`, which
 * only refuse new ones); a batch that starts series writes their first
 * points before anything visible, in one request (influx-store.ts).
 *
 * Series are only ever added (by this instance's writes, or seen in the
 * index), so knowing too little costs a question to InfluxDB and nothing
 * else; what is known is forgotten whenever InfluxDB may have come back
 * with other data. Held as a bit per (first, second) pair over interned
 * codes: 30 indicators of 100,000 regions cost 100,000 map entries and
 * 375 KB of bits, not three million strings.
 */
export class KnownSeries {
  private readonly ordinals = new Map<string, number>();
  private readonly bits = new Map<string, Uint8Array>();

  has(first: string, second: string): boolean {
    const i = this.ordinals.get(second);
    if (i === undefined) return false;
    const bits = this.bits.get(first);
    return bits !== undefined && i >> 3 < bits.length && (bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  add(first: string, second: string): void {
    let i = this.ordinals.get(second);
    if (i === undefined) this.ordinals.set(second, (i = this.ordinals.size));
    let bits = this.bits.get(first);
    if (bits === undefined || i >> 3 >= bits.length) {
      const grown = new Uint8Array(Math.max(16, (i >> 3) + 1, (bits?.length ?? 0) * 2));
      if (bits !== undefined) grown.set(bits);
      this.bits.set(first, (bits = grown));
    }
    bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7));
  }

  addAll(first: string, seconds: Iterable<string>): void {
    for (const second of seconds) this.add(first, second);
  }

  clear(): void {
    this.ordinals.clear();
    this.bits.clear();
  }
}
