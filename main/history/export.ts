import type { Writable } from 'node:stream';
import type { HistoryFilters } from '../../shared/ipc/history';
import { CsvWriter, csvField, resultColumnNames } from '../sheets/csv-writer';
import { whereForSeries } from './filters';
import { LONE_SURROGATE } from './row-text';
import type { HistoryStore } from './store';

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

/** One output column's value: for the rows whose shape has it, the path where it sits in the JSON. */
interface ColumnSource {
  json: 'input' | 'result';
  /** path text (SQLite JSON path) → shape ids holding the column at that path. */
  paths: Map<string, number[]>;
}

const split = (s: string): string[][] => JSON.parse(s) as string[][];

/** A SQLite JSON path for a list of keys: `["a","b.c"]` → `$."a"."b.c"`. */
export function sqlJsonPath(keys: readonly string[]): string {
  return `$${keys.map((k) => `."${k.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join('')}`;
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The SQL expression giving a column's value as JSON text (`"text"`, `12.5`, `true`, `[1,2]`…), or NULL
 * where the row has none. SQLite reads the value out of the stored JSON, so no row is parsed in JS.
 */
function columnSql(c: ColumnSource): string {
  // Only the rows whose shape holds the column read it: most rows skip most columns without touching JSON.
  const col = `p.${c.json}`;
  return `CASE ${[...c.paths].map(([path, shapes]) => `WHEN p.shape_id IN (${shapes.join(',')}) THEN ${col} -> ${sqlText(path)}`).join(' ')} END`;
}

/** One cell of the CSV from a JSON value's text: strings unquoted then made safe, numbers as they are. */
function jsonCell(v: string | null): string {
  if (v === null) return '';
  const c = v.charCodeAt(0);
  if (c === 34) return textCell(v.includes('\\') ? (JSON.parse(v) as string) : v.slice(1, -1));
  if (c === 110) return ''; // null
  if (c === 123 || c === 91) return textCell(v); // an array or empty object, written as JSON
  return v; // a number, true or false: JSON wrote it exactly as String() would
}

/** A text cell: formula-safe, quoted when needed (the bulk export's rules). */
function textCell(s: string): string {
  return csvField(s);
}

const numberCell = (n: number | null): string => (n === null ? '' : String(n));
const optionalText = (s: string | null): string => (s === null ? '' : csvField(s));

/**
 * Streams the filtered history as CSV, newest first, with the bulk export's column rules: input fields
 * flattened with dots, then one column per result field (`prediction_` prefix on a name clash), then
 * `status` (`ok` or the error code), `error`, `request_id`, then the history's own columns.
 *
 * Columns come from the distinct shapes of the rows (recorded at insert). Each row's line is stored
 * (`csv_line`, migration 4, written behind the inserts by the background catch-up, migration 5): SQLite
 * puts in the empty cells of the other shapes and the account and model, and joins a keyset chunk of
 * lines into one UTF-8 buffer, written as it is with back-pressure. Rows without a line (not reached by
 * the catch-up yet, or whose text cannot be kept as one) and shapes whose columns do not sit together
 * are marked and made the long way: SQLite picks each value out of the stored JSON. Both ways give the
 * same bytes. No statement stays open across awaits, so the app stays usable and memory stays flat.
 */
export async function exportHistoryCsv(store: HistoryStore, filters: HistoryFilters, out: Writable, options: ExportOptions = {}): Promise<ExportSummary> {
  const chunkRows = options.chunkRows ?? 10_000;
  const f = store.filterSql(filters, 'export');
  const shapeIds = f.seriesIds !== null && f.seriesIds.length === 0 ? [] : (store.db.prepare(`SELECT DISTINCT p.shape_id FROM predictions p WHERE ${whereForSeries(f, null)} ORDER BY 1`).pluck().all(f.params) as number[]);
  const shapeRows = shapeIds.length === 0 ? [] : (store.db.prepare(`SELECT id, input_paths, result_paths FROM prediction_shapes WHERE id IN (${shapeIds.join(',')}) ORDER BY id`).all() as { id: number; input_paths: string; result_paths: string }[]);

  const inputColumns: string[] = [];
  const resultFields: string[] = [];
  const sources = { input: new Map<string, ColumnSource>(), result: new Map<string, ColumnSource>() };
  const shapes = shapeRows.map((s) => ({ id: s.id, input: split(s.input_paths), result: split(s.result_paths) }));
  for (const s of shapes) {
    for (const json of ['input', 'result'] as const) {
      for (const keys of s[json]) {
        const name = keys.join('.');
        let source = sources[json].get(name);
        if (!source) {
          source = { json, paths: new Map() };
          sources[json].set(name, source);
          (json === 'input' ? inputColumns : resultFields).push(name);
        }
        const path = sqlJsonPath(keys);
        // Should one shape hold the same dotted name twice ({"a.b": 1, a: {b: 2}}), the later value wins.
        for (const ids of source.paths.values()) {
          const at = ids.indexOf(s.id);
          if (at >= 0) ids.splice(at, 1);
        }
        const ids = source.paths.get(path) ?? [];
        ids.push(s.id);
        source.paths.set(path, ids);
      }
    }
  }
  for (const json of ['input', 'result'] as const) for (const source of sources[json].values()) for (const [path, ids] of source.paths) if (ids.length === 0) source.paths.delete(path);

  const resultColumns = resultColumnNames(inputColumns, resultFields);
  const leading = [...inputColumns, ...resultColumns];
  const trailing = uniqueAfter(leading, [...STATUS_COLUMNS, ...HISTORY_COLUMNS]);
  const columns = [...leading, ...trailing];
  const valueSql = [...inputColumns.map((c) => columnSql(sources.input.get(c) as ColumnSource)), ...resultFields.map((c) => columnSql(sources.result.get(c) as ColumnSource))];

  // Account and model as finished CSV text, once per series.
  const series = new Map<number, string>();
  for (const [id, s] of store.seriesById()) series.set(id, `${csvField(s.profileName)},${csvField(s.modelName)},${csvField(s.modelVersion)}`);
  const sources2 = new Map<string, string>();
  const sourceCell = (s: string) => {
    let cell = sources2.get(s);
    if (cell === undefined) sources2.set(s, (cell = csvField(s)));
    return cell;
  };

  const writer = new CsvWriter(out, { bom: options.bom ?? false });
  await writer.writeRow(columns);
  const n = valueSql.length;
  const lead = n === 0 ? '' : ',';

  // The long way, for rows without stored text (written before it was kept, or holding a mark) and
  // shapes whose columns do not sit together: SQLite picks each column out of the stored JSON.
  const slowSelect = store.db
    .prepare(
      `SELECT ${['p.id', ...valueSql, 'p.status', 'p.error_message', 'p.request_id', 'p.created_at', 'p.series_id', 'p.source', 'p.http_status', 'p.round_trip_ms', 'p.processing_time_ms', 'p.attempts', 'p.job_id', 'p.row_number'].join(', ')}
       FROM predictions p WHERE p.id IN (SELECT value FROM json_each(?))`,
    )
    .raw(true);
  const v = n + 1;
  const slowLines = (ids: number[]): Map<number, string> => {
    const lines = new Map<number, string>();
    for (const row of slowSelect.all(JSON.stringify(ids)) as unknown[][]) {
      let line = '';
      for (let i = 1; i < v; i++) {
        if (i > 1) line += ',';
        line += jsonCell(row[i] as string | null);
      }
      line += `${lead}${csvField(row[v] as string)},${optionalText(row[v + 1] as string | null)},${optionalText(row[v + 2] as string | null)},${isoTime(row[v + 3] as number)},${series.get(row[v + 4] as number) ?? ',,'},`;
      line += `${sourceCell(row[v + 5] as string)},${numberCell(row[v + 6] as number | null)},${numberCell(row[v + 7] as number | null)},${numberCell(row[v + 8] as number | null)},${String(row[v + 9] as number)},${optionalText(row[v + 10] as string | null)},${numberCell(row[v + 11] as number | null)}\r\n`;
      lines.set(row[0] as number, line);
    }
    return lines;
  };

  const lineSql = storedLineSql(shapes, inputColumns.length, resultFields.length, series);
  let cursor: { createdAt: number; id: number } | null = null;
  for (;;) {
    const page = store.exportText(f, cursor, chunkRows, lineSql);
    // One write per chunk; it waits only when the stream's buffer is full. Stored lines hold no mark
    // (see row-text.ts), so a mark byte means rows to format the long way.
    if (page.bytes.includes(0x1e)) await writer.writeLines(withSlowRows(page.bytes.toString('utf8'), slowLines), page.rows);
    else await writer.writeBytes(page.bytes, page.rows);
    options.onProgress?.(writer.rows - 1);
    if (page.last === null) break;
    cursor = page.last;
  }
  await writer.end();
  return { rows: writer.rows - 1, columns };
}

/** Marks, on both sides, the id of a row the export formats the long way. */
const ROW_MARK = '\u001e';

/** The page's text with each marked row replaced by its line made the long way. */
function withSlowRows(text: string, slowLines: (ids: number[]) => Map<number, string>): string {
  const ids: number[] = [];
  for (let at = text.indexOf(ROW_MARK); at !== -1; ) {
    const end = text.indexOf(ROW_MARK, at + 1);
    ids.push(Number(text.slice(at + 1, end)));
    at = text.indexOf(ROW_MARK, end + 1);
  }
  const lines = slowLines(ids);
  const parts: string[] = [];
  let from = 0;
  for (let at = text.indexOf(ROW_MARK); at !== -1; ) {
    const end = text.indexOf(ROW_MARK, at + 1);
    parts.push(text.slice(from, at));
    const id = Number(text.slice(at + 1, end));
    const line = lines.get(id);
    if (line === undefined) throw new Error(`History entry ${id} disappeared while it was being exported; export again.`);
    parts.push(line);
    from = end + 1;
    at = text.indexOf(ROW_MARK, from);
  }
  parts.push(text.slice(from));
  return parts.join('');
}

/**
 * The SQL giving each row's whole CSV line from its stored text (`csv_line`, migration 4: input cells
 * U+001F result cells U+001D status…created_at U+001E source…row_number CRLF), with the empty cells of
 * the other shapes around its own and its account and model put in. One CASE branch per shape whose
 * input columns sit together and in order among the export's columns (and its result columns too) — the
 * usual case, each model having its own. Other rows come out as their id between two ROW_MARKs.
 */
function storedLineSql(shapes: { id: number; input: string[][]; result: string[][] }[], inputCount: number, resultCount: number, series: Map<number, string>): string {
  const branches: string[] = [];
  const inputAt = new Map<string, number>();
  const resultAt = new Map<string, number>();
  for (const s of shapes) {
    for (const keys of s.input) if (!inputAt.has(keys.join('.'))) inputAt.set(keys.join('.'), inputAt.size);
    for (const keys of s.result) if (!resultAt.has(keys.join('.'))) resultAt.set(keys.join('.'), resultAt.size);
  }
  const total = inputCount + resultCount;
  const lead = total === 0 ? '' : ',';
  const seriesSql = `CASE p.series_id ${[...series].map(([id, text]) => `WHEN ${id} THEN ${sqlText(`,${text},`)}`).join(' ')} ELSE ',,,,' END`;
  for (const s of shapes) {
    const a = contiguous(s.input, inputAt);
    const b = contiguous(s.result, resultAt);
    if (a === null || b === null) continue;
    const ni = s.input.length;
    const nr = s.result.length;
    // The line's cells: a empty, the input block, empty up to the result block, the result block, empty to the end.
    let prefix: string;
    let middle: string;
    let suffix: string;
    if (ni > 0 && nr > 0) {
      prefix = ','.repeat(a);
      middle = ','.repeat(inputCount - a - ni + b + 1);
      suffix = ','.repeat(resultCount - b - nr);
    } else if (ni > 0) {
      prefix = ','.repeat(a);
      middle = '';
      suffix = ','.repeat(total - a - ni);
    } else if (nr > 0) {
      prefix = ','.repeat(inputCount + b);
      middle = '';
      suffix = ','.repeat(resultCount - b - nr);
    } else {
      // No cells of its own: its stored text starts with the separator.
      prefix = ','.repeat(Math.max(0, total - 1));
      middle = '';
      suffix = '';
    }
    const text = `replace(replace(replace(p.csv_line, char(31), ${sqlText(middle)}), char(29), ${sqlText(suffix + lead)}), char(30), ${seriesSql})`;
    branches.push(`WHEN ${s.id} THEN ${prefix === '' ? '' : `${sqlText(prefix)} || `}${text}`);
  }
  const marked = `char(30) || p.id || char(30)`;
  // An account or model name holding the mark itself would be mistaken for one: all rows go the long way.
  // So would one holding a lone surrogate, which SQLite would write back as other bytes than the long way.
  if ([...series.values()].some((text) => text.includes(ROW_MARK) || LONE_SURROGATE.test(text))) return marked;
  return branches.length === 0 ? marked : `CASE WHEN p.csv_line IS NULL THEN ${marked} ELSE CASE p.shape_id ${branches.join(' ')} ELSE ${marked} END END`;
}

/** Where a shape's columns start among the export's columns, if they sit there together and in order (else null). */
function contiguous(paths: string[][], at: Map<string, number>): number | null {
  if (paths.length === 0) return 0;
  const first = at.get((paths[0] as string[]).join('.')) as number;
  for (let i = 1; i < paths.length; i++) if (at.get((paths[i] as string[]).join('.')) !== first + i) return null;
  return first;
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
