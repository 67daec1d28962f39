/**
 * Let the event loop answer what is waiting (other requests, /healthz)
 * between the steps of a long computation: an awaited store read that
 * answers at once yields to promises only, never to I/O.
 */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
