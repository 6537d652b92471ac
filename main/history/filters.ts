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
 * Builds the WHERE clause for the filters. Text search uses the FTS5 index for rows it already covers
 * (id ≤ `indexedUpto`) and a direct LIKE over the few newer rows it has not reached yet.
 */
export function filterSql(filters: HistoryFilters, seriesIds: number[] | null, indexedUpto: number): FilterSql {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (seriesIds !== null) {
    if (seriesIds.length === 0) return { where: '0', params: {}, seriesIds };
    clauses.push(seriesIds.length === 1 ? `p.series_id = ${seriesIds[0]}` : `p.series_id IN (${seriesIds.join(',')})`);
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
      clauses.push(likeAll('@rawLike'));
    } else {
      params.fts = ftsQuery(words);
      params.indexedUpto = indexedUpto;
      const likes = words.map((w, i) => {
        params[`w${i}`] = `%${w}%`;
        return likeAll(`@w${i}`);
      });
      clauses.push(`(p.id IN (SELECT rowid FROM predictions_fts WHERE predictions_fts MATCH @fts) OR (p.id > @indexedUpto AND ${likes.join(' AND ')}))`);
    }
  }
  return { where: clauses.length === 0 ? '1' : clauses.join(' AND '), params, seriesIds };
}

function likeAll(param: string): string {
  return `(p.input LIKE ${param} ESCAPE '\\' OR p.result LIKE ${param} ESCAPE '\\' OR p.error_message LIKE ${param} ESCAPE '\\' OR p.request_id LIKE ${param} ESCAPE '\\')`;
}
