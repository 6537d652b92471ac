import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkpointNow, useImportCheckpoints } from '../store/wal';
import { workerInput } from '../workers/spawn';
import { ROW_SEP } from './cells';
import { IMPORT_SQL, INSERT_GROUP, ROW_SPAN } from './import-sql';

/** The import writer thread (started by import-writer.ts): puts the batches it is sent into job_rows, one transaction each. */

export interface WriterInput {
  file: string;
  jobId: number;
  busyTimeoutMs: number;
}

/** Messages to the thread. */
export type ToWriter = { type: 'rows'; rows: number; numbers: ArrayBuffer; text: string } | { type: 'close' };

/** Messages from the thread. */
export type FromWriter =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'written'; rows: number }
  | { type: 'error'; message: string; code?: string }
  | { type: 'checkpointing' };

/** Opens the connection and returns the handler of one message; exported for tests. */
export function startWriter(input: WriterInput, post: (m: FromWriter) => void): (m: ToWriter) => 'open' | 'closed' {
  const db = new Database(input.file, { fileMustExist: true });
  db.pragma(`busy_timeout = ${input.busyTimeoutMs}`);
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32768');
  useImportCheckpoints(db);
  const insertGroup = db.prepare(IMPORT_SQL.insertGroup);
  const insertOne = db.prepare(IMPORT_SQL.insertOne);
  const addPending = db.prepare(IMPORT_SQL.addPending);
  const base = input.jobId * ROW_SPAN;
  const args = new Array<number | string>(INSERT_GROUP * 2);
  const insert = db.transaction((numbers: Float64Array, text: string) => {
    const cells = text.split(ROW_SEP);
    let i = 0;
    for (; i + INSERT_GROUP <= cells.length; i += INSERT_GROUP) {
      for (let j = 0; j < INSERT_GROUP; j++) {
        args[2 * j] = base + numbers[i + j]!;
        args[2 * j + 1] = cells[i + j]!;
      }
      insertGroup.run(args);
    }
    for (; i < cells.length; i++) insertOne.run(base + numbers[i]!, cells[i]!);
    addPending.run(cells.length, input.jobId);
  });
  return (m) => {
    if (m.type === 'rows') {
      try {
        insert(new Float64Array(m.numbers), m.text);
        post({ type: 'written', rows: m.rows });
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        post({ type: 'error', message: e instanceof Error ? e.message : String(e), ...(typeof code === 'string' ? { code } : {}) });
      }
      return 'open';
    }
    // Said before the checkpoint starts: the import is complete once every row is committed.
    post({ type: 'checkpointing' });
    checkpointNow(db);
    db.close();
    return 'closed';
  };
}

if (parentPort && workerData !== null && typeof workerData === 'object' && 'data' in workerData) {
  const port = parentPort;
  try {
    const handle = startWriter(workerInput<WriterInput>(workerData), (m) => port.postMessage(m));
    port.on('message', (m: ToWriter) => {
      if (handle(m) === 'closed') port.close();
    });
    port.postMessage({ type: 'ready' } satisfies FromWriter);
  } catch (e) {
    port.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) } satisfies FromWriter);
  }
}
