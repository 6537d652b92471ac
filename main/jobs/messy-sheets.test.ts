import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldsFromAnySchema } from '../../shared/domain/schema-convert';
import { describeInputSchema, findModel } from '../../sandbox/models';
import { MESSY_DIR, messyFiles, type MessyFile } from '../../e2e/fixtures-data/make-messy';
import { causeKey, problemRowsForCause } from './check';
import { jobsHarness, type JobsHarness } from './test-support';

/**
 * The messy-sheet set (e2e/fixtures-data/messy, made by make-messy.ts) through the job service's
 * import and check: title rows, near-miss names, category spellings, units and a decimal comma are
 * recovered without editing the file, so exactly the rows whose values are unambiguous are ready;
 * the rest are grouped by cause with their values. Then the ready rows are scored by the sandbox.
 */

const EXPECTED = JSON.parse(readFileSync(join(MESSY_DIR, 'expected.json'), 'utf8')) as Record<string, MessyFile>;

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('messy sheets through import and check', () => {
  it('the committed files are what make-messy.ts writes', () => {
    const made = messyFiles();
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(made).sort());
    for (const [name, f] of Object.entries(made)) {
      expect(readFileSync(join(MESSY_DIR, name)).equals(Buffer.from(f.data)), name).toBe(true);
      expect(EXPECTED[name]).toEqual(f.meta);
    }
  });

  it.each(Object.entries(EXPECTED))('%s: the rows whose values can be recovered are ready, and score ok', async (name, exp) => {
    h = await jobsHarness();
    const model = findModel(exp.model.name, exp.model.version)!;
    // The harness's saved model, pointed at the model this file is for, with its schema as a newer
    // deployment describes it (JSON Schema: allowed values, descriptions).
    h.model.ref = { kind: 'model', name: exp.model.name, version: exp.model.version };
    h.model.schema = { fields: fieldsFromAnySchema(describeInputSchema({ ...model, describeStyle: 'json-schema' })), source: 'describe' };
    const fields = h.model.schema.fields.map((f) => f.name);

    const job = await h.service.createJob({ importId: name, path: join(MESSY_DIR, name), profileId: 'p1', modelId: 'm1' });
    expect(job.counts.total).toBe(exp.rows);
    // Every field found its column automatically.
    expect(Object.keys(job.mapping ?? {}).sort()).toEqual([...fields].sort());
    expect(Object.entries(job.mapping ?? {}).filter(([, c]) => c === null)).toEqual([]);
    if (exp.headerRow > 1) expect(job.notices.map((n) => n.message).join('\n')).toContain(`taken from row ${exp.headerRow}`);

    const check = await h.service.check(job.id);
    expect(check.ready).toBe(exp.recoverable);
    expect(check.needAttention).toBe(exp.rows - exp.recoverable);
    expect(check.canSkipProblemRows).toBe(exp.rows > exp.recoverable);
    for (const [field, values] of Object.entries(exp.unrecoverable)) {
      const cause = check.problemsByCause!.find((c) => c.key === causeKey('unknown-choice', field))!;
      expect(cause.values).toEqual(Object.entries(values).map(([value, count]) => ({ value, count })));
      expect(cause.text).toMatch(new RegExp(`^${Object.values(values)[0]} rows: .* has values the model does not accept — '${Object.keys(values)[0]}'`));
      const behind = problemRowsForCause(h.service.store, job.id, cause.key, 0, 1_000);
      expect(behind.rows).toHaveLength(cause.rows);
      expect(behind.next).toBeNull();
    }
    expect(check.problemsByCause!.reduce((s, c) => s + c.rows, 0)).toBe(exp.rows - exp.recoverable);

    await h.service.start(job.id, { skipProblemRows: true });
    await h.service.settle(job.id);
    const done = h.service.getJob(job.id);
    expect(done.counts).toMatchObject({ ok: exp.recoverable, failed: 0, pending: 0, skipped: exp.rows - exp.recoverable });
  });

  it('offers no "skip the problem rows" when no row is ready, and groups one cause across all rows', async () => {
    h = await jobsHarness();
    h.model.schema = { fields: fieldsFromAnySchema(describeInputSchema({ ...findModel('house-prices', '1')!, describeStyle: 'json-schema' })), source: 'describe' };
    const csv = ['Sq. Ft.,Beds,Baths,Location', ...Array.from({ length: 30 }, (_, i) => `${900 + i},2,1,${i % 2 ? 'downtown' : 'Downtown '}`)].join('\n');
    const job = await h.service.createJob({ importId: 'none', path: h.write('none.csv', csv), profileId: 'p1', modelId: 'm1' });
    const check = await h.service.check(job.id);
    expect(check).toMatchObject({ ready: 0, needAttention: 30, canSkipProblemRows: false });
    expect(check.problemsByCause).toHaveLength(1);
    expect(check.problemsByCause![0]!.text).toBe("30 rows: Location (field location) has values the model does not accept — 'downtown' (15), 'Downtown' (15). Map these values to allowed ones.");
  });
});
