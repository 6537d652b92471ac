import type { Database } from 'better-sqlite3';
import type { HistoryFilters } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';

/** A WHERE clause over `predictions p`, with its named parameters. */
export interface FilterSql {
  /** Always a valid expression; `1` when nothing is filtered. */
  where: string;
  params: Record<string, string | number>;
  /** Series the filter limits rows to; null when it does not limit them. Empty = nothing can match. */
  seriesIds: number[] | null;
  /**
   * True when only failed rows can match: their partial index is then the better way in, so the series
   * condition is written so SQLite does not pick the (much larger) series index instead.
   */
  failedOnly: boolean;
}

/** The marker in `where` that `seriesCondition` fills in. */
export const SERIES_MARK = '__series__';

/** `where` with the series condition for `ids` (one series, or several). */
export function whereForSeries(f: FilterSql, ids: readonly number[] | null): string {
  if (!f.where.includes(SERIES_MARK)) return f.where;
  // With the failed-only filter, `+` keeps SQLite from using the series index, so that it walks the
  // small partial index of failed rows (predictions_failed_by_time) instead.
  const column = f.failedOnly ? '+p.series_id' : 'p.series_id';
  const list = ids ?? f.seriesIds ?? [];
  const cond = list.length === 1 ? `${column} = ${list[0]}` : `${column} IN (${list.join(',')})`;
  return f.where.replace(SERIES_MARK, cond);
}

const MAX_WORDS = 16;

/** The words of a search, as FTS5 prefix terms: `ali smi` → `"ali"* AND "smi"*`. */
export function searchWords(text: string): string[] {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.slice(0, MAX_WORDS);
}

export function ftsQuery(words: readonly string[]): string {
  return words.map((w) => `"${w}"*`).join(' AND ');
}

export function toMillis(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AppError('invalid_date', `The ${field} date "${iso}" is not a valid date. Use a date like 2026-01-31T00:00:00Z.`, { field });
  return ms;
}

/** Series (account + model combinations) matching the model and account filters. */
export function matchingSeries(db: Database, filters: HistoryFilters): number[] | null {
  if (filters.modelName === undefined && filters.profileId === undefined) return null;
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  if (filters.modelName !== undefined) {
    clauses.push('model_name = @modelName');
    params.modelName = filters.modelName;
  }
  if (filters.modelVersion !== undefined) {
    clauses.push('model_version = @modelVersion');
    params.modelVersion = filters.modelVersion;
  }
  if (filters.profileId !== undefined) {
    clauses.push('profile_id = @profileId');
    params.profileId = filters.profileId;
  }
  const rows = db.prepare(`SELECT id FROM prediction_series WHERE ${clauses.join(' AND ')} ORDER BY id`).pluck().all(params) as number[];
  return rows;
}

/**
 * How a text search joins the rest of the query:
 * - `list`: the matching ids drive the query (rows fetched by id) — best when few rows match;
 * - `list-probe`: another index drives (time order, failed rows, a model) and each row is checked
 *   against the list of matching ids, built once per query — best when many rows match.
 * (Probing the FTS5 table row by row was tried: each probe runs the whole match, far too slow.)
 */
export type TextMode = 'list' | 'list-probe';

/**
 * Builds the WHERE clause for the filters. Text search uses the FTS5 index for rows it already covers
 * (id ≤ `indexedUpto`) and a direct LIKE over the few newer rows it has not reached yet.
 */
export function filterSql(filters: HistoryFilters, seriesIds: number[] | null, indexedUpto: number, textMode: TextMode = 'list'): FilterSql {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (seriesIds !== null) {
    if (seriesIds.length === 0) return { where: '0', params: {}, seriesIds, failedOnly: false };
    clauses.push(SERIES_MARK);
  }
  if (filters.status !== undefined) {
    clauses.push('p.status = @status');
    params.status = filters.status;
    // Lets SQLite use the partial index of failed rows.
    if (filters.status !== 'ok') clauses.push("p.status <> 'ok'");
  }
  if (filters.outcome === 'ok') clauses.push("p.status = 'ok'");
  if (filters.outcome === 'failed') clauses.push("p.status <> 'ok'");
  if (filters.source !== undefined) {
    clauses.push('p.source = @source');
    params.source = filters.source;
  }
  if (filters.jobId !== undefined) {
    clauses.push('p.job_id = @jobId');
    params.jobId = filters.jobId;
  }
  if (filters.origin === 'form') clauses.push('p.job_id IS NULL');
  if (filters.origin === 'job') clauses.push('p.job_id IS NOT NULL');
  if (filters.from !== undefined) {
    clauses.push('p.created_at >= @from');
    params.from = toMillis(filters.from, 'start');
  }
  if (filters.to !== undefined) {
    clauses.push('p.created_at < @to');
    params.to = toMillis(filters.to, 'end');
  }
  const text = filters.text?.trim() ?? '';
  if (text !== '') {
    const words = searchWords(text);
    if (words.length === 0) {
      // Only punctuation: no word to look up in the index, so look for the text itself.
      params.rawLike = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      clauses.push(likeAll('p', '@rawLike'));
    } else {
      params.fts = ftsQuery(words);
      params.indexedUpto = indexedUpto;
      // One list of ids: what the index finds, plus matching rows it has not reached yet.
      // A word matching many rows (list-probe): `+` keeps SQLite from driving the query from the id list,
      // so it walks the time index and probes the list for each row instead (see TextMode).
      const column = textMode === 'list-probe' ? '+p.id' : 'p.id';
      clauses.push(`${column} IN (SELECT rowid FROM predictions_fts WHERE predictions_fts MATCH @fts UNION ALL SELECT t.id FROM predictions t WHERE t.id > @indexedUpto AND ${likeWords(words, 't', params)})`);
    }
  }
  const failedOnly = filters.outcome === 'failed' || (filters.status !== undefined && filters.status !== 'ok');
  return { where: clauses.length === 0 ? '1' : clauses.join(' AND '), params, seriesIds, failedOnly };
}

/** Every word somewhere in the row's text (for rows the index has not reached); sets `@w0`, `@w1`… */
export function likeWords(words: readonly string[], alias: string, params: Record<string, string | number>): string {
  return words
    .map((w, i) => {
      params[`w${i}`] = `%${w}%`;
      return likeAll(alias, `@w${i}`);
    })
    .join(' AND ');
}

function likeAll(alias: string, param: string): string {
  const a = alias;
  return `(${a}.input LIKE ${param} ESCAPE '\\' OR ${a}.result LIKE ${param} ESCAPE '\\' OR ${a}.error_message LIKE ${param} ESCAPE '\\' OR ${a}.request_id LIKE ${param} ESCAPE '\\' OR ${a}.row_label LIKE ${param} ESCAPE '\\')`;
}
