import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { AUTO_CHECKPOINT_PAGES } from './db';

/**
 * Copies the app database's write-ahead log into the database file (SQLite's checkpoint) on a thread
 * of its own, so the thread that writes — the app's main thread, writing history and job results —
 * never stops for it. Without it, SQLite checkpoints inside the commit that passes ~32 MB of WAL
 * (see db.ts): on a million-row history that is a pause of 0.1–0.5 s, copying and syncing pages to
 * disk, about a quarter of the time of a large bulk write.
 *
 * The thread opens its own connection and runs a PASSIVE checkpoint every `intervalMs`: it copies what
 * it can without waiting for, or blocking, anyone, and costs nothing when there is nothing new. While
 * it runs, the app's connection does not checkpoint itself (`wal_autocheckpoint = 0`); if the thread
 * cannot start or stops unexpectedly, that connection goes back to checkpointing itself.
 */
export interface BackgroundCheckpoints {
  /** Stops the thread (after its current checkpoint) and gives checkpointing back to the app's connection. */
  stop(): Promise<void>;
  /** 'thread' while the thread checkpoints; 'inline' when the app's connection does it itself. */
  readonly mode: () => 'thread' | 'inline';
}

export interface BackgroundCheckpointOptions {
  intervalMs?: number;
  /** Told when the thread could not start or stopped unexpectedly (checkpoints are then made inline). */
  onError?: (message: string) => void;
}

// Plain CommonJS run with `eval`, so nothing needs bundling as a separate entry (as the import writer).
const SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
let db = null;
let timer = null;
try {
  const Database = require(workerData.driver);
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  db.pragma('wal_autocheckpoint = 0');
  timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (e) {
      // SQLITE_BUSY: another checkpoint is running; the next tick tries again.
      if (!e || e.code !== 'SQLITE_BUSY') throw e;
    }
  }, workerData.intervalMs);
  parentPort.on('message', (m) => {
    if (m !== 'stop') return;
    clearInterval(timer);
    db.close();
    db = null;
    parentPort.close();
  });
  parentPort.postMessage('ready');
} catch (e) {
  if (timer) clearInterval(timer);
  if (db) db.close();
  parentPort.postMessage('failed: ' + String((e && e.message) || e));
}
`;

/** Starts background checkpoints for the database file `db` is open on (nothing for an in-memory one). */
export async function startBackgroundCheckpoints(db: Database, options: BackgroundCheckpointOptions = {}): Promise<BackgroundCheckpoints> {
  let mode: 'thread' | 'inline' = 'inline';
  const inline = (): void => {
    mode = 'inline';
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  if (db.memory || db.name === '' || db.name === ':memory:') return { stop: async () => {}, mode: () => mode };
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(SOURCE, { eval: true, workerData: { driver, file: db.name, intervalMs: options.intervalMs ?? 200 } });
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const first = await new Promise<string>((resolve) => {
    worker.once('message', (m: string) => resolve(m));
    worker.once('error', (e: Error) => resolve(`failed: ${e.message}`));
    worker.once('exit', (code) => resolve(`failed: exited with code ${code}`));
  });
  worker.removeAllListeners('message').removeAllListeners('error');
  if (first !== 'ready') {
    options.onError?.(`Background checkpoints could not start (${first.replace(/^failed: /, '')}); the database checkpoints itself.`);
    await worker.terminate();
    return { stop: async () => {}, mode: () => mode };
  }
  if (db.open) db.pragma('wal_autocheckpoint = 0');
  mode = 'thread';
  worker.on('error', (e: Error) => {
    if (!stopping) options.onError?.(`Background checkpoints stopped (${e.message}); the database checkpoints itself.`);
  });
  void exited.then(inline);
  // The app's quit never waits for this thread: it only copies pages that are safe in the WAL anyway.
  worker.unref();
  return {
    mode: () => mode,
    async stop() {
      if (stopping) return exited;
      stopping = true;
      // Waited for: referenced again, or a process with nothing else to do would end mid-wait.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
