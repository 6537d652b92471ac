import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryFilters } from '../../shared/ipc/history';
import type { SqliteDatabase } from '../store/db';
import { HistoryStore } from './store';
import { minutes, prediction, tempHistory } from './test-helpers';

/**
 * The planner hints in filters.ts and store.ts (`+p.series_id`, `+p.id`, the redundant `p.status <> 'ok'`)
 * each aim at one index; removing any of them fails a test below (a CROSS JOIN once here did not change
 * any plan and was dropped). These tests read SQLite's plan for the statements the store
 * really runs, so a hint that stops working — or a query that loses its index — fails here.
 */

let dispose: (() => void) | null = null;
afterEach(() => {
  dispose?.();
  dispose = null;
});

/** A store over a small history whose every prepared statement text is recorded. */
function recordingStore(): { store: HistoryStore; db: SqliteDatabase; texts: string[] } {
  const h = tempHistory();
  dispose = h.dispose;
  const texts: string[] = [];
  const prepare = h.db.prepare.bind(h.db);
  h.db.prepare = ((source: string) => {
    texts.push(source);
    return prepare(source);
  }) as typeof h.db.prepare;
  const store = new HistoryStore(h.db, { pageProbeAbove: 100, listProbeAbove: 100 });
  // Like a real history: a few models, 2% failed, one common name and a few rare ones; then the
  // statistics the app gathers (PRAGMA optimize on close runs ANALYZE where it is needed).
  const rows = Array.from({ length: 5000 }, (_, i) =>
    prediction({
      createdAt: minutes(i),
      modelName: ['churn', 'prices', 'leads', 'risk'][i % 4]!,
      status: i % 50 === 0 ? 'invalid_input' : 'ok',
      input: { customer: i % 1000 === 7 ? `Bob ${i}` : 'Alice Smith' },
    }),
  );
  store.addMany(rows);
  store.indexPendingText(10_000);
  h.db.exec('ANALYZE');
  return { store, db: h.db, texts };
}

/** The plan of the last SELECT over `predictions p` the store prepared while running `action`. */
function planOf(r: ReturnType<typeof recordingStore>, action: () => void): string {
  const before = r.texts.length;
  action();
  const text = r.texts.slice(before).reverse().find((t) => /FROM predictions p\b/.test(t) && t.trimStart().startsWith('SELECT'));
  if (!text) throw new Error('the store ran no SELECT over predictions p');
  const params = (text.match(/\?/g) ?? []).map(() => null);
  const rows = r.db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as { detail: string }[];
  return rows.map((x) => x.detail).join('\n');
}

const page = (store: HistoryStore, filters: HistoryFilters) => () => void store.page({ filters, limit: 10 });

describe('history query plans', () => {
  it('walks the time index for the unfiltered list, with no sort and the series found by key', () => {
    const r = recordingStore();
    const plan = planOf(r, page(r.store, {}));
    expect(plan).toMatch(/SCAN p USING INDEX predictions_by_time/);
    expect(plan).toMatch(/SEARCH s USING INTEGER PRIMARY KEY/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('starts a later page at its cursor instead of walking from the newest row', () => {
    const r = recordingStore();
    const first = r.store.page({ limit: 10 });
    const plan = planOf(r, () => void r.store.page({ limit: 10, cursor: first.nextCursor }));
    expect(plan).toMatch(/SEARCH p USING INDEX predictions_by_time \(created_at<\?\)/);
    expect(planOf(r, () => void r.store.page({ limit: 10, cursor: first.nextCursor, filters: { modelName: 'churn' } }))).toMatch(/predictions_by_series_time \(series_id=\? AND created_at<\?\)/);
  });

  it('walks the series index for one model', () => {
    const r = recordingStore();
    const plan = planOf(r, page(r.store, { modelName: 'churn' }));
    expect(plan).toMatch(/USING INDEX predictions_by_series_time/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('walks the partial index of failed rows for failed rows of one model (+p.series_id)', () => {
    const r = recordingStore();
    expect(planOf(r, page(r.store, { modelName: 'churn', outcome: 'failed' }))).toMatch(/USING INDEX predictions_failed_by_time/);
    // One failed status: the redundant `p.status <> 'ok'` is what lets SQLite match the partial index.
    expect(planOf(r, page(r.store, { status: 'invalid_input' }))).toMatch(/USING INDEX predictions_failed_by_time/);
  });

  it('drives a rare word from the id list, and a common one from the time index (+p.id)', () => {
    const r = recordingStore();
    const rare = planOf(r, page(r.store, { text: 'Bob' }));
    expect(rare).toMatch(/SEARCH p USING INTEGER PRIMARY KEY/);
    const common = planOf(r, page(r.store, { text: 'Alice' }));
    expect(common).toMatch(/SCAN p USING INDEX predictions_by_time/);
    expect(common).not.toMatch(/TEMP B-TREE/);
  });
});
