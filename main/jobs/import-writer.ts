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
 * stays flat whatever the file's size. While the thread starts, parsing goes on and up to
 * WHILE_STARTING encoded batches wait here. Once the last batch is committed the import is done
 * (`finish()` resolves); the thread then checkpoints and exits (`settled`, see main/store/wal.ts).
 *
 * Where a writer thread cannot be used (an in-memory database, or the thread fails to start) the
 * rows go in on this thread with the store's own inserts: same rows, same transactions.
 */

/** Batches (5,000 rows, a few hundred KB each) queued for the writer. */
const MAX_IN_FLIGHT = 16;
/** Encoded batches kept while the thread starts (a few MB): the parser does not wait for the thread. */
const WHILE_STARTING = 64;

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

/** A sink for importSheet that writes the rows of job `jobId`; it takes rows at once, while its thread starts. */
export function createImportWriter(store: JobStore, jobId: number, opts: ImportWriterOptions = {}): ImportWriter {
  const file = store.db.memory ? '' : store.db.name;
  if (opts.inline || file === '' || file === ':memory:') return inlineWriter(store, jobId);
  return threadWriter(store, jobId, startWorker(file, jobId, opts.busyTimeoutMs ?? 10_000));
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

interface Batch {
  rows: number;
  /** Row numbers (a Float64Array's buffer, transferred to the thread). */
  numbers: ArrayBuffer;
  text: string;
}

function encodeBatch(batch: SheetRow[], facts: BatchFacts | undefined): Batch {
  const numbers = new Float64Array(batch.length);
  const encoded = new Array<string>(batch.length);
  const encode = facts?.noUnitSeparators ? joinCells : encodeCells;
  for (let i = 0; i < batch.length; i++) {
    numbers[i] = batch[i]!.rowNumber;
    encoded[i] = encode(batch[i]!.values);
  }
  return { rows: batch.length, numbers: numbers.buffer, text: encoded.join(ROW_SEP) };
}

function threadWriter(store: JobStore, jobId: number, worker: Worker): ImportWriter {
  // 'starting' until the thread says it is ready; 'inline' if it could not start (rows then go in here).
  let state: 'starting' | 'thread' | 'inline' = 'starting';
  const held: Batch[] = [];
  let inFlight = 0;
  let failure: Error | null = null;
  let closed = false;
  let checkpointing = false;
  let wake: (() => void) | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const post = (b: Batch): void => {
    inFlight++;
    worker.postMessage({ type: 'rows', rows: b.rows, numbers: b.numbers, text: b.text } satisfies ToWriter, [b.numbers]);
  };
  const writeHere = (b: Batch): void => {
    try {
      store.importEncoded(jobId, new Float64Array(b.numbers), b.text.split(ROW_SEP));
    } catch (e) {
      failure ??= new Error(`Saving the imported rows failed: ${e instanceof Error ? e.message : String(e)}. Check there is room on the disk, then load the file again.`);
    }
  };
  const cannotStart = (): void => {
    if (state !== 'starting') return;
    state = 'inline';
    for (const b of held.splice(0)) writeHere(b);
    void worker.terminate();
    notify();
  };
  worker.on('message', (m: FromWriter) => {
    if (m.type === 'ready') {
      state = 'thread';
      for (const b of held.splice(0)) post(b);
    } else if (m.type === 'failed') cannotStart();
    else if (m.type === 'written') inFlight--;
    else if (m.type === 'checkpointing') checkpointing = true;
    else if (m.type === 'error') {
      inFlight--;
      failure ??= new Error(`Saving the imported rows failed: ${m.message}${m.code ? ` (${m.code})` : ''}. Check there is room on the disk, then load the file again.`);
    }
    notify();
  });
  worker.on('error', (e: Error) => {
    if (state === 'starting') return cannotStart();
    failure ??= new Error(`Saving the imported rows failed: ${e.message}. Load the file again.`);
    notify();
  });
  void exited.then(() => {
    if (state === 'starting') return cannotStart();
    if (state === 'inline') return;
    if (!closed) failure ??= new Error('Saving the imported rows stopped unexpectedly. Load the file again.');
    else checkpointing = true; // exited without saying so: nothing left to wait for
    notify();
  });
  const waitFor = async (done: () => boolean): Promise<void> => {
    while (!done() && failure === null) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };

  return {
    get mode() {
      return state === 'inline' ? 'inline' : 'thread';
    },
    header(h: SheetHeader) {
      store.setImportColumns(jobId, h.columns);
    },
    async rows(batch: SheetRow[], facts?: BatchFacts) {
      if (failure) throw failure;
      const b = encodeBatch(batch, facts);
      if (state === 'inline') return writeHere(b);
      if (state === 'starting') {
        held.push(b);
        if (held.length >= WHILE_STARTING) await waitFor(() => state !== 'starting');
        return;
      }
      post(b);
      if (inFlight >= MAX_IN_FLIGHT) await waitFor(() => inFlight < MAX_IN_FLIGHT);
    },
    async finish() {
      await waitFor(() => state !== 'starting');
      if (state === 'inline') return;
      await waitFor(() => inFlight === 0);
      closed = true;
      worker.postMessage({ type: 'close' } satisfies ToWriter);
      // Every row is committed; only the checkpoint's start is waited for (see the message).
      while (!checkpointing) await new Promise<void>((resolve) => (wake = resolve));
    },
    async abort() {
      if (closed) return; // finished: its rows are committed and the thread closes itself
      closed = true;
      held.length = 0;
      if (state !== 'inline') state = 'inline';
      await worker.terminate();
    },
    settled: exited,
  };
}
