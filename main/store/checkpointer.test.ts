import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints } from './checkpointer';
import { AUTO_CHECKPOINT_PAGES, closeDatabase, openDatabase, type SqliteDatabase } from './db';

let dir = '';
let db: SqliteDatabase | null = null;
afterEach(() => {
  if (db) closeDatabase(db);
  db = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function open(): { db: SqliteDatabase; file: string } {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plexe-checkpoints-'));
  const file = path.join(dir, 'plexe.db');
  db = openDatabase(file).db;
  return { db, file };
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(cond()).toBe(true);
};

describe('background checkpoints', () => {
  it('copy the WAL into the database file on their own thread, and hand checkpoints back when stopped', async () => {
    const { db, file } = open();
    const checkpoints = await startBackgroundCheckpoints(db, { intervalMs: 20 });
    expect(checkpoints.mode()).toBe('thread');
    // The app's connection no longer stops its commits to checkpoint.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const before = fs.statSync(file).size;
    db.exec('CREATE TABLE blobs (b BLOB)');
    const insert = db.prepare('INSERT INTO blobs (b) VALUES (randomblob(4000))');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run();
    })();
    // About 8 MB went to the WAL; only a checkpoint writes it into the database file, and this
    // connection made none.
    await until(() => fs.statSync(file).size > before + 7_000_000);
    await checkpoints.stop();
    expect(checkpoints.mode()).toBe('inline');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTO_CHECKPOINT_PAGES);
    expect(db.prepare('SELECT count(*) FROM blobs').pluck().get()).toBe(2000);
  });

  it('leave an in-memory database to checkpoint itself', async () => {
    const memory = openDatabase(':memory:').db;
    const checkpoints = await startBackgroundCheckpoints(memory);
    expect(checkpoints.mode()).toBe('inline');
    await checkpoints.stop();
    memory.close();
  });
});
