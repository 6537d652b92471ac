import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../shared/ipc/errors';
import { CsvWriter, flattenObject, resultColumnNames } from '../sheets/csv-writer';
import { decodeCells } from './cells';
import { rowFormatter, statusCells } from './export-text';
import type { ExportTuple, JobRecord, JobStore, StoredResultRow } from './store';

export { rowFormatter, statusCells } from './export-text';

/** Rows per page of the export. */
const PAGE = 4_000;
/** Above this many rows to format in a page, the whole page is read as values (one query) instead of row by row. */
const MANY_MARKED = 64;
/** Marks, on both sides, the number of a row the export formats itself (see JobStore.exportTextPage). */
const MARK = '\u001e';
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

/**
 * Streams a job's rows to a CSV file in row order, page by page (bounded memory whatever the size).
 * Each page comes from SQLite as one string of the rows' stored export text (export-text.ts), with
 * the few rows that have none formatted here; pages are encoded into 1 MB chunks handed to the
 * writer, which waits for the stream only when its buffer is full. Written to a temporary file
 * beside the target and renamed at the end, so a failed export never leaves half a file under the
 * chosen name.
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
  const fields = job.resultFields.length;
  try {
    await writer.writeRow(header);
    let after = 0;
    let rows = 0;
    let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let used = 0;
    let inChunk = 0;
    /** Encodes text into the chunk, handing full chunks to the writer. */
    const put = async (text: string, lines: number): Promise<void> => {
      if (used + text.length * 3 > chunk.length) {
        if (used > 0) await writer.writeBytes(chunk.subarray(0, used), inChunk);
        chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, text.length * 3));
        used = 0;
        inChunk = 0;
      }
      used += chunk.write(text, used);
      inChunk += lines;
    };
    for (;;) {
      // Rows with stored export text come back already joined by SQLite; the others are marked.
      const page = store.exportTextPage(job.id, after, PAGE, fields);
      if (page.rows === 0) break;
      const text = page.text;
      let mark = text.indexOf(MARK);
      if (mark === -1) {
        await put(text, page.rows);
      } else {
        // Each marked row is MARK, its row number, MARK.
        const marked: number[] = [];
        for (let m = mark; m !== -1; ) {
          const close = text.indexOf(MARK, m + 1);
          marked.push(Number(text.slice(m + 1, close)));
          m = text.indexOf(MARK, close + 1);
        }
        if (marked.length > MANY_MARKED) {
          // Mostly rows without stored text (an older job, or one not run to the end): read the page as values.
          const tuples = store.exportPage(job.id, after, page.rows);
          for (let i = 0; i < tuples.length; i++) await put(format(tuples[i]!), 1);
        } else {
          const tuples = new Map(store.exportRowsAt(job.id, marked).map((t) => [t[0], t]));
          let from = 0;
          for (const rowNumber of marked) {
            const t = tuples.get(rowNumber);
            if (!t) throw new Error(`row ${rowNumber} disappeared while it was being exported`);
            const end = text.indexOf(MARK, mark + 1);
            await put(text.slice(from, mark), 0);
            await put(format(t), 1);
            from = end + 1;
            mark = text.indexOf(MARK, from);
          }
          await put(text.slice(from), page.rows - marked.length);
        }
      }
      rows += page.rows;
      after = page.last;
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
