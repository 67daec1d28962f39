/**
 * Answers of the store's hot reads (a month of an indicator, a region's
 * series, the latest month before another, a figure's versions), kept per
 * indicator. A dashboard asks the same few of them again and again; a
 * bureau's loader revises one indicator's month at a time, so answers
 * about the others stay. When they may be trusted is trust.ts's to say.
 */
import { indicatorKey, type Trust } from './trust.ts';

/**
 * Figures kept in answers, least recently used dropped first: about 30 MB
 * of them. A key counts too, as a figure per KEY_CHARS_PER_ROW characters:
 * a report run asks for thousands of peer sets once each, and their keys
 * (a region list each) would outweigh the figures.
 */
export const MEMORY_ROWS_MAX = 200_000;
const KEY_CHARS_PER_ROW = 32;
/** Answers kept in all (a `latestPeriodBefore` answer holds no figure). */
export const MEMORY_ANSWERS_MAX = 50_000;

interface Kept {
  indicator: string;
  value: unknown;
  /** What it costs in figures: its rows and its key. */
  rows: number;
}

export class AnswerMemory {
  private readonly answers = new Map<string, Kept>();
  private readonly keysOf = new Map<string, Set<string>>();
  private rows = 0;
  hits = 0;
  misses = 0;

  constructor(readonly trust: Trust) {
    trust.onForget(() => this.clear());
    trust.onDrop((indicator) => this.drop(indicator));
  }

  async remember<T>(indicator: string, key: string, read: () => Promise<T>): Promise<T> {
    const kept = this.answers.get(key);
    if (kept !== undefined) {
      this.hits++;
      this.answers.delete(key);
      this.answers.set(key, kept);
      return (Array.isArray(kept.value) ? kept.value.slice() : kept.value) as T;
    }
    this.misses++;
    const stamp = this.trust.readStamp();
    const value = await read();
    if (this.trust.settled(indicatorKey(indicator), stamp)) this.keep(indicator, key, Array.isArray(value) ? value.slice() : value);
    return value;
  }

  private clear(): void {
    this.answers.clear();
    this.keysOf.clear();
    this.rows = 0;
  }

  private drop(indicator: string): void {
    const keys = this.keysOf.get(indicator);
    if (keys === undefined) return;
    for (const key of keys) this.forget(key);
    this.keysOf.delete(indicator);
  }

  private forget(key: string): void {
    const kept = this.answers.get(key);
    if (kept === undefined) return;
    this.answers.delete(key);
    this.rows -= kept.rows;
    this.keysOf.get(kept.indicator)?.delete(key);
  }

  private keep(indicator: string, key: string, value: unknown): void {
    const rows = (Array.isArray(value) ? value.length : 0) + Math.ceil(key.length / KEY_CHARS_PER_ROW);
    if (rows > MEMORY_ROWS_MAX / 4) return;
    this.answers.set(key, { indicator, value, rows });
    this.rows += rows;
    let keys = this.keysOf.get(indicator);
    if (keys === undefined) this.keysOf.set(indicator, (keys = new Set()));
    keys.add(key);
    for (const oldest of this.answers.keys()) {
      if (this.rows <= MEMORY_ROWS_MAX && this.answers.size <= MEMORY_ANSWERS_MAX) break;
      this.forget(oldest);
    }
  }
}
