import { afterEach, describe, expect, it } from 'vitest';
import { houseCsv, jobsHarness, type JobsHarness } from './test-support';

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('a job stays in sight', () => {
  it('refuses to delete a running job until it is cancelled', async () => {
    h = await jobsHarness({ rpm: 120, concurrency: 1 });
    const job = await h.service.createJob({ importId: 'i', path: h.write('slow.csv', houseCsv(200)), profileId: 'p1', modelId: 'm1' });
    await h.service.start(job.id, { batchSize: 1 });
    await expect(h.service.delete(job.id)).rejects.toThrow(/"slow\.csv" is running, so it cannot be deleted\. Cancel it first/);
    expect(h.service.getJob(job.id).state).toBe('running');
    await h.service.cancel(job.id);
    await h.service.settle(job.id);
    expect(await h.service.delete(job.id)).toBe(true);
  });

  it('notifies when a job longer than a minute finishes, not after a short one', async () => {
    // A clock running 1,000 times fast: a run of a tenth of a second counts as 100 seconds.
    const t0 = Date.now();
    let speed = 1;
    h = await jobsHarness({ now: () => t0 + (Date.now() - t0) * speed });
    const short = await h.service.createJob({ importId: 'a', path: h.write('short.csv', houseCsv(20)), profileId: 'p1', modelId: 'm1' });
    await h.service.start(short.id);
    expect(await h.service.settle(short.id)).toEqual({ state: 'done' });
    expect(h.notifications).toEqual([]);

    speed = 1000;
    const long = await h.service.createJob({ importId: 'b', path: h.write('long.csv', houseCsv(300)), profileId: 'p1', modelId: 'm1' });
    await h.service.start(long.id, { batchSize: 1 });
    expect(await h.service.settle(long.id)).toEqual({ state: 'done' });
    expect(h.service.getJob(long.id).runMs).toBeGreaterThan(60_000);
    expect(h.notifications).toEqual([{ title: 'Spreadsheet scored', body: 'long.csv: 300 rows scored.' }]);
  });
});
