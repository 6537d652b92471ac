import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread from one of the TypeScript worker modules in this repository. The built app
 * runs `<name>.js`, which electron-vite emits beside the main bundle (electron.vite.config.ts lists
 * every worker entry); from source (tsx, vitest) the `.ts` module is loaded through run-ts.mjs.
 * `source` is the module's path from the repository's `main/` folder, without extension.
 */
export function spawnWorker(source: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const here = dirname(fileURLToPath(import.meta.url));
  if (import.meta.url.endsWith('.ts')) {
    const entry = pathToFileURL(join(here, '..', `${source}.ts`)).href;
    return new Worker(join(here, 'run-ts.mjs'), { ...options, workerData: { entry, data: options.workerData } });
  }
  const name = source.slice(source.lastIndexOf('/') + 1);
  return new Worker(join(here, `${name}.js`), { ...options, workerData: { data: options.workerData } });
}

/** The data a worker module was started with (spawnWorker's `workerData`). */
export function workerInput<T>(workerData: unknown): T {
  return (workerData as { data: T }).data;
}
