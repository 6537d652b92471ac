import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../shared/ipc/errors';
import type { RowProblem } from '../../shared/ipc/jobs';
import { CsvWriter, csvField, flattenObject, isPlainObject, resultColumnNames } from '../sheets/csv-writer';
import { decodeCells, type ExportTuple, type JobRecord, type JobStore, type StoredResultRow } from './store';

const PAGE = 2_000;
/** Bytes of CSV handed to the file at a time. */
const CHUNK_BYTES = 1 << 20;

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
  const cells = decodeCells(r.cells);
  const out: unknown[] = new Array<unknown>(columnCount + resultFields.length + 3);
  for (let i = 0; i < columnCount; i++) out[i] = cells[i] ?? '';
  if (r.result !== null) {
    const flat = flattenObject(JSON.parse(r.result) as Record<string, unknown>);
    for (let j = 0; j < resultFields.length; j++) out[columnCount + j] = Object.hasOwn(flat, resultFields[j]!) ? flat[resultFields[j]!] : undefined;
  }
  const [status, error] = statusCells(r);
  out[columnCount + resultFields.length] = status;
  out[columnCount + resultFields.length + 1] = error;
  out[columnCount + resultFields.length + 2] = r.request_id ?? '';
  return out;
}

/** Stored cells that can go out as they are once the separators become commas (see rowFormatter). */
// eslint-disable-next-line no-control-regex -- U+001F is the stored cell separator (encodeCells)
const NEEDS_CELL_WORK = /[",\r\n]|\u001f[=+\-@\t]/;
const NEWLINE = '\r\n';
const CELL_SEP = '\u001f';

/** How many U+001F a stored row holds (= its number of cells in the joined form). */
function separators(stored: string): number {
  let n = 0;
  for (let i = stored.indexOf(CELL_SEP); i !== -1; i = stored.indexOf(CELL_SEP, i + 1)) n++;
  return n;
}

/**
 * Builds the CSV text of one exported row, the same text `csvLine(exportCells(...))` gives, several
 * times faster: this is what a million-row export spends its time on.
 *
 * - Input cells, stored joined by U+001F (encodeCells), go out with one split and one join when no
 *   cell needs quoting or formula-neutralising — one regex over the row decides; otherwise cell by cell.
 * - Result fields with no dot in their name are read straight off the parsed result, without
 *   flattening it (a field whose value is a non-empty object was flattened away, so it is empty).
 */
export function rowFormatter(columnCount: number, resultFields: readonly string[]): (t: ExportTuple) => string {
  const nResult = resultFields.length;
  const direct = resultFields.every((f) => !f.includes('.'));
  const noResult = ','.repeat(nResult);
  return (t) => {
    const stored = t[1];
    let line: string;
    if (stored.charCodeAt(0) === 31 && !NEEDS_CELL_WORK.test(stored) && separators(stored) === columnCount) {
      line = stored.slice(1).replaceAll(CELL_SEP, ',');
    } else {
      const cells = decodeCells(stored);
      line = '';
      for (let i = 0; i < columnCount; i++) line += (i > 0 ? ',' : '') + csvField(cells[i] ?? '');
    }
    const result = t[3];
    if (result === null) {
      line += noResult;
    } else {
      const obj = JSON.parse(result) as Record<string, unknown>;
      if (direct) {
        for (let j = 0; j < nResult; j++) {
          const f = resultFields[j]!;
          const v = Object.hasOwn(obj, f) ? obj[f] : undefined;
          line += ',' + (isPlainObject(v) && Object.keys(v).length > 0 ? '' : csvField(v));
        }
      } else {
        const flat = flattenObject(obj);
        for (let j = 0; j < nResult; j++) line += ',' + csvField(flat[resultFields[j]!]);
      }
    }
    if (t[2] === 'ok') line += ',ok,,' + csvField(t[6] ?? '');
    else {
      const [status, error] = statusCells({ status: t[2], error_code: t[4], error_message: t[5], problems: t[7] });
      line += ',' + csvField(status) + ',' + csvField(error) + ',' + csvField(t[6] ?? '');
    }
    // With no input columns the line starts with the separator before the first result cell.
    return (columnCount === 0 ? line.slice(1) : line) + NEWLINE;
  };
}

/**
 * Streams a job's rows to a CSV file in row order, page by page (bounded memory whatever the size):
 * each page becomes one string handed to the writer, which waits for the stream only when its buffer
 * is full. Written to a temporary file beside the target and renamed at the end, so a failed export
 * never leaves half a file under the chosen name.
 */
export async function exportJob(store: JobStore, job: JobRecord, path: string): Promise<{ path: string; rows: number; bytes: number }> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.part`);
  const out = createWriteStream(temp, { highWaterMark: 1 << 20 });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  try {
    await opened;
  } catch (e) {
    throw new AppError('export_failed', `The results could not be saved to ${path}: ${(e as Error).message}. Choose a folder you can write to.`, { path });
  }
  const writer = new CsvWriter(out, { chunkSize: 1 << 20 });
  const { header } = exportHeader(job.columns, job.resultFields);
  const format = rowFormatter(job.columns.length, job.resultFields);
  try {
    await writer.writeRow(header);
    let after = 0;
    let rows = 0;
    let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let used = 0;
    let inChunk = 0;
    for (;;) {
      const page = store.exportPage(job.id, after, PAGE);
      if (page.length === 0) break;
      // Each line is encoded into the chunk as soon as it is made, so it dies young: no page-long
      // string is built (holding one made the garbage collector most of the export's cost).
      for (let i = 0; i < page.length; i++) {
        const line = format(page[i]!);
        if (used + line.length * 3 > chunk.length) {
          await writer.writeBytes(chunk.subarray(0, used), inChunk);
          chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length * 3));
          used = 0;
          inChunk = 0;
        }
        used += chunk.write(line, used);
        inChunk++;
      }
      rows += page.length;
      after = page[page.length - 1]![0];
    }
    if (used > 0) await writer.writeBytes(chunk.subarray(0, used), inChunk);
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
