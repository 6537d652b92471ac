import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryFilters } from '../../shared/ipc/history';
import { historyPageSchema } from '../../shared/ipc/history';
import type { PredictionRecord } from '../../shared/domain/prediction';
import { seededRandom } from './fixture';
import { minutes, prediction, tempHistory } from './test-helpers';
import { HistoryStore } from './store';

let t: ReturnType<typeof tempHistory>;
let store: HistoryStore;
beforeEach(() => {
  t = tempHistory();
  store = t.store;
});
afterEach(() => t.dispose());

/** Walks every page and returns the ids in order. */
function walk(filters: HistoryFilters = {}, limit = 7, between?: (page: number) => void): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 10_000; page++) {
    const res = store.page({ filters, cursor, limit });
    expect(res.rows.length).toBeLessThanOrEqual(limit);
    ids.push(...res.rows.map((r) => r.id));
    if (res.nextCursor === null) return ids;
    cursor = res.nextCursor;
    between?.(page);
  }
  throw new Error('too many pages');
}

/** The ids matching `keep`, newest first, computed the slow obvious way. */
function expected(all: PredictionRecord[], keep: (r: PredictionRecord) => boolean): number[] {
  return all
    .filter(keep)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)
    .map((r) => r.id);
}

function everything(): PredictionRecord[] {
  return walk({}, 1000).map((id) => store.get(id) as PredictionRecord);
}

describe('writing and reading', () => {
  it('keeps every field of a prediction exactly', () => {
    const entry = prediction({
      createdAt: '2026-02-03T04:05:06.789Z',
      source: 'bulk',
      input: { name: 'Zoë "Z" O\'Neil', nested: { a: 1, b: [1, 2] }, flag: true, nothing: null },
      result: { prediction: 3.25, extra: { deep: 'x' } },
      status: 'invalid_input',
      errorMessage: 'Field "age" must be a number.',
      errorDetails: { rows: [1, 2], field: 'age' },
      httpStatus: 400,
      requestId: 'req_1',
      roundTripMs: 12.5,
      processingTimeMs: null,
      attempts: 3,
      jobId: 'job-9',
      rowNumber: 17,
    });
    const id = store.add(entry);
    expect(store.get(id)).toEqual({ ...entry, id });
    expect(store.get(id + 1)).toBeUndefined();
  });

  it('stores times given with an offset as the same instant, in UTC', () => {
    const id = store.add(prediction({ createdAt: '2026-01-01T13:00:00+01:00' }));
    expect(store.get(id)?.createdAt).toBe('2026-01-01T12:00:00.000Z');
  });

  it('saves a batch all together or not at all', () => {
    store.addMany([prediction(), prediction()]);
    expect(store.count()).toBe(2);
    expect(() => store.addMany([prediction({ modelName: 'new-model' }), prediction({ createdAt: 'yesterday' })])).toThrow(/Prediction 2 of 2 .* not a valid date; nothing was saved/);
    expect(store.count()).toBe(2);
    // The series created inside the rolled-back batch must not be reused as if it existed.
    const id = store.add(prediction({ modelName: 'new-model' }));
    expect(store.get(id)?.modelName).toBe('new-model');
    expect(store.facets().models.map((m) => m.modelName)).toEqual(['churn', 'new-model']);
  });
});

describe('pages', () => {
  it('lists newest first, ties broken by id, across pages with no gap or repeat', () => {
    const r = seededRandom(7);
    const batch = Array.from({ length: 250 }, () => prediction({ createdAt: minutes(Math.floor(r() * 60)) }));
    store.addMany(batch);
    const all = everything();
    expect(all).toHaveLength(250);
    const ids = walk({}, 7);
    expect(ids).toEqual(expected(all, () => true));
    expect(new Set(ids).size).toBe(250);
    const first = store.page({ limit: 10 });
    expect(historyPageSchema.parse(first)).toEqual(first);
    expect(store.page({ limit: 300 }).nextCursor).toBeNull();
  });

  it('stays correct while rows are inserted between pages (newer, older and same-time rows)', () => {
    const r = seededRandom(11);
    store.addMany(Array.from({ length: 300 }, (_, i) => prediction({ createdAt: minutes(i % 100) })));
    const before = new Set(everything().map((x) => x.id));
    const seen = walk({}, 13, (page) => {
      // Newer rows (above the walk), rows at the same times as already-seen ones, and older rows below.
      store.add(prediction({ createdAt: minutes(1000 + page) }));
      store.add(prediction({ createdAt: minutes(Math.floor(r() * 100)) }));
      store.addMany([prediction({ createdAt: minutes(-1 - page) }), prediction({ createdAt: minutes(-1 - page) })]);
    });
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
    // Order is still strictly newest first.
    const times = seen.map((id) => store.get(id) as PredictionRecord).map((x) => [Date.parse(x.createdAt), x.id] as const);
    for (let i = 1; i < times.length; i++) {
      const [a, b] = [times[i - 1]!, times[i]!];
      expect(a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])).toBe(true);
    }
  });

  it('refuses a malformed cursor with a plain message', () => {
    expect(() => store.page({ cursor: 'abc' })).toThrow(/reload the list/);
  });
});

