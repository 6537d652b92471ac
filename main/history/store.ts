import type { Database, Statement } from 'better-sqlite3';
import { sql, Statements, trusted, type Sql } from '../store/sql';
import { useScanCache } from '../store/db';
import type { NewPrediction, PredictionRecord } from '../../shared/domain/prediction';
import type { HistoryFacets, HistoryFilters, HistoryPage, HistoryStats, HistoryStatsRequest } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';
import type { HistoryWriter } from '../store/repositories';
import { flattenPaths, isPlainObject } from '../sheets/csv-writer';
import { filterSql, ftsQuery, likeWords, matchingSeries, searchWords, whereForSeries, type FilterSql, type TextMode } from './filters';
import { computeStats } from './stats';
import { parseTime } from './iso-time';

/** A row as read from SQL: `predictions p` joined with its series. */
export interface PredictionRow {
  id: number;
  created_at: number;
  profile_id: string;
  profile_name: string;
  model_name: string;
  model_version: string;
  source: string;
  input: string;
  result: string | null;
  status: string;
  error_message: string | null;
  error_details: string | null;
  http_status: number | null;
  request_id: string | null;
  round_trip_ms: number | null;
  processing_time_ms: number | null;
  attempts: number;
  job_id: string | null;
  row_number: number | null;
  shape_id: number;
  row_label: string | null;
}

/** What a list or detail reads of a row: `predictions p` joined with its series `s`. */
export const ROW_COLUMNS = trusted(`p.id, p.created_at, s.profile_id, s.profile_name, s.model_name, s.model_version, p.source, p.input, p.result,
  p.status, p.error_message, p.error_details, p.http_status, p.request_id, p.round_trip_ms, p.processing_time_ms, p.attempts,
  p.job_id, p.row_number, p.shape_id, p.row_label`);

/** The order of every list and export: newest first, the id breaking ties (the keyset's order). */
const NEWEST_FIRST = trusted('ORDER BY p.created_at DESC, p.id DESC');

export function toRecord(r: PredictionRow): PredictionRecord {
  return {
    id: r.id,
    createdAt: new Date(r.created_at).toISOString(),
    profileId: r.profile_id,
    profileName: r.profile_name,
    modelName: r.model_name,
    modelVersion: r.model_version,
    source: r.source as PredictionRecord['source'],
    input: JSON.parse(r.input) as Record<string, unknown>,
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    status: r.status,
    errorMessage: r.error_message,
    errorDetails: r.error_details === null ? null : (JSON.parse(r.error_details) as unknown),
    httpStatus: r.http_status,
    requestId: r.request_id,
    roundTripMs: r.round_trip_ms,
    processingTimeMs: r.processing_time_ms,
    attempts: r.attempts,
    jobId: r.job_id,
    rowNumber: r.row_number,
    rowLabel: r.row_label === null ? null : (JSON.parse(r.row_label) as Record<string, string>),
  };
}

export interface PageRequest {
  filters?: HistoryFilters;
  cursor?: string | null;
  limit?: number;
}

interface Cursor {
  createdAt: number;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return `${c.createdAt}.${c.id}`;
}

export function decodeCursor(text: string): Cursor {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(text);
  if (!m) throw new AppError('invalid_cursor', 'This list position is not valid any more; reload the list.');
  return { createdAt: Number(m[1]), id: Number(m[2]) };
}

/** Above this many series, one query with `IN (…)` is cheaper than merging one query per series. */
const MAX_MERGED_SERIES = 64;
/** A search matching more rows than this is paged or counted with another index driving (see TextMode). */
const PAGE_PROBE_ABOVE = 5_000;
const LIST_PROBE_ABOVE = 20_000;
const DELETE_CHUNK = 20_000;
/** Values per inserted row, and rows per multi-row INSERT (well under SQLite's 32,766 parameters). */
const INSERT_COLUMNS = 17;
const INSERT_GROUP = 64;

