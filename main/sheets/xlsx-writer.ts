import { EventEmitter, once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { MAX_CELL_CHARS, toCell, type XlsxColumnKind } from './xlsx-cells';

/**
 * Streamed .xlsx output for the bulk export, the history export and the command line, on exceljs's
 * streaming WorkbookWriter: each row is committed as soon as it is added, strings are written inline
 * (no shared-string table) and only the header and date cells carry a style, so memory stays flat
 * however many rows go through. The header row is bold and frozen; more rows than a sheet holds
 * continue on further sheets, each with the header again. The file appears under its name only when
 * complete (written beside it under a temporary name, then renamed).
 */

export type { XlsxColumnKind } from './xlsx-cells';

export interface XlsxColumn {
  name: string;
  kind: XlsxColumnKind;
}

export interface XlsxNotice {
  kind: 'sheet-split' | 'text-cut';
  message: string;
}

export interface XlsxWriteOptions {
  /** Name of the first sheet (later ones get " (2)", " (3)" …); "Results" by default. */
  sheetName?: string;
  /** Rows per sheet, header included; Excel's 1,048,576 by default (lower only in tests). */
  maxRowsPerSheet?: number;
  /** Called with the number of data rows written so far, every `progressEvery` rows and once at the end. */
  onProgress?: (rowsWritten: number) => void;
  progressEvery?: number;
  /** Aborting stops the export, removes the unfinished file and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface XlsxWriteSummary {
  rows: number;
  sheets: number;
  /** What the person should be told: the rows went on to more sheets, long texts were cut. */
  notices: XlsxNotice[];
}

/** Excel's limits. */
export const EXCEL_MAX_ROWS = 1_048_576;
export const EXCEL_MAX_COLUMNS = 16_384;
const SHEET_NAME_CHARS = 31;

// One style object per kind of cell: exceljs caches a style by object identity, so sharing these
// keeps styling out of the per-cell cost.
const HEADER_STYLE: Partial<ExcelJS.Style> = { font: { bold: true, size: 11, name: 'Calibri', family: 2, scheme: 'minor', color: { theme: 1 } } };
const PLAIN_STYLE: Partial<ExcelJS.Style> = {};
const DATE_STYLE: Partial<ExcelJS.Style> = { numFmt: 'yyyy-mm-dd' };
const DATETIME_STYLE: Partial<ExcelJS.Style> = { numFmt: 'yyyy-mm-dd hh:mm:ss' };

/** A sheet name Excel accepts: none of `[]:*?/\`, at most 31 characters, with room for a " (n)" suffix. */
function sheetName(base: string, index: number): string {
  const clean = base.replace(/[[\]:*?/\\]/g, ' ').trim() || 'Results';
  const suffix = index === 1 ? '' : ` (${index})`;
  return clean.slice(0, SHEET_NAME_CHARS - suffix.length) + suffix;
}

/** The unfinished file's name: beside the target (so the rename stays on one disk), hidden, unique. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`);
}

/** The stream exceljs's zip step reads one sheet's XML from, and whether it asked us to wait. */
interface ZipIntake {
  stream: EventEmitter;
  full(): boolean;
}

/**
 * exceljs hands each sheet's XML to the zip through a stream that ignores back-pressure, so nothing
 * stops the rows from piling up in memory while compression is behind. Its one consumer (a Node-style
 * PassThrough) does keep count: this finds it in exceljs's internals, checking every step, and returns
 * null when they are not what it expects (the writer then only yields to the event loop between rows).
 */
function zipIntake(sheet: ExcelJS.Worksheet): ZipIntake | null {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown } }).stream?.pipes;
  if (!Array.isArray(pipes) || pipes.length !== 1) return null;
  const stream: unknown = pipes[0];
  if (!(stream instanceof EventEmitter)) return null;
  const pipe = stream as EventEmitter & { writableNeedDrain?: unknown; _writableState?: { needDrain?: unknown } };
  if (typeof pipe.writableNeedDrain === 'boolean') return { stream: pipe, full: () => pipe.writableNeedDrain === true };
  const state = pipe._writableState;
  if (state && typeof state.needDrain === 'boolean') return { stream: pipe, full: () => state.needDrain === true };
  return null;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The export was cancelled.', 'AbortError');
}

/**
 * Writes `columns` as the header and every row of `rows` under it to the .xlsx file `path`. A row's
 * cells are matched to the columns by position (missing cells are empty, extra cells are ignored).
 * Resolves when the file is complete under `path`; on failure or abort nothing is left at `path`
 * (an existing file there is untouched) and the promise rejects.
 */
