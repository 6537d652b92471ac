import { basename } from 'node:path';
import { readSheet } from 'read-excel-file/node';
import { columnLetter, RowPipeline } from './rows';
import { ImportError, LIMITS, type ImportNotice, type ImportOptions, type ImportResult, type RowSink } from './types';
import { readZipEntry, type ZipEntry } from './zip-directory';

type CellValue = string | number | boolean | Date | null | undefined;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * How a workbook cell becomes text, close to what Excel shows: numbers to 15 significant digits
 * (Excel's own precision, so 0.1+0.2 reads 0.3), dates as ISO dates, booleans as TRUE/FALSE.
 */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    // Serials are fractions of a day, so 11:30 can arrive as 11:29:59.999: round to the second.
    v = new Date(Math.round(v.getTime() / 1000) * 1000);
    const date = `${v.getUTCFullYear()}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())}`;
    const h = v.getUTCHours();
    const m = v.getUTCMinutes();
    const s = v.getUTCSeconds();
    return h === 0 && m === 0 && s === 0 ? date : `${date} ${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  }
  return String(v);
}

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k === 'amp') return '&';
    if (k === 'lt') return '<';
    if (k === 'gt') return '>';
    if (k === 'quot') return '"';
    if (k === 'apos') return "'";
    return String.fromCodePoint(k.startsWith('#x') ? parseInt(k.slice(2), 16) : parseInt(k.slice(1), 10));
  });
}

/** Sheet names in workbook order, read from xl/workbook.xml alone (no sheet is parsed). */
export async function workbookSheetNames(path: string, entries: ZipEntry[]): Promise<string[]> {
  const entry = entries.find((e) => e.name === 'xl/workbook.xml');
  const xml = entry ? await readZipEntry(path, entry) : null;
  if (!xml) throw damaged(basename(path), 'its list of sheets cannot be read');
  const names: string[] = [];
  for (const m of xml.toString('utf8').matchAll(/<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"/g)) names.push(decodeXml(m[1]!));
  return names;
}

/** A formula whose result is an error keeps the error as its value, as Excel shows it. */
export interface FormulaErrorCell {
  row: number;
  column: number;
  text: string;
}

function cellRef(ref: string): { row: number; column: number } | null {
  const m = /^([A-Z]{1,3})(\d+)$/.exec(ref);
  if (!m) return null;
  let column = 0;
  for (const ch of m[1]!) column = column * 26 + (ch.charCodeAt(0) - 64);
  return { row: Number(m[2]), column };
}

/**
 * The error cells (`<c t="e">`: #DIV/0!, #N/A, #NUM!…) of one sheet, read from its XML, because
 * read-excel-file turns them into empty cells. Empty when the sheet's part cannot be found.
 */
export async function formulaErrorCells(path: string, entries: ZipEntry[], sheetName: string): Promise<FormulaErrorCell[]> {
  const read = async (name: string): Promise<string | null> => {
    const entry = entries.find((e) => e.name === name);
    const buf = entry ? await readZipEntry(path, entry) : null;
    return buf ? buf.toString('utf8') : null;
  };
  const workbook = await read('xl/workbook.xml');
  const rels = await read('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) return [];
  let rid: string | undefined;
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[0]);
    if (name && decodeXml(name[1]!) === sheetName) rid = /\br:id="([^"]*)"/.exec(m[0])?.[1];
  }
  if (!rid) return [];
  let target: string | undefined;
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    if (/\bId="([^"]*)"/.exec(m[0])?.[1] === rid) target = /\bTarget="([^"]*)"/.exec(m[0])?.[1];
  }
  if (!target) return [];
  const part = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const xml = await read(part);
  if (!xml || !/\bt="e"/.test(xml)) return [];
  const out: FormulaErrorCell[] = [];
  for (const m of xml.matchAll(/<(?:\w+:)?c\b([^>]*\bt="e"[^>]*)>([\s\S]*?)<\/(?:\w+:)?c>/g)) {
    const ref = /\br="([A-Z]+\d+)"/.exec(m[1]!)?.[1];
    const v = /<(?:\w+:)?v>([^<]*)<\/(?:\w+:)?v>/.exec(m[2]!)?.[1];
    const at = ref ? cellRef(ref) : null;
    if (at && v) out.push({ ...at, text: decodeXml(v) });
  }
  return out;
}

function damaged(name: string, why: string): ImportError {
  return new ImportError('bad_xlsx', `The workbook "${name}" is damaged: ${why}. Open it in Excel, save it again, and import the new copy (or save it as CSV).`);
}

function mapReaderError(e: unknown, name: string, sheets: string[], wanted: string | number): ImportError {
  if (e instanceof ImportError) return e;
  const err = e as { name?: string; code?: string; message?: string };
  if (err.name === 'SheetNotFoundError') {
    return new ImportError('sheet_not_found', `The workbook "${name}" has no sheet ${typeof wanted === 'number' ? `number ${wanted}` : `named "${wanted}"`}. Its sheets are: ${sheets.join(', ')}. Choose one of those.`);
  }
  if (err.code === 'XLS_FILE_NOT_SUPPORTED') {
    return new ImportError('legacy_xls', `"${name}" is an old-style Excel 97–2003 workbook (.xls). Open it in Excel and save it as .xlsx or "CSV UTF-8", then import that file.`);
  }
  const detail = typeof err.message === 'string' && err.message.length < 200 ? ` (${err.message})` : '';
  return damaged(name, `it could not be read${detail}`);
}

/**
 * Reads one sheet with read-excel-file. That library holds the whole workbook in memory (it has no
 * row-by-row reader), which is why sniffFile refuses workbooks over LIMITS.maxXlsxBytes; rows still
 * reach the sink in batches, awaited, like CSV rows.
 */
export async function importXlsx(
  path: string,
  sniff: { size: number; entries: ZipEntry[]; notices: ImportNotice[] },
  sink: RowSink,
  opts: ImportOptions & { maxRows?: number },
): Promise<ImportResult> {
  const name = basename(path);
  const notices = [...sniff.notices];
  const sheets = await workbookSheetNames(path, sniff.entries);
  if (sheets.length === 0) throw damaged(name, 'it contains no sheets');
  const wanted = opts.sheet ?? 1;
  const sheetName = typeof wanted === 'number' ? sheets[wanted - 1] : sheets.find((s) => s === wanted);
  if (sheetName === undefined) throw mapReaderError({ name: 'SheetNotFoundError' }, name, sheets, wanted);
  if (opts.sheet === undefined && sheets.length > 1) {
    notices.push({ kind: 'sheet', message: `This workbook has ${sheets.length} sheets; the first, "${sheetName}", was imported. Choose another sheet to import that one instead.` });
  }
  if (opts.signal?.aborted) throw new ImportError('cancelled', 'The import was cancelled. No rows were kept.');

  let data: CellValue[][];
  try {
    data = (await readSheet(path, sheetName, { trim: false })) as CellValue[][];
  } catch (e) {
    throw mapReaderError(e, name, sheets, wanted);
  }
  const errors = await formulaErrorCells(path, sniff.entries, sheetName);
  for (const e of errors) {
    const row = (data[e.row - 1] ??= []);
    while (row.length < e.column) row.push(null);
    if (row[e.column - 1] === null || row[e.column - 1] === undefined) row[e.column - 1] = e.text;
  }
  if (errors.length > 0) {
    const first = errors[0]!;
    notices.push({
      kind: 'formula-errors',
      message: `${errors.length.toLocaleString('en-US')} ${errors.length === 1 ? 'cell holds a formula' : 'cells hold formulas'} whose result is an error (the first is ${first.text} in cell ${columnLetter(first.column - 1)}${first.row}); ${errors.length === 1 ? 'it was' : 'they were'} imported as that error text. Fix the formula in the workbook, or map the value, if the model needs it.`,
    });
  }
  const pipeline = new RowPipeline(sink, notices, {
    fileName: name,
    batchSize: Math.max(1, opts.batchSize ?? LIMITS.defaultBatchSize),
    maxRows: opts.maxRows,
    trimHeader: false,
    ...(opts.headerRow !== undefined ? { headerRow: opts.headerRow } : {}),
  });
  let stopped = false;
  for (let i = 0; i < data.length; i++) {
    const row = data[i]!;
    if (pipeline.add(row.map(cellText), true)) {
      await pipeline.flush();
      if (opts.signal?.aborted) throw new ImportError('cancelled', 'The import was cancelled. No rows were kept.');
      opts.onProgress?.({ bytes: Math.round((sniff.size * (i + 1)) / data.length), totalBytes: sniff.size, rows: pipeline.rows });
      if (pipeline.done) {
        stopped = i < data.length - 1;
        break;
      }
    }
    data[i] = [];
  }
  if (pipeline.settleHeader()) await pipeline.flush();
  if (!pipeline.header && opts.headerRow === undefined) {
    throw new ImportError('empty_file', `The sheet "${sheetName}" in "${name}" is empty: it has no header row and no data. Choose the sheet that holds your data.`);
  }
  await pipeline.finish(stopped);
  const header = pipeline.header!;
  opts.onProgress?.({ bytes: sniff.size, totalBytes: sniff.size, rows: pipeline.rows });
  return {
    rows: pipeline.rows,
    columns: header.columns,
    headerRow: pipeline.headerRowNumber,
    rowsAboveHeader: pipeline.rowsAbove,
    notices,
    encoding: 'xlsx',
    sheet: sheetName,
    ...(stopped || pipeline.cutShort ? { truncated: true } : {}),
  };
}