/**
 * A cheap key for the shape of an input or result, used to find its `prediction_shapes` row once per
 * call: the keys, with U+0002/U+0003 around nested objects. Keys holding those marks use the full path list.
 */
function shapeKey(obj: Record<string, unknown>): string {
  const key = shapeKeyOf(obj);
  return key === null ? `J${JSON.stringify(flattenPaths(obj))}` : key;
}

// eslint-disable-next-line no-control-regex -- the marks are control characters on purpose
const MARKS = /[\u0001-\u0003]/;

/** The label's column names, each closed by U+0001 (labels are flat: column → cell); a name holding a mark gives the JSON list. */
function labelKey(label: Record<string, string>): string {
  let out = '';
  for (const key in label) {
    if (!Object.hasOwn(label, key)) continue;
    if (MARKS.test(key)) return `J${JSON.stringify(Object.keys(label))}`;
    out += `${key}\u0001`;
  }
  return out;
}

function shapeKeyOf(obj: Record<string, unknown>): string | null {
  let out = '';
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    if (MARKS.test(key)) return null;
    const v = obj[key];
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && isPlainObject(v)) {
      const inner = shapeKeyOf(v);
      if (inner === null) return null;
      // An empty object is a value, not a level: `{}` keeps no mark.
      out += inner === '' ? `${key}\u0001` : `${key}\u0002${inner}\u0003`;
    } else {
      out += `${key}\u0001`;
    }
  }
  return out;
}

/**
 * The prediction history in SQLite: writes from the form and bulk runs, newest-first keyset pages,
 * counts, facets, monitoring figures, CSV export and tidy-up. Every operation is a named method; no
 * SQL leaves this folder.
 */
export class HistoryStore implements HistoryWriter {
  private readonly q: Statements;
  private readonly insertStmt: Statement;
  private readonly insertGroupStmt: Statement;
  private readonly insertParams: unknown[] = new Array<unknown>(INSERT_GROUP * INSERT_COLUMNS).fill(null);
  private readonly addManyTx: (entries: readonly NewPrediction[]) => number[];

  private readonly pageProbeAbove: number;
  private readonly listProbeAbove: number;

  constructor(
    readonly db: Database,
    options: { pageProbeAbove?: number; listProbeAbove?: number } = {},
  ) {
    this.q = new Statements(db);
    this.pageProbeAbove = options.pageProbeAbove ?? PAGE_PROBE_ABOVE;
    this.listProbeAbove = options.listProbeAbove ?? LIST_PROBE_ABOVE;
    // The multi-row insert is the one statement written out by hand: its text depends on the group size.
    const insert = `INSERT OR FAIL INTO predictions (created_at, series_id, source, input, result, status, error_message, error_details,
      http_status, request_id, round_trip_ms, processing_time_ms, attempts, job_id, row_number, shape_id, row_label) VALUES `;
    const tuple = `(${new Array(INSERT_COLUMNS).fill('?').join(', ')})`;
    this.insertStmt = db.prepare(insert + tuple);
    this.insertGroupStmt = db.prepare(insert + new Array(INSERT_GROUP).fill(tuple).join(', '));
    this.addManyTx = db.transaction((entries: readonly NewPrediction[]) => this.insertAll(entries));
  }

  // ---- writing -------------------------------------------------------------------------------

  add(entry: NewPrediction): number {
    const ids = this.addManyTx([entry]);
    return ids[0] as number;
  }

  /** All in one transaction: either every entry is kept or none is. */
  addMany(entries: readonly NewPrediction[]): void {
    if (entries.length === 0) return;
    this.addManyTx(entries);
  }

