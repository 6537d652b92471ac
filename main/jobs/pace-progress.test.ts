import { afterEach, describe, expect, it } from 'vitest';
import { houseCsv, jobsHarness, type JobsHarness } from './test-support';

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('job progress', () => {
  it('says what Plexe accepts for the key once the engine has learned it (here from rate-limit headers)', async () => {
    // The account is set to 10 requests/s; the key may make 5 per second, and the server says so in its headers.
    h = await jobsHarness({ rpm: 600, sandbox: { keys: [{ key: 'k-paced-0001', rpm: 5, windowMs: 1000 }], rateHeaders: 'ietf' } });
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(12)), profileId: 'p1', modelId: 'm1' });
    await h.service.start(job.id, { batchSize: 1 });
    expect(await h.service.settle(job.id)).toEqual({ state: 'done' });
    expect(h.service.getJob(job.id).counts).toMatchObject({ ok: 12, failed: 0 });
    const last = h.progress.at(-1)!;
    expect(last.state).toBe('done');
    // 5 as the headers say (a little less if a loaded machine bunched the first requests into a 429).
    expect(last.serverRatePerSecond).toBeGreaterThanOrEqual(4.5);
    expect(last.serverRatePerSecond).toBeLessThanOrEqual(5);
  });
});
