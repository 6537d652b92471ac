import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewPrediction } from '../../shared/domain/prediction';
import { openDatabase, type SqliteDatabase } from '../store/db';
import { HistoryStore } from './store';

/** A fresh migrated database in its own temp folder, for tests. */
export function tempHistory(): { db: SqliteDatabase; store: HistoryStore; file: string; dir: string; dispose: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plexe-history-'));
  const file = path.join(dir, 'app.db');
  const { db } = openDatabase(file);
  return {
    db,
    store: new HistoryStore(db),
    file,
    dir,
    dispose: () => {
      if (db.open) db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A complete prediction with sensible values; override what the test is about. */
export function prediction(overrides: Partial<NewPrediction> = {}): NewPrediction {
  return {
    createdAt: '2026-01-01T12:00:00.000Z',
    profileId: 'p1',
    profileName: 'Main account',
    modelName: 'churn',
    modelVersion: '1',
    source: 'form',
    input: { customer: 'Alice Smith', age: 42 },
    result: { prediction: 'stay', probability: 0.2 },
    status: 'ok',
    errorMessage: null,
    errorDetails: null,
    httpStatus: 200,
    requestId: 'req_abc123',
    roundTripMs: 120,
    processingTimeMs: 80,
    attempts: 1,
    jobId: null,
    rowNumber: null,
    rowLabel: null,
    ...overrides,
  };
}

export function minutes(n: number, base = Date.parse('2026-01-01T00:00:00.000Z')): string {
  return new Date(base + n * 60_000).toISOString();
}
