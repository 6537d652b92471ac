import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/domain/profile';
import type { SavedModel } from '../../shared/domain/model';
import { openDatabase, type SqliteDatabase } from './db';
import { SqliteModels } from './models';
import { SqliteProfiles } from './profiles';
import { SqliteSettings } from './settings';

let dir: string;
let db: SqliteDatabase;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plexe-repos-'));
  db = openDatabase(path.join(dir, 'app.db')).db;
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const profile = (over: Partial<Profile> = {}): Profile => ({ id: 'p1', name: 'Main', baseUrl: 'https://api.plexe.ai', rpm: 100, concurrency: 4, isDemo: false, createdAt: '2026-01-01T00:00:00.000Z', ...over });
const model = (over: Partial<SavedModel> = {}): SavedModel => ({
  id: 'm1',
  profileId: 'p1',
  ref: { kind: 'model', name: 'churn', version: '2' },
  displayName: 'Churn v2',
  schema: { fields: [{ name: 'age', type: 'integer', required: true, min: 0 }], source: 'describe' },
  outputSchema: { prediction: 'string' },
  createdAt: '2026-01-02T00:00:00.000Z',
  ...over,
});

describe('SqliteProfiles', () => {
  it('saves, updates, lists in creation order and deletes', () => {
    const repo = new SqliteProfiles(db);
    repo.save(profile({ id: 'b', createdAt: '2026-02-01T00:00:00.000Z' }));
    repo.save(profile({ id: 'a', isDemo: true }));
    expect(repo.list().map((p) => p.id)).toEqual(['a', 'b']);
    expect(repo.get('a')).toEqual(profile({ id: 'a', isDemo: true }));
    repo.save(profile({ id: 'a', name: 'Renamed', rpm: 500 }));
    expect(repo.get('a')).toMatchObject({ name: 'Renamed', rpm: 500, isDemo: false });
    repo.delete('a');
    expect(repo.get('a')).toBeUndefined();
    expect(repo.list()).toHaveLength(1);
  });
});

describe('SqliteModels', () => {
  it('round-trips a saved model and removes it with its profile', () => {
    const profiles = new SqliteProfiles(db);
    const models = new SqliteModels(db);
    profiles.save(profile());
    models.save(model());
    models.save(model({ id: 'm2', ref: { kind: 'deployment', deploymentId: 'dep-1' }, outputSchema: null, createdAt: '2026-01-03T00:00:00.000Z' }));
    expect(models.get('m1')).toEqual(model());
    expect(models.listForProfile('p1').map((m) => m.id)).toEqual(['m1', 'm2']);
    models.save(model({ displayName: 'Churn (new name)' }));
    expect(models.get('m1')?.displayName).toBe('Churn (new name)');
    models.delete('m2');
    expect(models.get('m2')).toBeUndefined();
    profiles.delete('p1');
    expect(models.listForProfile('p1')).toEqual([]);
  });

  it('refuses a model for a profile that does not exist (foreign keys are on)', () => {
    expect(() => new SqliteModels(db).save(model({ profileId: 'missing' }))).toThrow(/FOREIGN KEY/);
  });
});

describe('SqliteSettings', () => {
  it('keeps JSON values by key and removes them with undefined', () => {
    const s = new SqliteSettings(db);
    expect(s.get('theme')).toBeUndefined();
    s.set('theme', 'dark');
    s.set('window', { w: 800, h: 600 });
    s.set('retention', null);
    expect(s.get<string>('theme')).toBe('dark');
    expect(s.get('window')).toEqual({ w: 800, h: 600 });
    expect(s.get('retention')).toBeNull();
    s.set('theme', 'light');
    expect(s.get('theme')).toBe('light');
    s.set('theme', undefined);
    expect(s.get('theme')).toBeUndefined();
  });
});
