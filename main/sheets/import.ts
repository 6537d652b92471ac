import { importCsv } from './csv-import';
import { sniffFile } from './sniff';
import { ImportError, type ImportOptions, type ImportResult, type RowSink, type SheetHeader } from './types';
import { importXlsx, workbookSheetNames } from './xlsx-import';

export { ImportError } from './types';
export type { ImportNotice, ImportOptions, ImportProgress, ImportResult, RowSink, SheetHeader, SheetRow } from './types';

/**
 * Reads a spreadsheet (CSV/TSV/semicolon text in any common encoding, or one sheet of an .xlsx
 * workbook) and hands its header and rows to `sink`, awaiting each call. Throws only ImportError
 * for problems with the file (and whatever the sink itself throws). On error or cancel the sink
 * may already hold some rows: discard them.
 */
export async function importSheet(path: string, sink: RowSink, opts: ImportOptions = {}): Promise<ImportResult> {
  return run(path, sink, opts);
}

async function run(path: string, sink: RowSink, opts: ImportOptions & { maxRows?: number }): Promise<ImportResult> {
  if (opts.signal?.aborted) throw new ImportError('cancelled', 'The import was cancelled. No rows were kept.');
  const sniff = await sniffFile(path);
  if (sniff.kind === 'xlsx') return importXlsx(path, sniff, sink, opts);
  return importCsv(path, sniff, sink, opts);
}

/** Sheet names of an .xlsx workbook, in order; an empty list for CSV and other text files. */
export async function listSheets(path: string): Promise<string[]> {
  const sniff = await sniffFile(path);
  if (sniff.kind !== 'xlsx') return [];
  return workbookSheetNames(path, sniff.entries);
}

/**
 * The header and the first `maxRows` data rows, for the mapping screen. Reads only as far as it
 * needs (`result.truncated` tells whether more rows follow); problems in later rows show up at import.
 */
export async function previewSheet(
  path: string,
  maxRows: number,
  opts: Omit<ImportOptions, 'batchSize'> = {},
): Promise<{ header: SheetHeader; rows: string[][]; rowNumbers: number[]; result: ImportResult }> {
  let header: SheetHeader = { columns: [], renamed: [] };
  const rows: string[][] = [];
  const rowNumbers: number[] = [];
  const result = await run(
    path,
    {
      header(h) {
        header = h;
      },
      rows(batch) {
        for (const r of batch) {
          rows.push(r.values);
          rowNumbers.push(r.rowNumber);
        }
      },
    },
    { ...opts, maxRows: Math.max(1, maxRows), batchSize: Math.max(1, Math.min(maxRows, 1000)) },
  );
  return { header, rows, rowNumbers, result };
}
