import { afterEach, describe, expect, it } from 'vitest';
import { houseCsv, houseFields, jobsHarness, type JobsHarness } from './test-support';

/**
 * The harness with house-prices as a flat schema describes it (no bounds, so bedrooms 99 goes to the
 * server, which refuses it) and the allowed values of location known.
 */
async function harness(opts: Parameters<typeof jobsHarness>[0] = {}): Promise<JobsHarness> {
  const x = await jobsHarness(opts);
  const fields = houseFields().map((f) => (f.name === 'location' ? { ...f, type: 'choice' as const, choices: ['urban', 'suburban', 'rural'] } : f));
  x.model.schema = { fields, source: 'describe' };
  return x;
}

/**
 * "Retry failed rows" sends again only what can succeed: rows that failed for a passing reason
 * (here a 502 from the gateway), and rows the server refused as invalid only once their values
 * changed. The rows the server refused are told apart from the file itself (bedrooms 99).
 */

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Rows sent to the sandbox since its log was cleared. */
const rowsSent = (x: JobsHarness): number => x.sandbox.requestLog().filter((e) => e.method === 'POST').reduce((s, e) => s + e.rows, 0);

describe('retry failed rows', () => {
  it('re-sends the rows that failed for a passing reason, not the ones the server refused', async () => {
    h = await harness({ sandbox: { faults: { p502: 0.4, seed: 7 } }, engine: { attempts: 1 } });
    const csv = houseCsv(40, { serverInvalidEvery: 5 });
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', csv), profileId: 'p1', modelId: 'm1' });
    await h.service.start(job.id, { batchSize: 1 });
    await h.service.settle(job.id);
    const first = h.service.getJob(job.id).counts;
    const failedRows = h.service.results(job.id, null, 1000, 'failed').rows.filter((r) => r.status === 'failed');
    // Refused: the rows with bedrooms 99 that reached the model (a 502 may have come first for some).
    const refused = failedRows.filter((r) => r.cells[2] === '99' && r.errorCode === 'invalid_input').length;
    expect(failedRows.filter((r) => r.errorCode !== 'invalid_input').every((r) => r.errorCode === 'bad_gateway')).toBe(true);
    const passing = failedRows.length - refused;
    expect(first.failed).toBe(failedRows.length);
    expect(passing).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);

    h.sandbox.setFaults({ p502: 0 });
    const plan = h.service.retryPlan(job.id);
    expect(plan).toMatchObject({ transient: passing, changed: 0, unchanged: refused });
    expect(plan.text).toContain(`${passing} ${passing === 1 ? 'row' : 'rows'} will be sent again`);
    expect(plan.text).toContain(`the server refused as invalid ${refused === 1 ? 'is' : 'are'} not sent again`);

    h.sandbox.clearRequestLog();
    await h.service.retryFailed(job.id);
    await h.service.settle(job.id);
    expect(rowsSent(h)).toBe(passing);
    expect(h.service.getJob(job.id).counts).toMatchObject({ ok: 40 - 8, failed: 8 });
    // Nothing left that could succeed: a second retry says why instead of sending.
    await expect(h.service.retryFailed(job.id)).rejects.toThrow(/8 rows the server refused as invalid are not sent again/);
  });

  it('re-sends a refused row once its values were mapped differently', async () => {
    h = await harness();
    const csv = ['listing_id,square_footage,bedrooms,bathrooms,location', 'A,900,2,1,urban', 'B,950,99,1,URBAN', 'C,990,99,2,Rural ', 'D,1000,3,2,rural'].join('\n');
    const job = await h.service.createJob({ importId: 'i', path: h.write('v.csv', csv), profileId: 'p1', modelId: 'm1' });
    await h.service.start(job.id, { batchSize: 1 });
    await h.service.settle(job.id);
    expect(h.service.getJob(job.id).counts).toMatchObject({ ok: 2, failed: 2 });
    expect(h.service.retryPlan(job.id)).toMatchObject({ transient: 0, changed: 0, unchanged: 2 });

    // "URBAN" now means suburban: row B would send another input; row C would not.
    await h.service.setValueMap(job.id, 'location', { URBAN: 'suburban' });
    expect(h.service.getJob(job.id).valueMaps).toEqual({ location: { URBAN: 'suburban' } });
    expect(h.service.retryPlan(job.id)).toMatchObject({ transient: 0, changed: 1, unchanged: 1 });
    h.sandbox.clearRequestLog();
    await h.service.retryFailed(job.id);
    await h.service.settle(job.id);
    expect(rowsSent(h)).toBe(1);
    const sent = h.db.prepare(`SELECT input FROM job_rows WHERE input LIKE '%suburban%'`).all() as { input: string }[];
    expect(sent.map((r) => JSON.parse(r.input) as { bedrooms: number })).toEqual([expect.objectContaining({ bedrooms: 99, location: 'suburban' })]);
  });

  it('refuses a value map to a value the model does not allow, naming the allowed ones', async () => {
    h = await harness();
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(3)), profileId: 'p1', modelId: 'm1' });
    await expect(h.service.setValueMap(job.id, 'location', { downtown: 'city' })).rejects.toThrow(/"city" is not an allowed value of location\. Choose one of: urban, suburban, rural/);
    await expect(h.service.setValueMap(job.id, 'bedrooms', { x: '1' })).rejects.toThrow(/takes any value/);
  });
});