describe('filters', () => {
  let all: PredictionRecord[];
  beforeEach(() => {
    const r = seededRandom(3);
    const models = [
      ['p1', 'Main account', 'churn', '1'],
      ['p1', 'Main account', 'churn', '2'],
      ['p1', 'Main account', 'house', '1'],
      ['p2', 'Second account', 'churn', '1'],
    ] as const;
    const statuses = ['ok', 'ok', 'ok', 'ok', 'rate_limit_exceeded', 'invalid_input'];
    const names = ['Alice Smith', 'Bob Jones', 'Renée Dupont', 'Chen Wei'];
    const rows = Array.from({ length: 400 }, (_, i) => {
      const [profileId, profileName, modelName, modelVersion] = models[Math.floor(r() * models.length)]!;
      const status = statuses[Math.floor(r() * statuses.length)]!;
      return prediction({
        createdAt: minutes(Math.floor(r() * 2000)),
        profileId,
        profileName,
        modelName,
        modelVersion,
        source: r() < 0.5 ? 'bulk' : 'form',
        status,
        input: { customer: names[i % names.length], city: i % 5 === 0 ? 'Zürich' : 'Paris' },
        result: status === 'ok' ? { prediction: i % 2 ? 'churn' : 'stay' } : null,
        errorMessage: status === 'ok' ? null : 'Too many requests',
        requestId: `req_${i}`,
      });
    });
    store.addMany(rows);
    store.indexPendingText(1_000_000);
    all = everything();
  });

  const cases: [string, HistoryFilters, (r: PredictionRecord) => boolean][] = [
    ['model name', { modelName: 'churn' }, (r) => r.modelName === 'churn'],
    ['model name and version', { modelName: 'churn', modelVersion: '2' }, (r) => r.modelName === 'churn' && r.modelVersion === '2'],
    ['account', { profileId: 'p1' }, (r) => r.profileId === 'p1'],
    ['account and model', { profileId: 'p2', modelName: 'churn' }, (r) => r.profileId === 'p2' && r.modelName === 'churn'],
    ['exact status', { status: 'rate_limit_exceeded' }, (r) => r.status === 'rate_limit_exceeded'],
    ['status ok', { status: 'ok' }, (r) => r.status === 'ok'],
    ['failed only', { outcome: 'failed' }, (r) => r.status !== 'ok'],
    ['succeeded only', { outcome: 'ok' }, (r) => r.status === 'ok'],
    ['source', { source: 'bulk' }, (r) => r.source === 'bulk'],
    ['date range', { from: minutes(500), to: minutes(900) }, (r) => r.createdAt >= minutes(500) && r.createdAt < minutes(900)],
    ['text in input', { text: 'alice' }, (r) => r.input.customer === 'Alice Smith'],
    ['text prefix of two words', { text: 'ali smi' }, (r) => r.input.customer === 'Alice Smith'],
    ['text without accents finds accented words', { text: 'zurich' }, (r) => r.input.city === 'Zürich'],
    ['text in result (model names are not searched)', { text: 'churn' }, (r) => r.result?.prediction === 'churn'],
    ['text in request id', { text: 'req_17' }, (r) => r.requestId !== null && /^req_17/.test(r.requestId)],
    ['text in error message', { text: 'many requests' }, (r) => r.errorMessage === 'Too many requests'],
    ['everything at once', { profileId: 'p1', modelName: 'churn', outcome: 'ok', source: 'form', from: minutes(100), to: minutes(1900), text: 'bob' }, (r) => r.profileId === 'p1' && r.modelName === 'churn' && r.status === 'ok' && r.source === 'form' && r.createdAt >= minutes(100) && r.createdAt < minutes(1900) && r.input.customer === 'Bob Jones'],
    ['a model that does not exist', { modelName: 'nope' }, () => false],
  ];

  it.each(cases)('%s', (_name, filters, keep) => {
    const want = expected(all, keep);
    expect(walk(filters, 9)).toEqual(want);
    expect(store.count(filters)).toBe(want.length);
    // The same answers when a search counts as "matching many rows" (the other query shapes).
    const probing = new HistoryStore(t.db, { pageProbeAbove: 0, listProbeAbove: 0 });
    const saved = store;
    store = probing;
    try {
      expect(walk(filters, 9)).toEqual(want);
      expect(store.count(filters)).toBe(want.length);
    } finally {
      store = saved;
    }
  });

  it('finds rows the text index has not reached yet, and the same rows once it has', () => {
    const before = store.count({ text: 'Quentin' });
    expect(before).toBe(0);
    store.addMany([prediction({ input: { customer: 'Quentin Blake' } }), prediction({ input: { customer: 'quentin lower' } })]);
    expect(store.pendingTextRows()).toBe(2);
    expect(store.count({ text: 'quentin' })).toBe(2);
    expect(walk({ text: 'QUENTIN' })).toHaveLength(2);
    expect(store.indexPendingText()).toBe(2);
    expect(store.pendingTextRows()).toBe(0);
    expect(store.count({ text: 'quentin' })).toBe(2);
    expect(store.count({ text: 'quentin blake' })).toBe(1);
  });

  it('searches for punctuation-only text literally', () => {
    store.add(prediction({ input: { formula: '=1+2' } }));
    expect(store.count({ text: '=1+2' })).toBe(1);
  });

  it('offers the models, accounts and statuses present', () => {
    const f = store.facets();
    expect(f.models).toEqual([
      { modelName: 'churn', modelVersion: '1' },
      { modelName: 'churn', modelVersion: '2' },
      { modelName: 'house', modelVersion: '1' },
    ]);
    expect(f.profiles).toEqual([
      { profileId: 'p1', profileName: 'Main account' },
      { profileId: 'p2', profileName: 'Second account' },
    ]);
    expect(f.statuses).toEqual(['ok', 'invalid_input', 'rate_limit_exceeded']);
  });
});

