import type { Writable } from 'node:stream';
import type { HistoryFilters } from '../../shared/ipc/history';
import { CsvWriter, pickFlattened, resultColumnNames } from '../sheets/csv-writer';
import type { XlsxColumn, XlsxColumnKind } from '../sheets/xlsx-writer';
import { useScanCache } from '../store/db';
import { formatTime } from './iso-time';
import type { HistoryStore } from './store';

export interface ExportOptions {
  /** Start with a UTF-8 byte-order mark, so Excel reads accents right. On by default. */
  bom?: boolean;
  /** Rows read per keyset page; the database is free for other work between pages. */
  chunkRows?: number;
  /** Called after each page with the rows written so far. */
  onProgress?: (rows: number) => void;
}

export interface ExportSummary {
  rows: number;
  columns: string[];
}

/** The columns every history export ends with, after the input and result columns. */
export const STATUS_COLUMNS = ['status', 'error', 'request_id'] as const;
/** What the history adds to the bulk export's layout, after `request_id`. */
export const HISTORY_COLUMNS = ['created_at', 'account', 'model', 'model_version', 'source', 'http_status', 'round_trip_ms', 'processing_time_ms', 'attempts', 'job_id', 'row_number'] as const;

/** Rows read per page: small enough that a page is gone before the young generation is collected. */
export const PAGE_ROWS = 2_000;

/** What an export reads of each row, in this order (see HistoryStore.exportRows). */
const ROW_SQL = 'p.id, p.created_at, p.series_id, p.input, p.result, p.status, p.error_message, p.request_id, p.source, p.http_status, p.round_trip_ms, p.processing_time_ms, p.attempts, p.job_id, p.row_number, p.row_label';
type ExportRow = [
  id: number,
  createdAt: number,
  seriesId: number,
  input: string,
  result: string | null,
  status: string,
  errorMessage: string | null,
  requestId: string | null,
  source: string,
  httpStatus: number | null,
  roundTripMs: number | null,
  processingTimeMs: number | null,
  attempts: number,
  jobId: string | null,
  rowNumber: number | null,
  rowLabel: string | null,
];

/** The history export's columns and its rows, newest first (see exportHistoryCsv for the layout). */
function historyRows(store: HistoryStore, filters: HistoryFilters, chunkRows: number) {
  const f = store.filterSql(filters, 'export');
  const { input: inputColumns, result: resultFields, label: labelColumns } = store.exportFields(f);
  const resultColumns = resultColumnNames(inputColumns, resultFields);
  const leading = [...inputColumns, ...resultColumns];
  const rest = [...leading, ...uniqueAfter(leading, [...STATUS_COLUMNS, ...HISTORY_COLUMNS])];
  // The rows' identifying columns (from spreadsheet jobs) come first, as in the sheet they came from.
  const columns = [...uniqueAfter(rest, labelColumns), ...rest];
  const series = store.seriesById();
  const nl = labelColumns.length;
  const ni = inputColumns.length;
  const nr = resultFields.length;

  /**
   * Pages of rows, each row written into one reused array; the statement is finished before each page
   * is handed out. The page cache stays small while the export reads (see useScanCache).
   */
  function* rows(): Generator<unknown[]> {
    const cells = new Array<unknown>(columns.length);
    let cursor: { createdAt: number; id: number } | null = null;
    const restoreCache = useScanCache(store.db);
    try {
      for (;;) {
        const page = store.exportRows(f, cursor, chunkRows, ROW_SQL) as ExportRow[];
        for (const r of page) {
          if (nl > 0) {
            const label = r[15] === null ? null : (JSON.parse(r[15]) as Record<string, string>);
            for (let i = 0; i < nl; i++) cells[i] = label?.[labelColumns[i]!];
          }
          pickFlattened(JSON.parse(r[3]) as Record<string, unknown>, inputColumns, cells, nl);
          if (r[4] === null) cells.fill(undefined, nl + ni, nl + ni + nr);
          else pickFlattened(JSON.parse(r[4]) as Record<string, unknown>, resultFields, cells, nl + ni);
          const s = series.get(r[2]);
          let k = nl + ni + nr;
          cells[k++] = r[5];
          cells[k++] = r[6];
          cells[k++] = r[7];
          cells[k++] = formatTime(r[1]);
          cells[k++] = s?.profileName;
          cells[k++] = s?.modelName;
          cells[k++] = s?.modelVersion;
          for (let i = 8; i < 15; i++) cells[k++] = r[i];
          yield cells;
        }
        const last = page[page.length - 1];
        if (page.length < chunkRows || !last) return;
        cursor = { createdAt: last[1], id: last[0] };
      }
    } finally {
      restoreCache();
    }
  }
  return { columns, labels: nl, leading: leading.length, rows };
}

