import type { HistoryFilters } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';
import { join, list, sql, trusted, type Sql, type Statements } from '../store/sql';

/** The conditions of a history filter over `predictions p`. */
export interface FilterSql {
  /** Every condition except the series one, joined with AND; `1` when nothing else is filtered. */
  where: Sql;
  /** Series the filter limits rows to; null when it does not limit them. Empty = nothing can match. */
  seriesIds: number[] | null;
  /**
   * True when only failed rows can match: their partial index is then the better way in, so the series
   * condition is written so SQLite does not pick the (much larger) series index instead.
   */
  failedOnly: boolean;
}

/** The whole condition: the series in `ids` (default: the filter's own) and the rest of the filter. */
export function whereForSeries(f: FilterSql, ids: readonly number[] | null = f.seriesIds): Sql {
  if (ids === null) return f.where;
  if (ids.length === 0) return trusted('0');
  // With the failed-only filter, `+` keeps SQLite from using the series index, so that it walks the
  // small partial index of failed rows (predictions_failed_by_time) instead.
  const column = trusted(f.failedOnly ? '+p.series_id' : 'p.series_id');
  const series = ids.length === 1 ? sql`${column} = ${ids[0]}` : sql`${column} IN (${list(ids)})`;
  return sql`${series} AND ${f.where}`;
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
export function matchingSeries(q: Statements, filters: HistoryFilters): number[] | null {
  if (filters.modelName === undefined && filters.profileId === undefined) return null;
  const clauses: Sql[] = [];
  if (filters.modelName !== undefined) clauses.push(sql`model_name = ${filters.modelName}`);
  if (filters.modelVersion !== undefined) clauses.push(sql`model_version = ${filters.modelVersion}`);
  if (filters.profileId !== undefined) clauses.push(sql`profile_id = ${filters.profileId}`);
  return q.column<number>(sql`SELECT id FROM prediction_series WHERE ${join(clauses, ' AND ')} ORDER BY id`);
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
 * Builds the conditions for the filters. Text search uses the FTS5 index for rows it already covers
 * (id ≤ `indexedUpto`) and a direct LIKE over the few newer rows it has not reached yet.
 */
export function filterSql(filters: HistoryFilters, seriesIds: number[] | null, indexedUpto: number, textMode: TextMode = 'list'): FilterSql {
  const clauses: Sql[] = [];
  if (filters.status !== undefined) {
    clauses.push(sql`p.status = ${filters.status}`);
    // Says in a form SQLite can match that the partial index of failed rows holds every such row.
    if (filters.status !== 'ok') clauses.push(trusted("p.status <> 'ok'"));
  }
  if (filters.outcome === 'ok') clauses.push(trusted("p.status = 'ok'"));
  if (filters.outcome === 'failed') clauses.push(trusted("p.status <> 'ok'"));
  if (filters.source !== undefined) clauses.push(sql`p.source = ${filters.source}`);
  if (filters.from !== undefined) clauses.push(sql`p.created_at >= ${toMillis(filters.from, 'start')}`);
  if (filters.to !== undefined) clauses.push(sql`p.created_at < ${toMillis(filters.to, 'end')}`);
  const text = filters.text?.trim() ?? '';
  if (text !== '') {
    const words = searchWords(text);
    if (words.length === 0) {
      // Only punctuation: no word to look up in the index, so look for the text itself.
      clauses.push(likeAll('p', `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    } else {
      // One list of ids: what the index finds, plus matching rows it has not reached yet.
      // A word matching many rows (list-probe): `+` keeps SQLite from driving the query from the id list,
      // so it walks the time index and probes the list for each row instead (see TextMode).
      const column = trusted(textMode === 'list-probe' ? '+p.id' : 'p.id');
      clauses.push(
        sql`${column} IN (SELECT rowid FROM predictions_fts WHERE predictions_fts MATCH ${ftsQuery(words)} UNION ALL SELECT t.id FROM predictions t WHERE t.id > ${indexedUpto} AND ${likeWords(words, 't')})`,
      );
    }
  }
  const failedOnly = filters.outcome === 'failed' || (filters.status !== undefined && filters.status !== 'ok');
  return { where: join(clauses, ' AND ', trusted('1')), seriesIds, failedOnly };
}

/** Every word somewhere in the row's text (for rows the index has not reached). */
export function likeWords(words: readonly string[], alias: 'p' | 't'): Sql {
  return join(
    words.map((w) => likeAll(alias, `%${w}%`)),
    ' AND ',
  );
}

function likeAll(alias: 'p' | 't', pattern: string): Sql {
  const a = trusted(alias);
  return sql`(${a}.input LIKE ${pattern} ESCAPE '\\' OR ${a}.result LIKE ${pattern} ESCAPE '\\' OR ${a}.error_message LIKE ${pattern} ESCAPE '\\' OR ${a}.request_id LIKE ${pattern} ESCAPE '\\')`;
}
