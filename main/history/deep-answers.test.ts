import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_DEPTH, nestedDeeperThan } from '../plexe/answer-body';
import { prediction, tempHistory } from './test-helpers';
import { exportHistoryCsv } from './export';

// Answers reach the history only through PlexeClient, which refuses anything nested deeper than
// MAX_ANSWER_DEPTH. The deepest answer it lets through must be stored, listed, shown and exported
// by every walk over answer data without trouble.

let t: ReturnType<typeof tempHistory> | null = null;
afterEach(() => t?.dispose());

/** The deepest `result` a client-accepted answer can carry: `{"result": …}` uses one level. */
function deepestResult(): Record<string, unknown> {
  let v: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < MAX_ANSWER_DEPTH - 2; i++) v = { n: v };
  return v;
}

describe('the deepest answer the client accepts', () => {
  it('is accepted by the client and goes through the history (insert, page, entry, CSV export)', async () => {
    const result = deepestResult();
    expect(nestedDeeperThan(JSON.stringify({ result }), MAX_ANSWER_DEPTH)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ result: { more: result } }), MAX_ANSWER_DEPTH)).toBe(true);
    t = tempHistory();
    t.store.addMany([prediction({ result }), prediction({ result, requestId: 'second' })]);
    const page = t.store.page({ filters: {}, cursor: null, limit: 10 });
    expect(page.rows).toHaveLength(2);
    expect(JSON.stringify(t.store.get(page.rows[0]!.id))).toContain('"leaf":1');
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    const summary = await exportHistoryCsv(t.store, {}, out);
    expect(summary.rows).toBe(2);
    const header = text.split('\r\n')[0]!;
    expect(header).toContain(`${Array(MAX_ANSWER_DEPTH - 2).fill('n').join('.')}.leaf`);
  });
});
