import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { BatchFacts, RowSink, SheetHeader, SheetRow } from '../sheets/types';
import { encodeCells, joinCells } from './cells';
import { IMPORT_SQL, INSERT_GROUP, ROW_SEP, ROW_SPAN, type JobStore } from './store';

/**
 * Puts an import's rows into SQLite on a second thread, so parsing the file (this thread) and
 * writing the rows (the writer thread, its own connection to the same WAL database) overlap: the
 * import then takes about as long as the slower of the two instead of their sum.
 *
 * Each batch crosses as one string (the rows' encoded cells separated by U+001E) and a transferred
 * array of row numbers — no structured clone of a million small arrays. At most MAX_IN_FLIGHT
 * batches are queued before `rows()` waits, so memory stays flat whatever the file's size. Each
 * batch is one transaction on the writer's side, as in the single-thread path.
 *
 * Copying the import's pages from the WAL into the database file (the checkpoint) is kept out of
 * the import: the writer lets up to CHECKPOINT_PAGES build up, and once the last batch is committed
 * the import is done (`finish()` resolves) while the thread checkpoints in the background and then
 * exits (`settled`). A checkpoint in the middle of a million-row import, and waiting for the last
 * one, together cost it about a third of its time: the writer stops for a checkpoint, the parser
 * soon waits on the writer, and two cores have nothing spare to run it beside them. The rows are
 * committed either way; a quit or a crash during the checkpoint loses nothing (the next connection
 * finishes it). In the app, the database's own checkpoint thread (main/store/checkpointer.ts) copies
 * the import's pages as they come, beside it (measured: neither slower nor faster here); where that
 * thread is not running (the CLI), a commit on the app's connection while the WAL is large may do
 * the checkpoint itself (SQLite's own, every ~32 MB of WAL, see db.ts).
 *
 * Where a writer thread cannot be used (an in-memory database, or the thread fails to start) the
 * rows go in on this thread with the store's own importSink: same rows, same transactions.
 */

/** Batches (5,000 rows, a few hundred KB each) queued for the writer: enough to ride out its checkpoints. */
const MAX_IN_FLIGHT = 16;
/**
 * WAL pages (4 KiB) the writer lets build up before it checkpoints in the middle of an import: 256 MB,
 * about 3,000,000 rows of a typical file. The WAL file is removed when the app closes the database.
 */
const CHECKPOINT_PAGES = 65_536;

/**
 * The writer thread's code, plain CommonJS (run with `eval`, so nothing needs bundling as a separate
 * entry). Its SQL comes from the store (IMPORT_SQL), so every statement about jobs stays there.
 */