export async function writeXlsx(
  path: string,
  columns: readonly XlsxColumn[],
  rows: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
  options: XlsxWriteOptions = {},
): Promise<XlsxWriteSummary> {
  const maxRows = options.maxRowsPerSheet ?? EXCEL_MAX_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 2 || maxRows > EXCEL_MAX_ROWS) {
    throw new RangeError(`maxRowsPerSheet must be a whole number from 2 to ${EXCEL_MAX_ROWS} (got ${maxRows}).`);
  }
  if (columns.length === 0) throw new Error('An .xlsx export needs at least one column.');
  if (columns.length > EXCEL_MAX_COLUMNS) {
    throw new Error(`This export has ${columns.length.toLocaleString('en')} columns; an Excel sheet holds at most ${EXCEL_MAX_COLUMNS.toLocaleString('en')}. Export it as CSV instead.`);
  }
  const progressEvery = Math.max(1, options.progressEvery ?? 10_000);
  const { signal, onProgress } = options;
  signal?.throwIfAborted();

  const tmp = tempPathFor(path);
  const file = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  let failure: unknown = null;
  const failed = new Promise<never>((_, reject) => {
    file.on('error', (error) => {
      failure ??= error;
      reject(error);
    });
  });
  failed.catch(() => undefined);
  await once(file, 'open').catch(() => undefined);
  if (failure) throw failure;

  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: file, useStyles: true, useSharedStrings: false });
  const kinds = columns.map((c) => c.kind);
  // The header is text like any other text cell: inline, never a formula.
  const header = columns.map((c) => toCell(c.name, 'text').value);
  const dataRowsPerSheet = maxRows - 1;
  let sheets = 0;
  let sheet!: ExcelJS.Worksheet;
  let intake = null as ZipIntake | null;
  let rowsInSheet = 0;
  let written = 0;
  let cutCells = 0;
  const base = options.sheetName ?? 'Results';

  const openSheet = () => {
    // A finished sheet must be committed before the next starts: the zip takes its entries one after
    // the other, so the next sheet's XML would otherwise wait in memory.
    if (sheets > 0) sheet.commit();
    sheets++;
    sheet = book.addWorksheet(sheetName(base, sheets), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    const head = sheet.addRow(header);
    head.eachCell((cell: ExcelJS.Cell) => (cell.style = HEADER_STYLE));
    head.commit();
    intake = zipIntake(sheet);
    rowsInSheet = 0;
  };

  try {
    openSheet();
    for await (const values of rows) {
      if (signal?.aborted) throw abortReason(signal);
      if (failure) throw failure;
      if (rowsInSheet === dataRowsPerSheet) openSheet();
      const row = sheet.addRow([]);
      for (let c = 0; c < kinds.length; c++) {
        const converted = toCell(values[c], kinds[c]!);
        if (converted.value === null) continue;
        const cell = row.getCell(c + 1);
        cell.value = converted.value;
        cell.style = converted.dateFormat === undefined ? PLAIN_STYLE : converted.dateFormat === 'date' ? DATE_STYLE : DATETIME_STYLE;
        if (converted.cut) cutCells++;
      }
      row.commit();
      rowsInSheet++;
      written++;
      if (written % progressEvery === 0) onProgress?.(written);
      // Let compression catch up when it is behind, so the XML does not pile up in memory.
      if (intake?.full()) await Promise.race([once(intake.stream, 'drain'), failed]);
      else if (written % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (signal?.aborted) throw abortReason(signal);
    await Promise.race([book.commit(), failed]);
    if (failure) throw failure;
    await rename(tmp, path);
  } catch (error) {
    // Stop the zip step before closing its output, so it has nothing left to write there.
    (book as unknown as { zip?: { abort?: () => void } }).zip?.abort?.();
    file.destroy();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  if (written % progressEvery !== 0 || written === 0) onProgress?.(written);

  const notices: XlsxNotice[] = [];
  if (sheets > 1) {
    notices.push({
      kind: 'sheet-split',
      message: `${written.toLocaleString('en')} rows are more than one Excel sheet holds (${dataRowsPerSheet.toLocaleString('en')} below the header), so they continue on ${sheets} sheets, each with the header row.`,
    });
  }
  if (cutCells > 0) {
    notices.push({
      kind: 'text-cut',
      message: `${cutCells.toLocaleString('en')} ${cutCells === 1 ? 'cell was' : 'cells were'} longer than the ${MAX_CELL_CHARS.toLocaleString('en')} characters Excel allows in a cell and ${cutCells === 1 ? 'was' : 'were'} cut to that length. Export as CSV to keep the full text.`,
    });
  }
  return { rows: written, sheets, notices };
}