/**
 * Streams the filtered history as CSV, newest first, with the bulk export's column rules: the rows'
 * identifying columns (entries from spreadsheet jobs), input fields flattened with dots, then one column per result field (`prediction_` prefix on a name clash), then
 * `status` (`ok` or the error code), `error`, `request_id`, then the history's own columns. The columns
 * come from the distinct shapes of the selected rows (recorded at insert); the rows are read in keyset
 * pages and written through the CSV writer, so memory stays flat and no statement stays open across awaits.
 */
export async function exportHistoryCsv(store: HistoryStore, filters: HistoryFilters, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  const chunkRows = options.chunkRows ?? PAGE_ROWS;
  const { columns, rows } = historyRows(store, filters, chunkRows);
  // Small chunks: the lines of a chunk are dropped before they outlive a young-generation collection.
  const writer = new CsvWriter(out, { bom: options.bom ?? true, chunkSize: 1 << 16 });
  await writer.writeRow(columns);
  let n = 0;
  for (const cells of rows()) {
    const wait = writer.writeRow(cells);
    if (wait) await wait;
    if (++n % chunkRows === 0) options.onProgress?.(n);
  }
  options.onProgress?.(n);
  await writer.end();
  return { rows: writer.rows - 1, columns };
}

/** Kinds of the history's own columns in a workbook: the time as a date, counts and times as numbers, the rest as text. */
const HISTORY_KINDS: Record<(typeof STATUS_COLUMNS | typeof HISTORY_COLUMNS)[number], XlsxColumnKind> = {
  status: 'text',
  error: 'text',
  request_id: 'text',
  created_at: 'date',
  account: 'text',
  model: 'text',
  model_version: 'text',
  source: 'text',
  http_status: 'number',
  round_trip_ms: 'number',
  processing_time_ms: 'number',
  attempts: 'number',
  job_id: 'text',
  row_number: 'number',
};

/**
 * The same export as an .xlsx workbook through the one streaming writer: the same columns and rows,
 * inputs and results by their values' types (a text value never becomes a formula), the time as a
 * date, bold frozen header; more rows than a sheet holds continue on the next sheet.
 */
export async function exportHistoryXlsx(store: HistoryStore, filters: HistoryFilters, path: string, options: ExportOptions = {}): Promise<ExportSummary & { notices: string[] }> {
  const { columns, labels, leading, rows } = historyRows(store, filters, options.chunkRows ?? PAGE_ROWS);
  const tail = [...STATUS_COLUMNS, ...HISTORY_COLUMNS];
  // Identifying columns stay text (an id such as 00123 keeps its zeros), inputs and results by their values.
  const kindAt = (i: number): XlsxColumnKind => (i < labels ? 'text' : i < labels + leading ? 'auto' : HISTORY_KINDS[tail[i - labels - leading]!]);
  const xlsx = columns.map((name, i): XlsxColumn => ({ name, kind: kindAt(i) }));
  // Loaded on first use: exceljs costs ~30 MB of memory that a CSV export does not need.
  const { writeXlsx } = await import('../sheets/xlsx-writer');
  const summary = await writeXlsx(path, xlsx, rows(), { sheetName: 'Prediction history', ...(options.onProgress ? { onProgress: options.onProgress, progressEvery: options.chunkRows ?? PAGE_ROWS } : {}) });
  return { rows: summary.rows, columns, notices: summary.notices.map((n) => n.message) };
}

/** Keeps the fixed trailing names, suffixing `_2`, `_3`… if an input or result column already has one. */
function uniqueAfter(taken: readonly string[], names: readonly string[]): string[] {
  const seen = new Set(taken);
  return names.map((name) => {
    let n = name;
    for (let i = 2; seen.has(n); i++) n = `${name}_${i}`;
    seen.add(n);
    return n;
  });
}
