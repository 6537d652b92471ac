import { basename } from 'node:path';
import { readSheet } from 'read-excel-file/node';
import { RowPipeline } from './rows';
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
  const pipeline = new RowPipeline(sink, notices, {
    fileName: name,
    batchSize: Math.max(1, opts.batchSize ?? LIMITS.defaultBatchSize),
    maxRows: opts.maxRows,
    trimHeader: false,
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
  if (!pipeline.header) {
    throw new ImportError('empty_file', `The sheet "${sheetName}" in "${name}" is empty: it has no header row and no data. Choose the sheet that holds your data.`);
  }
  await pipeline.finish(stopped);
  opts.onProgress?.({ bytes: sniff.size, totalBytes: sniff.size, rows: pipeline.rows });
  return {
    rows: pipeline.rows,
    columns: pipeline.header.columns,
    notices,
    encoding: 'xlsx',
    sheet: sheetName,
    ...(stopped ? { truncated: true } : {}),
  };
}
