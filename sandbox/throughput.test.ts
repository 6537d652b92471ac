import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './server';
import { measure } from './throughput';

// Only checks that the throughput script measures what it says; the figure itself is recorded by
// `npx tsx sandbox/throughput.ts` (and the benchmark suite), not asserted here, because test
// machines are shared and a speed assertion would be flaky.
describe('throughput check', () => {
  let s: RunningSandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  it('drives single-row /infer requests over keep-alive and counts them', async () => {
    const r = await measure({ url: s.url, key: s.key, seconds: 0.3, concurrency: 4, client: 'http' });
    expect(r.failed).toBe(0);
    expect(r.ok).toBeGreaterThan(10);
    expect(r.rps).toBeGreaterThan(0);
    expect(s.stats().connections).toBeLessThanOrEqual(4);
    expect(s.stats().byStatus[200]).toBe(s.stats().requests);
  });
});
