/**
 * What an instance keeps of what it read (ARCHITECTURE.md, "What an
 * instance keeps"): one layer over either store. The adapters keep nothing
 * between calls; this layer keeps answers of hot reads (answers.ts) and,
 * for an adapter that reads and writes in parts (InfluxDB), whole slices
 * it lends that adapter (slices.ts). When any of it is trusted, and the
 * versions the response cache keys on, are trust.ts's to say.
 */
import { DEFAULT_CHANGE_CHECK_MS } from '../../config.ts';
import type { ChangeState, Store } from '../store.ts';
import { AnswerMemory } from './answers.ts';
import { SliceMemory } from './slices.ts';
import { Trust } from './trust.ts';

export { AnswerMemory, MEMORY_ANSWERS_MAX, MEMORY_ROWS_MAX } from './answers.ts';
export { SliceMemory } from './slices.ts';
export { Trust } from './trust.ts';

/** Longer keys (reads for thousands of named regions) are not kept. */
const KEY_CHARS_MAX = 4_096;
/** The reads whose answers are kept, with the indicator each is about. */
const KEPT: Record<string, (args: unknown[]) => string> = {
  slices: (args) => args[0] as string,
  series: (args) => args[0] as string,
  latestPeriodBefore: (args) => args[0] as string,
  history: (args) => (args[0] as { indicator: string }).indicator,
};

/** An adapter that takes whole slices from the memory layer for its reads and its writes' comparisons. */
export interface KeepsSlices {
  keepSlicesIn(slices: SliceMemory): void;
}

const keepsSlices = (store: object): store is KeepsSlices => typeof (store as Partial<KeepsSlices>).keepSlicesIn === 'function';

/** Where a store behind the memory layer shows its memory: services ask its trust for data versions, metrics its counts. */
const MEMORY = Symbol('memory');

/** The memory of a store behind the layer (through any proxy that passes symbols on), or undefined. */
export function memoryOf(store: Store): { trust: Trust; answers: AnswerMemory } | undefined {
  return (store as unknown as Record<symbol, { trust: Trust; answers: AnswerMemory } | undefined>)[MEMORY];
}

export const trustOf = (store: Store): Trust | undefined => memoryOf(store)?.trust;

export interface MemoryOptions {
  /** How recent a read of a shared store's state must be for a write to compare with what is kept. */
  checkMs?: number;
  answers?: AnswerMemory;
}

/**
 * `store` behind the memory: its kept reads answered from memory, every
 * other call passed through. The memory learns of writes from the store
 * itself (subscribe) and of other writers from every `changes()` read.
 */
export function withMemory(store: Store, options: MemoryOptions = {}): Store {
  const trust = options.answers?.trust ?? new Trust(options.checkMs ?? DEFAULT_CHANGE_CHECK_MS);
  const answers = options.answers ?? new AnswerMemory(trust);
  store.subscribe((written) => trust.wrote(written));
  const changes = async (): Promise<ChangeState> => {
    try {
      const state = await store.changes();
      trust.observed(state);
      return state;
    } catch (error) {
      // Unknown: the store may come back with other data (restored from a backup).
      trust.unknown();
      throw error;
    }
  };
  if (keepsSlices(store)) store.keepSlicesIn(new SliceMemory(trust, async () => void (await changes())));
  const wrappers = new Map<string, Function>();
  const memory = { trust, answers };
  return new Proxy(store, {
    get(object, property) {
      if (property === MEMORY) return memory;
      const value: unknown = Reflect.get(object, property);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(property);
      if (wrapper === undefined) {
        const indicatorOf = KEPT[property];
        if (property === 'changes') {
          wrapper = object.shared
            ? changes
            : () => {
                const state = (value as Store['changes']).call(object) as ChangeState;
                trust.observed(state);
                return state;
              };
        } else if (indicatorOf !== undefined) {
          wrapper = (...args: unknown[]) => {
            const read = () => (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
            const key = `${property}\u0000${JSON.stringify(args)}`;
            // A long list of regions makes a key that costs more to keep than the answer.
            return key.length > KEY_CHARS_MAX ? read() : answers.remember(indicatorOf(args), key, read);
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
