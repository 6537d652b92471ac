import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/ipc/errors';
import { checkMigrationOrder, openDatabase, useScanCache, type SqliteDatabase } from './db';
import { migrations, type Migration } from './migrations';

let dir: string;
const open: SqliteDatabase[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plexe-db-'));
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function track<T extends { db: SqliteDatabase }>(opened: T): T {
  open.push(opened.db);
  return opened;
}

function tables(db: SqliteDatabase): string[] {
  return db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an error');
}

const extra = (version: number, name: string, sql: string): Migration => ({ version, name, up: (db) => db.exec(sql) });

describe('openDatabase', () => {
  it('creates a new file at the latest version with WAL and foreign keys on', () => {
    const file = path.join(dir, 'app.db');
    const { db, notice } = track(openDatabase(file));
    expect(notice).toBeUndefined();
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(tables(db)).toEqual(expect.arrayContaining(['profiles', 'models', 'settings', 'predictions', 'prediction_series', 'prediction_shapes', 'predictions_fts']));
  });

  it('brings every earlier version up to date and keeps the data', () => {
    for (let from = 0; from < migrations.length; from++) {
      const file = path.join(dir, `v${from}.db`);
      const old = openDatabase(file, { migrations: migrations.slice(0, from) });
      expect(old.db.pragma('user_version', { simple: true })).toBe(from);
      old.db.exec('CREATE TABLE keep_me (x INTEGER)');
      old.db.exec('INSERT INTO keep_me VALUES (42)');
      old.db.close();
      const { db } = track(openDatabase(file));
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(db.prepare('SELECT x FROM keep_me').pluck().get()).toBe(42);
      expect(tables(db)).toContain('predictions');
    }
  });

  it('keeps a 64 MB page cache, and a small one only while a long scan runs', () => {
    const { db } = track(openDatabase(path.join(dir, 'cache.db')));
    expect(db.pragma('cache_size', { simple: true })).toBe(-65536);
    const restore = useScanCache(db);
    expect(db.pragma('cache_size', { simple: true })).toBe(-4096);
    restore();
    expect(db.pragma('cache_size', { simple: true })).toBe(-65536);
  });

  it('applies only the pending steps, in order, when the list grows', () => {
    const file = path.join(dir, 'grow.db');
    const seen: number[] = [];
    const step = (v: number): Migration => ({ version: v, name: `step${v}`, up: (db) => (seen.push(v), db.exec(`CREATE TABLE t${v} (x)`)) });
    openDatabase(file, { migrations: [...migrations, step(migrations.length + 1)] }).db.close();
    openDatabase(file, { migrations: [...migrations, step(migrations.length + 1), step(migrations.length + 2), step(migrations.length + 3)] }).db.close();
    expect(seen).toEqual([migrations.length + 1, migrations.length + 2, migrations.length + 3]);
  });

  it('runs all pending steps in one transaction: a failing step leaves the file as it was', () => {
    const file = path.join(dir, 'fail.db');
    openDatabase(file).db.close();
    const next = migrations.length + 1;
    const broken = [...migrations, extra(next, 'adds a table', 'CREATE TABLE added (x)'), extra(next + 1, 'broken', 'THIS IS NOT SQL')];
    const err = thrown(() => openDatabase(file, { migrations: broken }));
    expect(err.code).toBe('database_migration_failed');
    expect(err.message).toContain(`version ${next + 1} (broken)`);
    const { db } = track(openDatabase(file));
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(tables(db)).not.toContain('added');
  });

  it('refuses a migration list that is out of order, repeats or skips a number', () => {
    const [m1] = migrations as [Migration];
    const m2 = extra(2, 'two', 'SELECT 1');
    const m3 = extra(3, 'three', 'SELECT 1');
    for (const bad of [[m1, m3], [m2, m1], [m1, m1], [m1, m3, m2], [m2]]) {
      const err = thrown(() => checkMigrationOrder(bad));
      expect(err.code).toBe('migrations_out_of_order');
      expect(() => openDatabase(path.join(dir, 'never.db'), { migrations: bad })).toThrow(/out of order/);
    }
    expect(fs.existsSync(path.join(dir, 'never.db'))).toBe(false);
    expect(() => checkMigrationOrder([m1, m2, m3])).not.toThrow();
  });

  it('refuses a database written by a newer version of the app, and leaves it untouched', () => {
    const file = path.join(dir, 'newer.db');
    const { db } = openDatabase(file);
    db.pragma(`user_version = ${migrations.length + 5}`);
    db.close();
    const before = fs.readFileSync(file);
    const err = thrown(() => openDatabase(file));
    expect(err.code).toBe('database_too_new');
    expect(err.message).toContain('newer version of Plexe Desktop');
    expect(err.message).toContain(file);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });

  it('moves a file that is not a database aside (with its -wal), starts fresh and says so', () => {
    const file = path.join(dir, 'app.db');
    const garbage = Buffer.from('this is certainly not an SQLite database '.repeat(200));
    fs.writeFileSync(file, garbage);
    fs.writeFileSync(`${file}-wal`, 'old wal');
    const { db, notice } = track(openDatabase(file, { now: () => new Date('2026-03-04T05:06:07.089Z') }));
    const moved = `${file}.corrupt-2026-03-04T05-06-07-089Z`;
    expect(notice).toContain(moved);
    expect(notice).toMatch(/damaged/);
    expect(notice).toMatch(/nothing was deleted/);
    expect(fs.readFileSync(moved).equals(garbage)).toBe(true);
    expect(fs.readFileSync(`${moved}-wal`, 'utf8')).toBe('old wal');
    db.prepare("INSERT INTO settings (key, value) VALUES ('a', '1')").run();
    expect(db.prepare('SELECT value FROM settings').pluck().get()).toBe('1');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
  });

  it('moves aside a database whose pages are damaged', () => {
    const file = path.join(dir, 'damaged.db');
    const { db } = openDatabase(file);
    db.exec('CREATE TABLE filler (x TEXT)');
    const ins = db.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) ins.run(`row ${i} ${'x'.repeat(100)}`);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = fs.readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over a few pages in the middle of the file (not the header).
    for (let p = 10; p < 14; p++) bytes.fill(0xa5, p * pageSize, p * pageSize + pageSize);
    fs.writeFileSync(file, bytes);
    const { db: fresh, notice } = track(openDatabase(file, { integrityCheck: 'auto' }));
    expect(notice).toBeDefined();
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('damaged.db.corrupt-') && !f.endsWith('-wal') && !f.endsWith('-shm'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, aside[0] as string)).equals(bytes)).toBe(true);
    expect(tables(fresh)).not.toContain('filler');
  });

  it('gives a plain error, and moves nothing, when the file cannot be opened at all', () => {
    const folder = path.join(dir, 'a-folder');
    fs.mkdirSync(folder);
    const err = thrown(() => openDatabase(folder));
    expect(err.code).toBe('database_unreadable');
    expect(err.message).toContain(folder);
    expect(fs.existsSync(folder)).toBe(true);
  });
});
