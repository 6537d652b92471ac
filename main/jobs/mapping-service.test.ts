import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldsFromAnySchema } from '../../shared/domain/schema-convert';
import { describeInputSchema, findModel } from '../../sandbox/models';
import { MESSY_DIR } from '../../e2e/fixtures-data/make-messy';
import { parseMappingFile } from '../sheets/mapping-memory';
import { jobsHarness, type JobsHarness } from './test-support';

/**
 * What the person confirms is offered next time: the columns chosen for a model's fields when a
 * run starts, the values mapped in the value step; and both can be saved as a mapping file that
 * the CLI reads back.
 */

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const rows = (header: string, n: number, loc: (i: number) => string) => [header, ...Array.from({ length: n }, (_, i) => `${900 + i},${1 + (i % 3)},1,${loc(i)}`)].join('\n');

describe('mapping memory and mapping files', () => {
  it('offers the columns and values confirmed for the model on the next file, with the reason', async () => {
    h = await jobsHarness();
    h.model.schema = { fields: fieldsFromAnySchema(describeInputSchema({ ...findModel('house-prices', '1')!, describeStyle: 'json-schema' })), source: 'describe' };
    // "Size" and "Zone" match nothing by name: the person picks them, and maps "centre".
    const csv = rows('Size,Bedrooms,Bathrooms,Zone', 12, (i) => (i % 6 === 0 ? 'centre' : 'rural'));
    const first = await h.service.createJob({ importId: 'a', path: h.write('a.csv', csv), profileId: 'p1', modelId: 'm1' });
    expect(first.mapping).toMatchObject({ square_footage: null, location: 'Zone' });
    expect(first.matches?.find((m) => m.field === 'location')).toMatchObject({ how: 'values' });
    await h.service.setMapping(first.id, { ...first.mapping, square_footage: 'Size' });
    expect(h.service.getJob(first.id).matches?.find((m) => m.field === 'square_footage')).toMatchObject({ column: 'Size', how: 'chosen', reason: 'you chose "Size" for square_footage' });
    const check = await h.service.setValueMap(first.id, 'location', { centre: 'urban' });
    expect(check).toMatchObject({ ready: 12, needAttention: 0 });
    await h.service.start(first.id);
    await h.service.settle(first.id);
    expect(h.service.getJob(first.id).counts.ok).toBe(12);

    const second = await h.service.createJob({ importId: 'b', path: h.write('b.csv', csv), profileId: 'p1', modelId: 'm1' });
    expect(second.mapping).toMatchObject({ square_footage: 'Size', location: 'Zone' });
    expect(second.matches?.find((m) => m.field === 'square_footage')).toMatchObject({ how: 'remembered', reason: 'you matched "Size" to square_footage before for this model' });
    expect(second.valueMaps).toEqual({ location: { centre: 'urban' } });
    expect(await h.service.check(second.id)).toMatchObject({ ready: 12, needAttention: 0 });

    // Taken back in one job: forgotten for the model too.
    await h.service.setValueMap(second.id, 'location', { centre: null });
    expect(h.service.memory?.get('m1').values).toEqual({});
    await h.service.setValueMap(second.id, 'location', { centre: 'urban' });

    // Saved as a file, read back as the CLI reads it.
    const path = join(h.dir, 'mapping.json');
    h.service.saveMapping(second.id, path);
    expect(parseMappingFile(readFileSync(path, 'utf8'), 'mapping.json')).toEqual({
      columns: { square_footage: 'Size', bedrooms: 'Bedrooms', bathrooms: 'Bathrooms', location: 'Zone' },
      values: { location: { centre: 'urban' } },
    });
  });

  it('previews an .xlsx from the header row found or from the row asked for', async () => {
    h = await jobsHarness();
    const path = join(MESSY_DIR, 'houses-titled-units.xlsx');
    const found = await h.service.preview(path, undefined, 5);
    expect(found).toMatchObject({ headerRow: 4, columns: ['Listing', 'Sq. Ft.', 'Beds', 'Baths', 'Area type'], rowNumbers: [5, 6, 7, 8, 9] });
    expect(found.rowsAbove.map((r) => r.rowNumber)).toEqual([1, 2]);
    const asked = await h.service.preview(path, undefined, 5, 5);
    expect(asked.headerRow).toBe(5);
    expect(asked.columns[0]).toBe('L-1');
    const job = await h.service.createJob({ importId: 'x', path, profileId: 'p1', modelId: 'm1', headerRow: 4 });
    expect(job).toMatchObject({ headerRow: 4, counts: { total: 200 } });
  });

  it('pages the rows behind one cause', async () => {
    h = await jobsHarness();
    h.model.schema = { fields: fieldsFromAnySchema(describeInputSchema({ ...findModel('house-prices', '1')!, describeStyle: 'json-schema' })), source: 'describe' };
    const job = await h.service.createJob({ importId: 'c', path: h.write('c.csv', rows('Sq. Ft.,Beds,Baths,Location', 250, (i) => (i % 2 ? 'centre' : 'urban'))), profileId: 'p1', modelId: 'm1' });
    const check = await h.service.check(job.id);
    const key = check.problemsByCause![0]!.key;
    const seen: number[] = [];
    let after: number | null = null;
    do {
      const page = h.service.causeRows(job.id, key, after, 50);
      seen.push(...page.rows.map((r) => r.rowNumber));
      after = page.next;
    } while (after !== null);
    expect(seen).toEqual(Array.from({ length: 125 }, (_, i) => 3 + 2 * i));
  });
});
