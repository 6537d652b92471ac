import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHistoryCatchUp } from './catch-up';
import { prediction, tempHistory } from './test-helpers';

let t: ReturnType<typeof tempHistory>;
beforeEach(() => {
  t = tempHistory();
});
afterEach(() => t.dispose());

/** Records what each call of one of the store's catch-up steps returned. */
function recordSteps(step: 'indexPendingText'): number[] {
  const steps: number[] = [];
  const original = t.store[step].bind(t.store);
  t.store[step] = (n?: number) => {
    const done = original(n);
    steps.push(done);
    return done;
  };
  return steps;
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('background history catch-up', () => {
  it('indexes text in small steps and keeps up with new rows, then stops', async () => {
    t.store.addMany(Array.from({ length: 2500 }, (_, i) => prediction({ input: { customer: `Customer ${i}` } })));
    const steps = recordSteps('indexPendingText');
    const indexer = startHistoryCatchUp(t.store, { chunkRows: 1000, busyDelayMs: 1, idleDelayMs: 5 });
    await until(() => t.store.pendingTextRows() === 0);
    expect(steps.slice(0, 3)).toEqual([1000, 1000, 500]);
    t.store.add(prediction({ input: { customer: 'Late arrival' } }));
    await until(() => t.store.pendingTextRows() === 0);
    indexer.stop();
    const calls = steps.length;
    t.store.add(prediction());
    await new Promise((r) => setTimeout(r, 30));
    expect(steps.length).toBe(calls);
    expect(t.store.pendingTextRows()).toBe(1);
    expect(t.store.count({ text: 'arrival' })).toBe(1);
    // Merging segments ends, and searches give the same answers afterwards.
    let steps2 = 0;
    while (t.store.mergeTextIndex(10) && steps2 < 1000) steps2++;
    expect(t.store.mergeTextIndex()).toBe(false);
    expect(t.store.count({ text: 'customer' })).toBe(2502); // every input has a "customer" field
  });
});
