import { describe, expect, it } from 'vitest';
import { runSoak } from './soak';

describe('fault soak (short form)', () => {
  it('1,000 rows under 25% transient faults, 400s and a SIGKILL + resume: every row once and correct, nothing finished resent', async () => {
    const r = await runSoak({ rows: 1_000, seed: 3, batch: 20, timeoutMs: 1_000, backoff: [20, 200], invalidEvery: 41 });
    expect(r.violations).toEqual([]);
    expect(r.faultsInjected).toBeGreaterThan(5);
    expect(r.killedAt).not.toBeNull();
    expect(r.exitCodes).toEqual([-9, 1]);
  }, 60_000);
});
