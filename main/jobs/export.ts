import { statSync } from 'node:fs';
import { extname } from 'node:path';
import type { RowProblem } from '../../shared/ipc/jobs';
import { AppError } from '../../shared/ipc/errors';
import { streamViaTemp } from '../files/write-via-temp';
import { CsvWriter, pickFlattened, resultColumnNames } from '../sheets/csv-writer';
import { csvOutput, DEFAULT_CSV_FORMAT, likeInputFormat, type ExportFormat } from '../sheets/csv-options';
import { encodingLabel } from '../sheets/sniff';
import { guessColumnKinds, xlsxColumns } from '../sheets/xlsx-columns';
import { decodeCells } from './cells';
import type { JobRecord, JobStore, StoredResultRow } from './store';
import { useScanCache } from '../store/db';

/** Rows read per page of the export: small enough that a page is gone before the young generation is collected. */
const PAGE = 2_000;
const OK: [string, string] = ['ok', ''];

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

/**
 * The cells of one exported row: its input cells as imported, its result fields, status, error,
 * request_id. Written into `out` when given (the export reuses one array for every row).
 */
export function exportCells(r: StoredResultRow, columnCount: number, resultFields: readonly string[], out = new Array<unknown>(columnCount + resultFields.length + 3)): unknown[] {
  const cells = decodeCells(r.cells);
  for (let i = 0; i < columnCount; i++) out[i] = cells[i] ?? '';
  if (r.result !== null) pickFlattened(JSON.parse(r.result) as Record<string, unknown>, resultFields, out, columnCount);
  else out.fill(undefined, columnCount, columnCount + resultFields.length);
  const [status, error] = r.status === 'ok' ? OK : statusCells(r);
  out[columnCount + resultFields.length] = status;
  out[columnCount + resultFields.length + 1] = error;
  out[columnCount + resultFields.length + 2] = r.request_id ?? '';
  return out;
}

/** A job's export rows in row order, page by page (bounded memory whatever the size). */
function* exportRows(store: JobStore, job: JobRecord): Generator<unknown[]> {
  for (let after = 0; ; ) {
    const page = store.resultsPage(job.id, after, PAGE, false);
    for (const r of page) yield exportCells(r, job.columns.length, job.resultFields);
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) return;
    after = last.row_number;
  }
}

/**
 * An .xlsx workbook of the same columns as the CSV export: input columns keep the kind their first
 * page shows (numbers as numbers, dates as dates, identifiers such as "00123" as text), results by
 * their values' types, status, error and request_id as text.
 */
async function exportJobXlsx(store: JobStore, job: JobRecord, path: string, onProgress?: (rows: number) => void): Promise<JobExportSummary> {
  const { header } = exportHeader(job.columns, job.resultFields);
  const sample = store.resultsPage(job.id, 0, PAGE, false).map((r) => decodeCells(r.cells));
  const columns = xlsxColumns(header, guessColumnKinds(sample, job.columns.length));
  // Loaded on first use: exceljs costs ~30 MB of memory that a CSV export does not need.
  const { writeXlsx } = await import('../sheets/xlsx-writer');
  const summary = await writeXlsx(path, columns, exportRows(store, job), onProgress ? { onProgress } : {});
  return { path, rows: summary.rows, bytes: statSync(path).size, notices: summary.notices.map((n) => n.message) };
}

export interface JobExportSummary {
  path: string;
  rows: number;
  bytes: number;
  /** What the person should be told about the file: rows continued on a second sheet, characters the encoding could not hold. */
  notices: string[];
}

/** What the export offers: an Excel workbook, CSV as Excel reads it (UTF-8 with a mark), or CSV "like the file I loaded". */
export type ExportChoice = 'xlsx' | 'csv' | 'like-input';

/** The file format a choice means for this job: "like-input" takes the separator and encoding its import found. */
export function exportFormatFor(choice: ExportChoice, job: Pick<JobRecord, 'importInfo'>): ExportFormat {
  if (choice === 'xlsx') return { kind: 'xlsx' };
  if (choice === 'csv') return { ...DEFAULT_CSV_FORMAT };
  const { encoding, delimiter } = job.importInfo;
  return likeInputFormat({ encoding: encoding ?? 'utf-8', ...(delimiter ? { delimiter } : {}) });
}

/** The format a path means when none is given (the command line): .xlsx gives a workbook, anything else CSV UTF-8 with a mark. */
export function formatForPath(path: string): ExportFormat {
  return extname(path).toLowerCase() === '.xlsx' ? { kind: 'xlsx' } : { ...DEFAULT_CSV_FORMAT };
}

/**
 * Streams a job's rows to a file in row order, page by page (bounded memory whatever the size),
 * into a temporary file renamed at the end: CSV through the one CSV writer in the format's
 * separator and encoding, or an Excel workbook. Without a format the path's ending decides.
 */
export async function exportJob(store: JobStore, job: JobRecord, path: string, onProgress?: (rows: number) => void, format: ExportFormat = formatForPath(path)): Promise<JobExportSummary> {
  try {
    if (format.kind === 'xlsx') return await exportJobXlsx(store, job, path, onProgress);
    return await streamViaTemp(path, async (file) => {
      const output = csvOutput(format, file);
      // Small chunks: the lines of a chunk are dropped before they outlive a young-generation collection.
      const writer = new CsvWriter(output.sink, { ...output.writerOptions, chunkSize: 1 << 16 });
      await writer.writeRow(exportHeader(job.columns, job.resultFields).header);
      const restoreCache = useScanCache(store.db);
      try {
        for (let after = 0; ; ) {
          const page = store.resultsPage(job.id, after, PAGE, false);
          const cells = new Array<unknown>(job.columns.length + job.resultFields.length + 3);
          for (const r of page) {
            const wait = writer.writeRow(exportCells(r, job.columns.length, job.resultFields, cells));
            if (wait) await wait;
          }
          onProgress?.(writer.rows - 1);
          const last = page[page.length - 1];
          if (page.length < PAGE || !last) break;
          after = last.row_number;
        }
      } finally {
        restoreCache();
      }
      await writer.end();
      const replaced = output.replacedChars();
      const notices = replaced > 0 ? [`${replaced.toLocaleString('en')} ${replaced === 1 ? 'character' : 'characters'} could not be written in ${encodingLabel(format.encoding)} and became "?". Export as CSV (UTF-8) or .xlsx to keep every character.`] : [];
      return { path, rows: writer.rows - 1, bytes: file.bytesWritten, notices };
    });
  } catch (e) {
    const opening = (e as { syscall?: string }).syscall === 'open';
    throw new AppError(
      'export_failed',
      `The results could not be saved to ${path}: ${(e as Error).message}. ${opening ? 'Choose a folder you can write to.' : 'Check there is room on the disk and try again.'}`,
      { path },
    );
  }
}
