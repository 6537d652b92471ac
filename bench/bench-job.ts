import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_JOB_SETTINGS, type NewJob } from '../main/jobs/store';

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

/** Removes a database file and its WAL and shared-memory files. */
export function removeDb(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
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
