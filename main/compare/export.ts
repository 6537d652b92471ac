import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { AppError } from '../../shared/ipc/errors';
import { streamViaTemp } from '../files/write-via-temp';
import { decodeCells } from '../jobs/cells';
import { jsonPath } from '../jobs/chart';
import { statusCells } from '../jobs/export';
import type { JobRecord } from '../jobs/store';
import { CsvWriter, pickFlattened } from '../sheets/csv-writer';
import { guessColumnKinds } from '../sheets/xlsx-columns';
import { writeXlsx, type XlsxColumn } from '../sheets/xlsx-writer';
import type { ComparisonRecord, ComparisonStore, PairedRow } from './store';
import { chooseField, fieldKind, sidePrefixes } from './summary';

const PAGE = 5_000;

export interface ComparisonLayout {
  header: string[];
  /** How many columns of each part: input, first results, second results, then the fixed tail. */
  inputs: number;
  firstFields: string[];
  secondFields: string[];
  /** The compared field and whether `difference` (numbers) or `changed` (classes) is written for it. */
  field: string | null;
  /** The compared field as the one name to pick from each answer (the same list for every row). */
  fieldList: readonly string[];
  numeric: boolean;
}

/** Names not already taken: a clash gets `_2`, `_3`… */
function unique(names: readonly string[], taken: Set<string>): string[] {
  return names.map((name) => {
    let n = name;
    for (let i = 2; taken.has(n); i++) n = `${name}_${i}`;
    taken.add(n);
    return n;
  });
}

/**
 * The export's columns: the input columns as imported, then `v1.<field>` for every field of the
 * first model, `v2.<field>` for every field of the second, `difference` (second − first, for a
 * number) or `changed` (for classes), and each side's status and error.
 */
export function comparisonLayout(store: ComparisonStore, job: JobRecord, comparison: ComparisonRecord): ComparisonLayout {
  const [p1, p2] = sidePrefixes(job.modelRef, comparison.modelRef);
  const field = chooseField(job, comparison);
  const numeric = field !== null && fieldKind(store, job.id, jsonPath(field)) === 'numbers';
  const taken = new Set(job.columns);
  const rest = unique(
    [
      ...job.resultFields.map((f) => `${p1}.${f}`),
      ...comparison.resultFields.map((f) => `${p2}.${f}`),
      numeric ? 'difference' : 'changed',
      `${p1}.status`,
      `${p1}.error`,
      `${p2}.status`,
      `${p2}.error`,
    ],
    taken,
  );
  return { header: [...job.columns, ...rest], inputs: job.columns.length, firstFields: job.resultFields, secondFields: comparison.resultFields, field, fieldList: field === null ? [] : [field], numeric };
}

/** One row's cells under comparisonLayout's header. */
export function comparisonCells(r: PairedRow, layout: ComparisonLayout): unknown[] {
  const out = new Array<unknown>(layout.header.length);
  const cells = decodeCells(r.cells);
  for (let i = 0; i < layout.inputs; i++) out[i] = cells[i] ?? '';
  let at = layout.inputs;
  const a = r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>);
  const b = r.b_result === null ? null : (JSON.parse(r.b_result) as Record<string, unknown>);
  if (a) pickFlattened(a, layout.firstFields, out, at);
  at += layout.firstFields.length;
  if (b) pickFlattened(b, layout.secondFields, out, at);
  at += layout.secondFields.length;
  out[at++] = pairDifference(a, b, layout);
  const [s1, e1] = statusCells(r);
  out[at++] = s1;
  out[at++] = e1;
  out[at++] = r.b_status === null ? 'not_sent' : r.b_status === 'ok' ? 'ok' : (r.b_error_code ?? 'failed');
  out[at++] = r.b_status === 'failed' ? (r.b_error_message ?? '') : '';
  return out;
}

/** second − first for a number; "yes"/"no" for classes; empty unless both answered. */
function pairDifference(a: Record<string, unknown> | null, b: Record<string, unknown> | null, layout: ComparisonLayout): unknown {
  if (!a || !b || layout.field === null) return undefined;
  const pick = (o: Record<string, unknown>) => {
    const v = new Array<unknown>(1);
    pickFlattened(o, layout.fieldList, v, 0);
    return v[0];
  };
  const x = pick(a);
  const y = pick(b);
  if (layout.numeric) return typeof x === 'number' && typeof y === 'number' ? y - x : undefined;
  return JSON.stringify(x) === JSON.stringify(y) ? 'no' : 'yes';
}

function* pages(store: ComparisonStore, jobId: number): Generator<PairedRow[]> {
  for (let after = 0; ; ) {
    const page = store.pairedPage(jobId, after, PAGE);
    if (page.length > 0) yield page;
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) return;
    after = last.row_number;
  }
}

/** Streams a comparison to CSV through the one CSV writer, or to .xlsx through the streaming workbook writer. */
export async function exportComparison(store: ComparisonStore, job: JobRecord, comparison: ComparisonRecord, path: string): Promise<{ path: string; rows: number; bytes: number }> {
  const layout = comparisonLayout(store, job, comparison);
  try {
    if (extname(path).toLowerCase() === '.xlsx') {
      const sample = store.pairedPage(job.id, 0, 1_000).map((r) => decodeCells(r.cells));
      const kinds = guessColumnKinds(sample, layout.inputs);
      const tail = 4;
      const columns: XlsxColumn[] = layout.header.map((name, i) => ({ name, kind: i < layout.inputs ? kinds[i]! : i >= layout.header.length - tail ? 'text' : 'auto' }));
      const rows = function* () {
        for (const page of pages(store, job.id)) for (const r of page) yield comparisonCells(r, layout);
      };
      const summary = await writeXlsx(path, columns, rows(), { sheetName: 'Comparison' });
      return { path, rows: summary.rows, bytes: statSync(path).size };
    }
    return await streamViaTemp(path, async (out) => {
      // UTF-8 with a byte-order mark, as the job's own CSV export writes by default, so Excel reads it right.
      const writer = new CsvWriter(out, { chunkSize: 1 << 16, bom: true });
      await writer.writeRow(layout.header);
      for (const page of pages(store, job.id)) {
        for (const r of page) {
          const wait = writer.writeRow(comparisonCells(r, layout));
          if (wait) await wait;
        }
      }
      await writer.end();
      return { path, rows: writer.rows - 1, bytes: out.bytesWritten };
    });
  } catch (e) {
    throw new AppError('export_failed', `The comparison could not be saved to ${path}: ${(e as Error).message}. Choose a folder you can write to and check there is room on the disk.`, { path });
  }
}
