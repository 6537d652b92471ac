import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn';
import type { FromWriter, ToWriter, WriterInput } from './import-writer-thread';
import type { BatchFacts, RowSink, SheetHeader, SheetRow } from '../sheets/types';
import { encodeCells, joinCells } from './cells';
import { ROW_SEP, type JobStore } from './store';

/**
 * Puts an import's rows into SQLite on a second thread (import-writer-thread.ts, its own connection to
 * the same WAL database), so parsing the file (this thread) and writing the rows overlap: the import
 * takes about as long as the slower of the two instead of their sum.
 *
 * Each batch crosses as one string (the rows' encoded cells separated by U+001E) and a transferred
 * array of row numbers. At most MAX_IN_FLIGHT batches are queued before `rows()` waits, so memory
 * stays flat whatever the file's size. Once the last batch is committed the import is done
 * (`finish()` resolves); the thread then checkpoints and exits (`settled`, see main/store/wal.ts).
 *
 * Where a writer thread cannot be used (an in-memory database, or the thread fails to start) the
 * rows go in on this thread with the store's own importSink: same rows, same transactions.
 */

/** Batches (5,000 rows, a few hundred KB each) queued for the writer. */
const MAX_IN_FLIGHT = 16;

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
  return spawnWorker('jobs/import-writer-thread', { workerData: { file, jobId, busyTimeoutMs } satisfies WriterInput });
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
      worker.postMessage({ type: 'rows', rows: batch.length, numbers: numbers.buffer, text: encoded.join(ROW_SEP) } satisfies ToWriter, [numbers.buffer]);
      if (inFlight >= MAX_IN_FLIGHT) await waitFor(() => inFlight < MAX_IN_FLIGHT);
    },
    async finish() {
      await waitFor(() => inFlight === 0);
      closed = true;
      worker.postMessage({ type: 'close' } satisfies ToWriter);
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
