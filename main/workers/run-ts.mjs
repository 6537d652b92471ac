// Runs a TypeScript worker module from source (tests, tsx): registers tsx in this worker, then loads
// the module. The built app runs the bundled .js entry directly (see spawn.ts).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