const WRITER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const w = workerData;
let db;
try {
  const Database = require(w.driver);
  db = new Database(w.file, { fileMustExist: true });
  db.pragma('busy_timeout = ' + w.busyTimeoutMs);
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32768');
  // See CHECKPOINT_PAGES: the import's pages are checkpointed after it, here, off the app's main thread.
  db.pragma('wal_autocheckpoint = ' + w.checkpointPages);
  const insertGroup = db.prepare(w.sql.insertGroup);
  const insertOne = db.prepare(w.sql.insertOne);
  const addPending = db.prepare(w.sql.addPending);
  const group = w.group;
  const args = new Array(group * 2);
  const insert = db.transaction((numbers, text) => {
    const cells = text.split(w.rowSep);
    let i = 0;
    for (; i + group <= cells.length; i += group) {
      for (let j = 0; j < group; j++) {
        args[2 * j] = w.base + numbers[i + j];
        args[2 * j + 1] = cells[i + j];
      }
      insertGroup.run(args);
    }
    for (; i < cells.length; i++) insertOne.run(w.base + numbers[i], cells[i]);
    addPending.run(cells.length, w.jobId);
  });
  parentPort.on('message', (m) => {
    if (m.type === 'rows') {
      try {
        insert(new Float64Array(m.numbers), m.text);
        parentPort.postMessage({ type: 'written', rows: m.rows });
      } catch (e) {
        parentPort.postMessage({ type: 'error', message: String((e && e.message) || e), code: e && e.code });
      }
    } else if (m.type === 'close') {
      // Said before the checkpoint starts, so the app's next commit (the job's import summary) finds
      // this thread checkpointing and leaves it to it instead of doing it on the main thread.
      parentPort.postMessage({ type: 'checkpointing' });
      try {
        db.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // Another connection busy with the database: its own checkpoints will catch up.
      }
      db.close();
      db = null;
      parentPort.close();
    }
  });
  parentPort.postMessage({ type: 'ready' });
} catch (e) {
  if (db) db.close();
  parentPort.postMessage({ type: 'failed', message: String((e && e.message) || e) });
}
`;

type FromWriter =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'written'; rows: number }
  | { type: 'error'; message: string; code?: string }
  | { type: 'checkpointing' };

export interface ImportWriter extends RowSink {
  /**
   * Waits until every row handed over is committed; throws the writer's error if a batch failed.
   * The writer's checkpoint then goes on in the background (see `settled`).
   */
  finish(): Promise<void>;
  /** Stops writing at once (rows not yet committed are dropped); does nothing after `finish()`. */
  abort(): Promise<void>;
  /** Resolves when the writer is completely done: its checkpoint run and its connection closed. */
  readonly settled: Promise<void>;
  /** 'thread' when a writer thread does the inserts, 'inline' when this thread does. */
  readonly mode: 'thread' | 'inline';
}

export interface ImportWriterOptions {
  /** Force the inserts onto this thread (tests compare both paths). */
  inline?: boolean;
  busyTimeoutMs?: number;
}

/** A sink for importSheet that writes the rows of job `jobId`. */
export async function createImportWriter(store: JobStore, jobId: number, opts: ImportWriterOptions = {}): Promise<ImportWriter> {
  const file = store.db.memory ? '' : store.db.name;
  if (opts.inline || file === '' || file === ':memory:') return inlineWriter(store, jobId);
  const worker = startWorker(file, jobId, opts.busyTimeoutMs ?? 10_000);
  const first = await new Promise<FromWriter>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (e: Error) => resolve({ type: 'failed', message: e.message }));
    worker.once('exit', (code) => resolve({ type: 'failed', message: `exited with code ${code}` }));
  });
  worker.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
  if (first.type !== 'ready') {
    await worker.terminate();
    return inlineWriter(store, jobId);
  }
  return threadWriter(store, jobId, worker);
}

function startWorker(file: string, jobId: number, busyTimeoutMs: number): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Worker(WRITER_SOURCE, {
    eval: true,
    workerData: { driver, file, jobId, base: jobId * ROW_SPAN, busyTimeoutMs, group: INSERT_GROUP, rowSep: ROW_SEP, checkpointPages: CHECKPOINT_PAGES, sql: { ...IMPORT_SQL } },
  });
}

function inlineWriter(store: JobStore, jobId: number): ImportWriter {
  const sink = store.importSink(jobId);
  return {
    mode: 'inline',
    header: (h) => sink.header(h),
    rows: (batch, facts) => sink.rows(batch, facts),
    finish: async () => {},
    abort: async () => {},
    settled: Promise.resolve(),
  };
}

function threadWriter(store: JobStore, jobId: number, worker: Worker): ImportWriter {
  let inFlight = 0;
  let failure: Error | null = null;
  let closed = false;
  let wake: (() => void) | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  let checkpointing = false;
  worker.on('message', (m: FromWriter) => {
    if (m.type === 'written') inFlight--;
    else if (m.type === 'checkpointing') checkpointing = true;
    else if (m.type === 'error') {
      inFlight--;
      failure ??= new Error(`Saving the imported rows failed: ${m.message}${m.code ? ` (${m.code})` : ''}. Check there is room on the disk, then load the file again.`);
    }
    notify();
  });
  worker.on('error', (e: Error) => {
    failure ??= new Error(`Saving the imported rows failed: ${e.message}. Load the file again.`);
    notify();
  });
  void exited.then(() => {
    if (!closed) failure ??= new Error('Saving the imported rows stopped unexpectedly. Load the file again.');
    else checkpointing = true; // exited without saying so: nothing left to wait for
    notify();
  });
  const waitFor = async (done: () => boolean): Promise<void> => {
    while (!done() && failure === null) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };

  return {
    mode: 'thread',
    header(h: SheetHeader) {
      store.setImportColumns(jobId, h.columns);
    },
    async rows(batch: SheetRow[], facts?: BatchFacts) {
      if (failure) throw failure;
      const numbers = new Float64Array(batch.length);
      const encoded = new Array<string>(batch.length);
      const encode = facts?.noUnitSeparators ? joinCells : encodeCells;
      for (let i = 0; i < batch.length; i++) {
        numbers[i] = batch[i]!.rowNumber;
        encoded[i] = encode(batch[i]!.values);
      }
      inFlight++;
      worker.postMessage({ type: 'rows', rows: batch.length, numbers: numbers.buffer, text: encoded.join(ROW_SEP) }, [numbers.buffer]);
      if (inFlight >= MAX_IN_FLIGHT) await waitFor(() => inFlight < MAX_IN_FLIGHT);
    },
    async finish() {
      await waitFor(() => inFlight === 0);
      closed = true;
      worker.postMessage({ type: 'close' });
      // Every row is committed; only the checkpoint's start is waited for (see the message).
      while (!checkpointing) await new Promise<void>((resolve) => (wake = resolve));
    },
    async abort() {
      if (closed) return; // finished: its rows are committed and the thread closes itself
      closed = true;
      await worker.terminate();
    },
    settled: exited,
  };
}
