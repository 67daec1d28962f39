/**
 * The store as services see it, with every call that answers a promise
 * timed (GET /metrics, store query durations). One Proxy instead of a
 * wrapper per method: the Store interface grows often, and a method added
 * to it is timed without anyone remembering to. The label is the method's
 * name (a fixed set), never an argument.
 */
import type { Store, WriteSession } from './store.ts';

/** Told each store call's method and duration, once its promise settles (rejected ones too). */
export type StoreTimer = (operation: string, seconds: number) => void;

/**
 * `target` with each promise-answering method timed. A batch's session is
 * timed as well (`session.commit`…): a write's time is spent there.
 * Methods run with `this` as the real object (private fields work), and
 * are looked up on each access, so a method replaced on the store later
 * (a test's stub) is the one called.
 */
function timed<T extends object>(target: T, prefix: string, observe: StoreTimer): T {
  const wrappers = new WeakMap<Function, Function>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let wrapper = wrappers.get(value);
      if (wrapper === undefined) {
        const operation = `${prefix}${property}`;
        wrapper = (...args: unknown[]) => {
          const started = performance.now();
          const result: unknown = value.apply(object, args);
          if (prefix === '' && property === 'beginWrite') return timed(result as WriteSession, 'session.', observe);
          if (!(result instanceof Promise)) return result;
          // The caller gets a promise that settles as the store's did: one it never awaits still
          // rejects unhandled, as it would have unwrapped.
          return result.then(
            (answer: unknown) => {
              observe(operation, (performance.now() - started) / 1000);
              return answer;
            },
            (error: unknown) => {
              observe(operation, (performance.now() - started) / 1000);
              throw error;
            },
          );
        };
        wrappers.set(value, wrapper);
      }
      return wrapper;
    },
  });
}

export function timedStore(store: Store, observe: StoreTimer): Store {
  return timed(store, '', observe);
}
