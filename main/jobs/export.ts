import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../shared/ipc/errors';
import type { RowProblem } from '../../shared/ipc/jobs';
import { CsvWriter, flattenObject, resultColumnNames } from '../sheets/csv-writer';
import type { ExportTuple, JobRecord, JobStore, StoredResultRow } from './store';

const PAGE = 5_000;

/**
 * The export's header: the original columns in their original order and names, one column per
 * result field (flattened with dots; a clash with an input column is prefixed `prediction_`), then
 * status, error and request_id (also renamed should the file already have such columns).
 */
export function exportHeader(columns: readonly string[], resultFields: readonly string[]): { header: string[]; resultNames: string[] } {
  const resultNames = resultColumnNames(columns, resultFields);
  const taken = new Set([...columns, ...resultNames]);
  const tail = ['status', 'error', 'request_id'].map((name) => {
    let n = name;
    for (let i = 2; taken.has(n); i++) n = i === 2 ? `prediction_${name}` : `prediction_${name}_${i - 1}`;
    taken.add(n);
    return n;
  });
  return { header: [...columns, ...resultNames, ...tail], resultNames };
}

/** The status and error cells of one row: `ok`, the error code, `skipped`, or `not_sent`. */
export function statusCells(r: Pick<StoredResultRow, 'status' | 'error_code' | 'error_message' | 'problems'>): [string, string] {
  switch (r.status) {
    case 'ok':
      return ['ok', ''];
    case 'failed':
      return [r.error_code ?? 'failed', r.error_message ?? ''];
    case 'invalid':
    case 'skipped': {
      const problems = r.problems ? (JSON.parse(r.problems) as RowProblem[]) : [];
      const text = r.error_message ?? problems.map((p) => p.message).join(' ');
      return [r.status === 'skipped' ? 'skipped' : 'invalid_input', text];
    }
    case 'pending':
      return ['not_sent', 'This row was not sent: the job stopped before it was reached.'];
  }
}

/** The cells of one exported row. */
export function exportCells(r: StoredResultRow, columnCount: number, resultFields: readonly string[]): unknown[] {
  return exportTupleCells([r.row_number, r.cells, r.status, r.result, r.error_code, r.error_message, r.request_id, r.problems], columnCount, resultFields);
}

function exportTupleCells(t: ExportTuple, columnCount: number, resultFields: readonly string[]): unknown[] {
  const r = { cells: t[1], status: t[2], result: t[3], error_code: t[4], error_message: t[5], request_id: t[6], problems: t[7] };
  const cells = JSON.parse(r.cells) as string[];
  const out: unknown[] = new Array<unknown>(columnCount + resultFields.length + 3);
  for (let i = 0; i < columnCount; i++) out[i] = cells[i] ?? '';
  if (r.result !== null) {
    const flat = flattenObject(JSON.parse(r.result) as Record<string, unknown>);
    for (let j = 0; j < resultFields.length; j++) out[columnCount + j] = flat[resultFields[j]!];
  }
  const [status, error] = statusCells(r);
  out[columnCount + resultFields.length] = status;
  out[columnCount + resultFields.length + 1] = error;
  out[columnCount + resultFields.length + 2] = r.request_id ?? '';
  return out;
}

/**
 * Streams a job's rows to a CSV file in row order, page by page (bounded memory whatever the size).
 * Written to a temporary file beside the target and renamed at the end, so a failed export never
 * leaves half a file under the chosen name.
 */
export async function exportJob(store: JobStore, job: JobRecord, path: string): Promise<{ path: string; rows: number; bytes: number }> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.part`);
  const out = createWriteStream(temp);
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  try {
    await opened;
  } catch (e) {
    throw new AppError('export_failed', `The results could not be saved to ${path}: ${(e as Error).message}. Choose a folder you can write to.`, { path });
  }
  const writer = new CsvWriter(out);
  const { header } = exportHeader(job.columns, job.resultFields);
  try {
    await writer.writeRow(header);
    let after = 0;
    let rows = 0;
    for (;;) {
      const page = store.exportPage(job.id, after, PAGE);
      if (page.length === 0) break;
      for (const t of page) await writer.writeRow(exportTupleCells(t, job.columns.length, job.resultFields));
      rows += page.length;
      after = page[page.length - 1]![0];
    }
    await writer.end();
    await rename(temp, path);
    const { size } = await stat(path);
    return { path, rows, bytes: size };
  } catch (e) {
    out.destroy();
    await rm(temp, { force: true });
    throw new AppError('export_failed', `The results could not be saved to ${path}: ${(e as Error).message}. Check there is room on the disk and try again.`, { path });
  }
}