  private insertAll(entries: readonly NewPrediction[]): number[] {
    // Looked up per call (inside its transaction), so a rolled-back call can never leave a stale id behind.
    const series = new Map<string, number>();
    const shapes = new Map<string, number>();
    let lastSeries: NewPrediction | null = null;
    let lastSeriesId = 0;
    const ids: number[] = [];
    const params = this.insertParams;
    let k = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as NewPrediction;
      const createdAt = parseTime(e.createdAt);
      if (Number.isNaN(createdAt)) {
        throw new AppError('invalid_prediction', `Prediction ${i + 1} of ${entries.length} has the time "${e.createdAt}", which is not a valid date; nothing was saved.`, { index: i });
      }
      // Rows of a bulk run share their series: compared with the previous row's, no key is built.
      if (lastSeries === null || e.profileId !== lastSeries.profileId || e.profileName !== lastSeries.profileName || e.modelName !== lastSeries.modelName || e.modelVersion !== lastSeries.modelVersion) {
        const seriesKey = `${e.profileId}\u0000${e.profileName}\u0000${e.modelName}\u0000${e.modelVersion}`;
        let id = series.get(seriesKey);
        if (id === undefined) {
          id = this.seriesId(e);
          series.set(seriesKey, id);
        }
        lastSeries = e;
        lastSeriesId = id;
      }
      // The shape: its key is cheap to build, its `prediction_shapes` row is looked up once per call.
      const input = JSON.stringify(e.input);
      const result = e.result === null ? null : JSON.stringify(e.result);
      const label = e.rowLabel ?? null;
      let key = e.result === null ? shapeKey(e.input) : `${shapeKey(e.input)}\u0000${shapeKey(e.result)}`;
      // The label's column names are part of the shape (a fourth part after a second U+0000 mark).
      if (label !== null) key += `\u0000\u0000${labelKey(label)}`;
      let shapeId = shapes.get(key);
      if (shapeId === undefined) {
        shapeId = this.shapeId(e);
        shapes.set(key, shapeId);
      }
      params[k++] = createdAt;
      params[k++] = lastSeriesId;
      params[k++] = e.source;
      params[k++] = input;
      params[k++] = result;
      params[k++] = e.status;
      params[k++] = e.errorMessage;
      params[k++] = e.errorDetails === null || e.errorDetails === undefined ? null : JSON.stringify(e.errorDetails);
      params[k++] = e.httpStatus;
      params[k++] = e.requestId;
      params[k++] = e.roundTripMs;
      params[k++] = e.processingTimeMs;
      params[k++] = e.attempts;
      params[k++] = e.jobId;
      params[k++] = e.rowNumber;
      params[k++] = shapeId;
      params[k++] = label === null ? null : JSON.stringify(label);
      if (k === params.length) {
        // A full group: one statement for INSERT_GROUP rows (one AUTOINCREMENT update). The values go
        // as arguments, not as one array: better-sqlite3 then binds them without a property read each.
        const lastId = Number(this.insertGroupStmt.run(...params).lastInsertRowid);
        for (let j = INSERT_GROUP - 1; j >= 0; j--) ids.push(lastId - j);
        k = 0;
      }
    }
    for (let j = 0; j < k; j += INSERT_COLUMNS) ids.push(Number(this.insertStmt.run(...params.slice(j, j + INSERT_COLUMNS)).lastInsertRowid));
    params.fill(null);
    return ids;
  }

  private seriesId(e: NewPrediction): number {
    const found = this.q.value<number>(
      sql`SELECT id FROM prediction_series WHERE profile_id = ${e.profileId} AND profile_name = ${e.profileName} AND model_name = ${e.modelName} AND model_version = ${e.modelVersion}`,
    );
    if (found !== undefined) return found;
    return Number(this.q.run(sql`INSERT INTO prediction_series (profile_id, profile_name, model_name, model_version) VALUES (${e.profileId}, ${e.profileName}, ${e.modelName}, ${e.modelVersion})`).lastInsertRowid);
  }

  private shapeId(e: NewPrediction): number {
    const inputPaths = JSON.stringify(flattenPaths(e.input));
    const resultPaths = JSON.stringify(e.result === null ? [] : flattenPaths(e.result));
    const labelColumns = JSON.stringify(e.rowLabel ? Object.keys(e.rowLabel) : []);
    const found = this.q.value<number>(
      sql`SELECT id FROM prediction_shapes WHERE input_paths = ${inputPaths} AND result_paths = ${resultPaths} AND label_columns = ${labelColumns}`,
    );
    if (found !== undefined) return found;
    return Number(this.q.run(sql`INSERT INTO prediction_shapes (input_paths, result_paths, label_columns) VALUES (${inputPaths}, ${resultPaths}, ${labelColumns})`).lastInsertRowid);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Rows up to this id are in the text index; newer ones are searched directly. */
  textIndexedUpto(): number {
    return this.q.value<number>(sql`SELECT indexed_upto FROM predictions_fts_state WHERE id = 1`) ?? 0;
  }

  filterSql(filters: HistoryFilters = {}, use: 'page' | 'count' | 'export' = 'page'): FilterSql {
    const indexedUpto = this.textIndexedUpto();
    return filterSql(filters, matchingSeries(this.q, filters), indexedUpto, this.textMode(filters, indexedUpto, use));
  }

  /** Picks how a text search joins the query, from how many rows the words match (see TextMode). */
  private textMode(filters: HistoryFilters, indexedUpto: number, use: 'page' | 'count' | 'export'): TextMode {
    const words = searchWords(filters.text?.trim() ?? '');
    if (words.length === 0) return 'list';
    const matches = this.textMatches(ftsQuery(words), indexedUpto);
    if (use === 'page') return matches > this.pageProbeAbove ? 'list-probe' : 'list';
    return matches > this.listProbeAbove ? 'list-probe' : 'list';
  }

  private readonly matchCounts = new Map<string, number>();

  /** Indexed rows the words match; remembered while the index does not move (pages ask repeatedly). */
  textMatches(fts: string, indexedUpto = this.textIndexedUpto()): number {
    // data_version moves when another connection commits; this connection's own deletes clear the map.
    const key = `${indexedUpto}\u0000${String(this.db.pragma('data_version', { simple: true }))}\u0000${fts}`;
    let n = this.matchCounts.get(key);
    if (n === undefined) {
      n = this.q.value<number>(sql`SELECT count(*) FROM predictions_fts WHERE predictions_fts MATCH ${fts}`) ?? 0;
      if (this.matchCounts.size > 50) this.matchCounts.clear();
      this.matchCounts.set(key, n);
    }
    return n;
  }

  /** Newest first, `limit` rows after `cursor` (keyset on created_at, id — never OFFSET). */
  page(request: PageRequest = {}): HistoryPage {
    const limit = Math.max(1, Math.min(request.limit ?? 100, 10_000));
    const cursor = request.cursor ? decodeCursor(request.cursor) : null;
    const f = this.filterSql(request.filters ?? {});
    const rows = this.pageRows(f, cursor, limit + 1);
    const more = rows.length > limit;
    if (more) rows.length = limit;
    const last = rows[rows.length - 1];
    return {
      rows: rows.map(toRecord),
      nextCursor: more && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
    };
  }

  /** Rows for a page, as objects with the series joined in. */
  pageRows(f: FilterSql, cursor: Cursor | null, limit: number): PredictionRow[] {
    const query = (where: Sql) => sql`SELECT ${ROW_COLUMNS} FROM predictions p JOIN prediction_series s ON s.id = p.series_id WHERE ${where} ${NEWEST_FIRST} LIMIT ${limit}`;
    return this.keysetQuery(f, cursor, limit, query, (q) => this.q.all<PredictionRow>(q));
  }

  /**
   * Rows for the export as arrays (much cheaper than objects), newest first: `columns` is the SELECT list
   * over `predictions p` (no join; the export maps series ids itself).
   */
  exportRows(f: FilterSql, cursor: Cursor | null, limit: number, columns: string): unknown[][] {
    const query = (where: Sql) => sql`SELECT ${trusted(columns)} FROM predictions p WHERE ${where} ${NEWEST_FIRST} LIMIT ${limit}`;
    return this.keysetQuery(f, cursor, limit, query, (q) => this.q.arrays(q));
  }

  /**
   * The flattened input and result field names, and the rows' identifying columns, of the rows `f`
   * selects, in the order their shapes were first recorded.
   */
  exportFields(f: FilterSql): { input: string[]; result: string[]; label: string[] } {
    const input = new Set<string>();
    const result = new Set<string>();
    const label = new Set<string>();
    if (f.seriesIds !== null && f.seriesIds.length === 0) return { input: [], result: [], label: [] };
    // A pass over every selected row: with the small page cache, as the export's own read (see useScanCache).
    const restoreCache = useScanCache(this.db);
    let shapes: [string, string, string][];
    try {
      shapes = this.q.arrays<[string, string, string]>(
        sql`SELECT input_paths, result_paths, label_columns FROM prediction_shapes WHERE id IN (SELECT DISTINCT p.shape_id FROM predictions p WHERE ${whereForSeries(f)}) ORDER BY id`,
      );
    } finally {
      restoreCache();
    }
    for (const [i, r, l] of shapes) {
      for (const keys of JSON.parse(i) as string[][]) input.add(keys.join('.'));
      for (const keys of JSON.parse(r) as string[][]) result.add(keys.join('.'));
      for (const name of JSON.parse(l) as string[]) label.add(name);
    }
    return { input: [...input], result: [...result], label: [...label] };
  }

  /** Every series: id → account and model. */
  seriesById(): Map<number, { profileId: string; profileName: string; modelName: string; modelVersion: string }> {
    const rows = this.q.all<{ id: number; profile_id: string; profile_name: string; model_name: string; model_version: string }>(sql`SELECT id, profile_id, profile_name, model_name, model_version FROM prediction_series`);
    return new Map(rows.map((r) => [r.id, { profileId: r.profile_id, profileName: r.profile_name, modelName: r.model_name, modelVersion: r.model_version }]));
  }

  /**
   * Rows newest first after `cursor`: `query` builds the statement around a WHERE condition (which ends
   * with the keyset condition), `read` runs it. Rows of a few series are read per series and merged.
   */
  private keysetQuery<T>(f: FilterSql, cursor: Cursor | null, limit: number, query: (where: Sql) => Sql, read: (q: Sql) => T[]): T[] {
    if (f.seriesIds !== null && f.seriesIds.length === 0) return [];
    // `created_at <= at` on its own gives the index walk its starting point; the OR alone would not.
    const at = cursor?.createdAt;
    const keyset = cursor ? sql` AND p.created_at <= ${at} AND (p.created_at < ${at} OR p.id < ${cursor.id})` : trusted('');
    const run = (ids: readonly number[] | null): T[] => read(query(sql`${whereForSeries(f, ids)}${keyset}`));
    if (f.seriesIds !== null && f.seriesIds.length > 1 && f.seriesIds.length <= MAX_MERGED_SERIES) {
      // SQLite cannot walk `series_id IN (…)` in time order, so read each series in order and merge.
      const key = (r: T): [number, number] => (Array.isArray(r) ? [r[1] as number, r[0] as number] : [(r as PredictionRow).created_at, (r as PredictionRow).id]);
      const merged: T[] = [];
      for (const sid of f.seriesIds) merged.push(...run([sid]));
      merged.sort((a, b) => {
        const [at, ai] = key(a);
        const [bt, bi] = key(b);
        return bt - at || bi - ai;
      });
      if (merged.length > limit) merged.length = limit;
      return merged;
    }
    return run(f.seriesIds);
  }

  count(filters: HistoryFilters = {}): number {
    if (filters.outcome === 'ok' || filters.status === 'ok') {
      // Successful rows have no index of their own (they are nearly all rows): count all, minus the failed.
      const { outcome: _o, status: _s, ...rest } = filters;
      if (filters.outcome === 'failed' || (filters.status !== undefined && filters.status !== 'ok')) return 0;
      return this.countWhere(rest) - this.countWhere({ ...rest, outcome: 'failed' });
    }
    return this.countWhere(filters);
  }

  private countWhere(filters: HistoryFilters): number {
    const words = searchWords(filters.text?.trim() ?? '');
    const { text: _t, ...others } = filters;
    if (words.length > 0 && Object.values(others).every((v) => v === undefined)) {
      // Text alone: the index counts its rows itself; only rows it has not reached are read.
      const indexedUpto = this.textIndexedUpto();
      const pending = this.q.value<number>(sql`SELECT count(*) FROM predictions p WHERE p.id > ${indexedUpto} AND ${likeWords(words, 'p')}`) ?? 0;
      return this.textMatches(ftsQuery(words), indexedUpto) + pending;
    }
    const f = this.filterSql(filters, 'count');
    if (f.seriesIds !== null && f.seriesIds.length === 0) return 0;
    return this.q.value<number>(sql`SELECT count(*) FROM predictions p WHERE ${whereForSeries(f)}`) ?? 0;
  }

  get(id: number): PredictionRecord | undefined {
    const row = this.q.get<PredictionRow>(sql`SELECT ${ROW_COLUMNS} FROM predictions p JOIN prediction_series s ON s.id = p.series_id WHERE p.id = ${id}`);
    return row ? toRecord(row) : undefined;
  }

  /** What the filter lists offer: models, accounts and statuses that have at least one entry. */
  facets(): HistoryFacets {
    const models = this.q.all<HistoryFacets['models'][number]>(
      sql`SELECT DISTINCT s.model_name AS modelName, s.model_version AS modelVersion FROM prediction_series s
          WHERE EXISTS (SELECT 1 FROM predictions p WHERE p.series_id = s.id) ORDER BY 1, 2`,
    );
    // Each account under the name of its newest series that has entries (an account may have been renamed).
    const profiles = this.q.all<HistoryFacets['profiles'][number]>(
      sql`SELECT s.profile_id AS profileId, s.profile_name AS profileName FROM prediction_series s
          WHERE s.id = (SELECT max(s2.id) FROM prediction_series s2 WHERE s2.profile_id = s.profile_id AND EXISTS (SELECT 1 FROM predictions p WHERE p.series_id = s2.id))
          ORDER BY 2, 1`,
    );
    const failed = this.q.column<string>(sql`SELECT DISTINCT status FROM predictions WHERE status <> 'ok' ORDER BY 1`);
    const anyOk = this.q.get(sql`SELECT 1 FROM predictions WHERE status = 'ok' LIMIT 1`) !== undefined;
    return { models, profiles, statuses: anyOk ? ['ok', ...failed] : failed, jobs: this.jobFacets() };
  }

  /** Spreadsheet jobs that have entries, newest job first, with their file names while the job exists. */
  private jobFacets(): HistoryFacets['jobs'] {
    // One index step per job (the distinct job ids are few, the rows many).
    const ids: string[] = [];
    const next = (after: string) => this.q.value<string | null>(sql`SELECT min(job_id) FROM predictions WHERE job_id > ${after}`) ?? null;
    for (let id = next(''); id !== null && ids.length < 1000; id = next(id)) ids.push(id);
    const out = ids.map((jobId) => {
      const j = /^\d{1,15}$/.test(jobId) ? this.q.get<{ file_name: string; sheet: string | null; created_at: number }>(sql`SELECT file_name, sheet, created_at FROM jobs WHERE id = ${Number(jobId)}`) : undefined;
      return {
        jobId,
        fileName: j ? (j.sheet ? `${j.file_name} (${j.sheet})` : j.file_name) : null,
        createdAt: j ? new Date(j.created_at).toISOString() : null,
      };
    });
    // Newest first: by creation time when known, else by id (ids grow with time).
    const num = (id: string) => (/^\d+$/.test(id) ? Number(id) : -1);
    return out.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || num(b.jobId) - num(a.jobId));
  }

  stats(request: HistoryStatsRequest): HistoryStats {
    return computeStats(this.q, request);
  }

  // ---- tidying up ----------------------------------------------------------------------------

  delete(ids: readonly number[]): number {
    this.matchCounts.clear();
    let deleted = 0;
    const run = this.db.transaction((chunk: readonly number[]) => this.q.run(sql`DELETE FROM predictions WHERE id IN (SELECT value FROM json_each(${JSON.stringify(chunk)}))`).changes);
    for (let i = 0; i < ids.length; i += DELETE_CHUNK) deleted += run(ids.slice(i, i + DELETE_CHUNK));
    return deleted;
  }

  /** Deletes every entry. Returns how many there were. */
  clear(): number {
    this.matchCounts.clear();
    return this.db.transaction(() => {
      // Empty the text index in one step, then move its watermark past every id ever used, so the
      // per-row trigger has nothing to do while the rows go.
      this.q.run(sql`INSERT INTO predictions_fts (predictions_fts) VALUES ('delete-all')`);
      this.q.run(sql`UPDATE predictions_fts_state SET indexed_upto = 0 WHERE id = 1`);
      const deleted = this.q.run(sql`DELETE FROM predictions`).changes;
      this.q.run(sql`UPDATE predictions_fts_state SET indexed_upto = coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'predictions'), 0) WHERE id = 1`);
      return deleted;
    }).immediate();
  }

  /** Deletes entries older than `days` days before `now`, in chunks so other work can run between them. */
  applyRetention(days: number, now: Date = new Date()): number {
    if (!Number.isInteger(days) || days < 1) throw new AppError('invalid_retention', `The retention period must be a whole number of days, 1 or more (got ${days}).`);
    const cutoff = now.getTime() - days * 86_400_000;
    this.matchCounts.clear();
    const run = this.db.transaction(() => this.q.run(sql`DELETE FROM predictions WHERE id IN (SELECT id FROM predictions WHERE created_at < ${cutoff} LIMIT ${DELETE_CHUNK})`).changes);
    let deleted = 0;
    for (;;) {
      const n = run();
      deleted += n;
      if (n < DELETE_CHUNK) return deleted;
    }
  }

  // ---- text index ----------------------------------------------------------------------------

  /**
   * Adds up to `maxRows` not-yet-indexed rows to the text index, oldest first. Returns how many it added
   * (0 = up to date). Cheap to call often; the background indexer calls it in small steps.
   */
  indexPendingText(maxRows = 5000): number {
    return this.db.transaction(() => {
      const from = this.textIndexedUpto();
      const upto = this.q.value<number | null>(sql`SELECT max(id) FROM (SELECT id FROM predictions WHERE id > ${from} ORDER BY id LIMIT ${maxRows})`) ?? null;
      if (upto === null) return 0;
      const added = this.q.run(
        sql`INSERT INTO predictions_fts (rowid, body)
            SELECT id, input || ' ' || coalesce(result, '') || ' ' || coalesce(error_message, '') || ' ' || coalesce(request_id, '') || ' ' || coalesce(row_label, '')
            FROM predictions WHERE id > ${from} AND id <= ${upto}`,
      ).changes;
      this.q.run(sql`UPDATE predictions_fts_state SET indexed_upto = ${upto} WHERE id = 1`);
      return added;
    }).immediate();
  }

  /**
   * One bounded step of merging the text index's segments (fewer segments, faster searches). Returns
   * false when there was nothing to merge. The background catch-up calls it when it is otherwise idle.
   */
  mergeTextIndex(pages = 100): boolean {
    const changes = () => this.q.value<number>(sql`SELECT total_changes()`) ?? 0;
    const before = changes();
    this.q.run(sql`INSERT INTO predictions_fts (predictions_fts, rank) VALUES ('merge', ${pages})`);
    // The merge command itself counts as one change; more means it merged something.
    return changes() !== before + 1;
  }

  /** Rows the text index has not reached yet. */
  pendingTextRows(): number {
    return this.q.value<number>(sql`SELECT count(*) FROM predictions WHERE id > ${this.textIndexedUpto()}`) ?? 0;
  }

}

