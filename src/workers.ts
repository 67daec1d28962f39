/** Starting a worker thread from a module next to its caller: compiled JavaScript, or TypeScript through tsx in development and tests. */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The worker module `name` beside `base` (the caller's import.meta.url), as a worker of its own. */
export function startWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = base.endsWith('.ts');
  const url = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base);
  return fromSource
    ? // Loader hooks are not inherited by workers on Node 20: register tsx inside it first.
      new Worker(`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { ...options, eval: true })
    : new Worker(url, options);
}
