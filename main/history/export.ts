import type { Writable } from 'node:stream';
import type { HistoryFilters } from '../../shared/ipc/history';
import { CsvWriter, flattenValues, resultColumnNames } from '../sheets/csv-writer';
import { whereForSeries } from './filters';
import type { ExportRow, HistoryStore } from './store';

export interface ExportOptions {
  /** Start with a UTF-8 byte-order mark (for Excel). Off by default. */
  bom?: boolean;
  /** Rows read per keyset step; the database is free for other work between steps. */
  chunkRows?: number;
  /** Called after each chunk with the rows written so far. */
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

interface ShapeLayout {
  /** For each flattened input value (in walk order), its column index. */
  inputIndex: number[];
  resultIndex: number[];
}

/**
 * Streams the filtered history as CSV, newest first, with the bulk export's column rules: input fields
 * flattened with dots, then one column per result field (`prediction_` prefix on a name clash), then
 * `status` (`ok` or the error code), `error`, `request_id`, then the history's own columns.
 *
 * Columns come from the distinct shapes of the rows (recorded at insert), so rows are read once. Reading
 * happens in keyset chunks with no statement left open across awaits, so the app stays usable and
 * memory stays flat.
 */
export async function exportHistoryCsv(store: HistoryStore, filters: HistoryFilters, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  const chunkRows = options.chunkRows ?? 5000;
  const f = store.filterSql(filters, 'export');
  const shapeIds = f.seriesIds !== null && f.seriesIds.length === 0 ? [] : (store.db.prepare(`SELECT DISTINCT p.shape_id FROM predictions p WHERE ${whereForSeries(f, null)} ORDER BY 1`).pluck().all(f.params) as number[]);
  const shapeRows = shapeIds.length === 0 ? [] : (store.db.prepare(`SELECT id, input_columns, result_columns FROM prediction_shapes WHERE id IN (${shapeIds.join(',')}) ORDER BY id`).all() as { id: number; input_columns: string; result_columns: string }[]);

  const split = (s: string) => (s === '' ? [] : s.split('\u0001'));
  const inputColumns: string[] = [];
  const resultFields: string[] = [];
  const inputSeen = new Map<string, number>();
  const resultSeen = new Map<string, number>();
  for (const s of shapeRows) {
    for (const c of split(s.input_columns)) if (!inputSeen.has(c)) inputSeen.set(c, inputColumns.push(c) - 1);
    for (const c of split(s.result_columns)) if (!resultSeen.has(c)) resultSeen.set(c, resultFields.push(c) - 1);
  }
  const resultColumns = resultColumnNames(inputColumns, resultFields);
  const leading = [...inputColumns, ...resultColumns];
  const trailing = uniqueAfter(leading, [...STATUS_COLUMNS, ...HISTORY_COLUMNS]);
  const columns = [...leading, ...trailing];
  const resultOffset = inputColumns.length;
  const statusOffset = leading.length;

  const layouts = new Map<number, ShapeLayout>();
  for (const s of shapeRows) {
    layouts.set(s.id, {
      inputIndex: split(s.input_columns).map((c) => inputSeen.get(c) as number),
      resultIndex: split(s.result_columns).map((c) => resultOffset + (resultSeen.get(c) as number)),
    });
  }

  const series = store.seriesById();
  const writer = new CsvWriter(out, { bom: options.bom ?? false });
  await writer.writeRow(columns);
  let cursor: { createdAt: number; id: number } | null = null;
  const values: unknown[] = [];
  // One row buffer reused for every row: the export allocates little beyond the text it writes.
  const cells: unknown[] = new Array<unknown>(columns.length).fill(null);
  for (;;) {
    const rows = store.exportRows(f, cursor, chunkRows);
    for (const r of rows) {
      cells.fill(null);
      const layout = layouts.get(r[3]);
      if (layout) {
        values.length = 0;
        flattenValues(JSON.parse(r[4]) as Record<string, unknown>, values);
        for (let i = 0; i < values.length; i++) cells[layout.inputIndex[i] as number] = values[i];
        if (r[5] !== null) {
          values.length = 0;
          flattenValues(JSON.parse(r[5]) as Record<string, unknown>, values);
          for (let i = 0; i < values.length; i++) cells[layout.resultIndex[i] as number] = values[i];
        }
      }
      const s = series.get(r[2]);
      let c = statusOffset;
      cells[c++] = r[6];
      cells[c++] = r[7];
      cells[c++] = r[8];
      cells[c++] = isoTime(r[1]);
      cells[c++] = s?.profileName;
      cells[c++] = s?.modelName;
      cells[c++] = s?.modelVersion;
      cells[c++] = r[9];
      cells[c++] = r[10];
      cells[c++] = r[11];
      cells[c++] = r[12];
      cells[c++] = r[13];
      cells[c++] = r[14];
      cells[c++] = r[15];
      await writer.writeRow(cells);
    }
    options.onProgress?.(writer.rows - 1);
    if (rows.length < chunkRows) break;
    const last = rows[rows.length - 1] as ExportRow;
    cursor = { createdAt: last[1], id: last[0] };
  }
  await writer.end();
  return { rows: writer.rows - 1, columns };
}

let hourStart = Number.NaN;
let hourPrefix = '';

/**
 * `new Date(ms).toISOString()` without building a Date per row: the `YYYY-MM-DDTHH:` part is kept for the
 * hour in hand (rows come in time order) and the rest is arithmetic. About 10× faster in the export loop.
 */
export function isoTime(ms: number): string {
  const start = ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
  if (start !== hourStart) {
    hourStart = start;
    hourPrefix = new Date(start).toISOString().slice(0, 14);
  }
  const within = ms - start;
  const min = Math.floor(within / 60_000);
  const sec = Math.floor((within % 60_000) / 1000);
  const milli = within % 1000;
  return `${hourPrefix}${min < 10 ? '0' : ''}${min}:${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
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