describe('tidying up', () => {
  it('deletes chosen entries, including from text search', () => {
    store.addMany([prediction({ input: { who: 'keep' } }), prediction({ input: { who: 'gone' } }), prediction({ input: { who: 'gone' } })]);
    store.indexPendingText();
    const gone = walk({ text: 'gone' });
    expect(store.delete(gone)).toBe(2);
    expect(store.count()).toBe(1);
    expect(store.count({ text: 'gone' })).toBe(0);
    expect(store.delete([999])).toBe(0);
  });

  it('clears everything; new entries afterwards are found normally', () => {
    store.addMany(Array.from({ length: 50 }, () => prediction()));
    store.indexPendingText();
    expect(store.clear()).toBe(50);
    expect(store.count()).toBe(0);
    expect(store.count({ text: 'alice' })).toBe(0);
    const id = store.add(prediction());
    expect(id).toBeGreaterThan(50); // ids are never reused
    expect(store.count({ text: 'alice' })).toBe(1);
    store.indexPendingText();
    expect(store.count({ text: 'alice' })).toBe(1);
    expect(store.facets().statuses).toEqual(['ok']);
  });

  it('applies a retention period: older entries go, newer stay', () => {
    const now = new Date('2026-03-01T00:00:00.000Z');
    const day = 86_400_000;
    store.addMany([40, 31, 29.9, 1, 0].map((d) => prediction({ createdAt: new Date(now.getTime() - d * day).toISOString(), requestId: `age_${d}` })));
    expect(store.applyRetention(30, now)).toBe(2);
    expect(everything().map((r) => r.requestId).sort()).toEqual(['age_0', 'age_1', 'age_29.9']);
    expect(() => store.applyRetention(0, now)).toThrow(/whole number of days/);
  });
});

describe('secrets', () => {
  it('writes no API-key-like value to the database file when none is given', () => {
    const key = 'plx_live_4f9c2b7e1d8a6f3c5e0b9a7d2c4e6f81';
    // The store is never handed a key: a prediction carries none. Save a realistic mix and scan the bytes.
    store.addMany(Array.from({ length: 200 }, (_, i) => prediction({ requestId: `req_${i}`, input: { customer: `C-${i}` } })));
    store.indexPendingText();
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    const files = fs.readdirSync(t.dir).map((f) => fs.readFileSync(`${t.dir}/${f}`).toString('latin1'));
    const text = files.join('\n');
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/plx_(live|test)_[A-Za-z0-9]{16,}/);
    expect(text).not.toMatch(/x-api-key|authorization|bearer /i);
    // And the check would notice one: an input that does carry such a value is found by the same scan.
    store.add(prediction({ input: { note: key } }));
    t.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(t.file).toString('latin1')).toContain(key);
  });
});
