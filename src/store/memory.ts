/**
 * What an instance keeps of what it read (ARCHITECTURE.md, "What an
 * instance keeps"): answers of the store's hot reads (a month of an
 * indicator, a region's series, the latest month before another), kept
 * per indicator until a write touches that indicator. A dashboard asks the
 * same few of them again and again; a bureau's loader revises one
 * indicator's month at a time, so answers about the others stay.
 *
 * The trust rule, in one place: a kept answer is valid while no write this
 * process made named its indicator (Store.subscribe tells which) and the
 * store's data marker is one this process's own writes left. A write that
 * names no indicator, or a marker this process did not leave (another
 * instance's write, read at the next change check), drops everything. A
 * read under way while its indicator was written is not kept.
 */
import type { ChangeState, Store, Written } from './store.ts';

/** Figures kept in answers, least recently used dropped first: about 60 MB of them. */
export const MEMORY_ROWS_MAX = 400_000;
/** Answers kept in all (a `latestPeriodBefore` answer holds no figure). */
export const MEMORY_ANSWERS_MAX = 50_000;
/** Markers of this process's own writes remembered. */
const OWN_MARKERS_KEPT = 1024;
/** Longer keys (reads for thousands of named regions) are not kept. */
const KEY_CHARS_MAX = 4_096;
/** The reads kept: each takes the indicator first. */
const KEPT = new Set(['slices', 'series', 'latestPeriodBefore']);

interface Kept {
  indicator: string;
  value: unknown;
  rows: number;
}

/**
 * Whether `marker` is one of this process's own writes not yet seen, in the
 * order written: it and every earlier one are then taken as seen. A marker
 * seen before, read again (a store restored from a backup), is not own.
 */
export function consumeOwn(own: Set<string>, marker: string): boolean {
  if (!own.has(marker)) return false;
  for (const m of own) {
    own.delete(m);
    if (m === marker) break;
  }
  return true;
}

export class ReadMemory {
  private readonly answers = new Map<string, Kept>();
  private readonly keysOf = new Map<string, Set<string>>();
  private rows = 0;
  /** Moves when everything is dropped. */
  private everything = 0;
  private readonly generation = new Map<string, number>();
  private readonly own = new Set<string>();
  private lastData: string | null = null;
  hits = 0;
  misses = 0;

  wrote(written: Written): void {
    this.own.add(written.data);
    if (this.own.size > OWN_MARKERS_KEPT) this.own.delete(this.own.values().next().value!);
    if (written.indicators === undefined || written.catalog || written.releases) this.clear();
    else for (const indicator of written.indicators) this.drop(indicator);
  }

  /** The store's state as read: a data marker no own write left means another writer. */
  observed(state: ChangeState): void {
    if (state.data === this.lastData) return;
    // Own markers up to this one are seen, whether or not this is the first state read.
    const own = consumeOwn(this.own, state.data);
    if (this.lastData !== null && !own) this.clear();
    this.lastData = state.data;
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
    const before = this.stamp(indicator);
    const value = await read();
    if (this.stamp(indicator) === before) this.keep(indicator, key, Array.isArray(value) ? value.slice() : value);
    return value;
  }

  clear(): void {
    this.everything++;
    this.answers.clear();
    this.keysOf.clear();
    this.generation.clear();
    this.rows = 0;
  }

  private stamp(indicator: string): string {
    return `${this.everything}.${this.generation.get(indicator) ?? 0}`;
  }

  private drop(indicator: string): void {
    this.generation.set(indicator, (this.generation.get(indicator) ?? 0) + 1);
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
    const rows = Array.isArray(value) ? value.length : 0;
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

/**
 * `store` behind the memory: its kept reads answered from memory, every
 * other call passed through. The memory learns of writes from the store
 * itself (subscribe) and of other writers from every `changes()` read.
 */
export function withMemory(store: Store, memory = new ReadMemory()): Store {
  store.subscribe((written) => memory.wrote(written));
  const wrappers = new Map<string, Function>();
  return new Proxy(store, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(property);
      if (wrapper === undefined) {
        if (property === 'changes') {
          wrapper = () => {
            const state = (value as Store['changes']).call(object);
            if (state instanceof Promise) {
              return state.then((s) => {
                memory.observed(s);
                return s;
              });
            }
            memory.observed(state);
            return state;
          };
        } else if (KEPT.has(property)) {
          wrapper = (indicator: string, ...rest: unknown[]) => {
            const read = () => (value as (...a: unknown[]) => Promise<unknown>).call(object, indicator, ...rest);
            const key = `${property}\u0000${indicator}\u0000${JSON.stringify(rest)}`;
            // A long list of regions makes a key that costs more to keep than the answer.
            return key.length > KEY_CHARS_MAX ? read() : memory.remember(indicator, key, read);
          };
        } else {
          wrapper = value.bind(object) as Function;
        }
        wrappers.set(property, wrapper);
      }
      return wrapper;
    },
  });
}
