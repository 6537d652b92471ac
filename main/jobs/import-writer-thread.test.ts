import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../store/db';
import { startWriter, type FromWriter } from './import-writer-thread';
import { DEFAULT_JOB_SETTINGS, JobStore } from './store';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes each batch in one transaction, reports errors by message, and checkpoints when closed', () => {
  dir = mkdtempSync(join(tmpdir(), 'plexe-writer-'));
  const file = join(dir, 'plexe.db');
  const { db } = openDatabase(file);
  const store = new JobStore(db);
  const jobId = store.create({
    source: 'cli', resumeKey: null, profileId: 'p', profileName: 'P', modelId: null, modelRef: { kind: 'model', name: 'm', version: '1' },
    modelLabel: 'm', fields: null, filePath: 'f.csv', fileName: 'f.csv', sheet: null, settings: DEFAULT_JOB_SETTINGS,
  });
  const said: FromWriter[] = [];
  const handle = startWriter({ file, jobId, busyTimeoutMs: 1000 }, (m) => said.push(m));
  const rows = 250; // two full INSERT groups and some single rows
  const text = Array.from({ length: rows }, (_, i) => `\u001f${i + 2}\u001fnote ${i}`).join('\u001e');
  expect(handle({ type: 'rows', rows, numbers: Float64Array.from({ length: rows }, (_, i) => i + 2).buffer, text })).toBe('open');
  // The same row numbers again: the primary key refuses them, nothing of the batch is kept.
  handle({ type: 'rows', rows: 2, numbers: new Float64Array([300, 2]).buffer, text: '\u001fx\u001e\u001fy' });
  expect(handle({ type: 'close' })).toBe('closed');
  expect(said.map((m) => m.type)).toEqual(['written', 'error', 'checkpointing']);
  expect(said[1]).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  expect(store.counts(jobId).pending).toBe(rows);
  expect(store.resultsPage(jobId, 0, 2, false).map((r) => [r.row_number, r.cells])).toEqual([
    [2, '\u001f2\u001fnote 0'],
    [3, '\u001f3\u001fnote 1'],
  ]);
  closeDatabase(db);
});
