import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCore, DATABASE_FILE, type Core } from '../main/core';
import { DEFAULT_JOB_SETTINGS, type NewJob } from '../main/jobs/store';

/**
 * The app as the benches use it: built by createCore, exactly as the app, the harness and the CLI
 * build it (stores, engine, services, background work), on the data folder `dataDir`. No keychain
 * and no network: the benches measure storage.
 */
export function benchCore(dataDir: string): Promise<Core> {
  return createCore({ dataDir, fetch: (url, init) => fetch(url, init), keytar: null, integrityCheck: 'none' });
}

/** The app database inside a bench's data folder. */
export const benchDatabase = (dataDir: string): string => join(dataDir, DATABASE_FILE);

/** The job the import and export benches create: a CLI job for the demo house-prices model. */
export function benchJob(filePath: string): NewJob {
  return {
    source: 'cli',
    resumeKey: null,
    profileId: 'bench',
    profileName: 'Bench',
    modelId: null,
    modelRef: { kind: 'model', name: 'house-prices', version: '1' },
    modelLabel: 'house-prices v1',
    fields: null,
    filePath,
    fileName: basename(filePath),
    sheet: null,
    settings: DEFAULT_JOB_SETTINGS,
  };
}

/** Removes a bench's data folder (the database, its WAL and shared-memory files). */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** `--rows N --repeats N --dir DIR`, as the import and jobs benches take them when run alone. */
export function sizeArgs(): { rows: number; repeats: number; dir: string } {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      repeats: { type: 'string', default: '3' },
      dir: { type: 'string', default: join(tmpdir(), 'plexe-bench') },
    },
  });
  return { rows: Number(values.rows), repeats: Number(values.repeats), dir: values.dir! };
}
