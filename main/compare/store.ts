import type { Database, Statement } from 'better-sqlite3';
import type { ModelRef } from '../../shared/domain/model';
import type { NewPrediction } from '../../shared/domain/prediction';
import type { JobRowStatus } from '../../shared/ipc/jobs';
import { decodeCells } from '../jobs/cells';
import { ROW_SPAN } from '../jobs/import-sql';
import type { StoredRow } from '../jobs/store';
import type { HistoryWriter } from '../store/repositories';
import { sql, Statements, trusted, type Sql } from '../store/sql';

/**
 * Every SQL statement about comparisons (migration 10): the second model of a job in
 * `comparisons`, its answers in `compare_rows` under the job row's own key. Nothing else touches
 * these tables.
 */

const keyOf = (jobId: number, rowNumber: number): number => jobId * ROW_SPAN + rowNumber;
const rowsOf = (jobId: number, after = 0, alias = 'r'): Sql =>
  sql`${trusted(alias)}.key > ${keyOf(jobId, after)} AND ${trusted(alias)}.key < ${(jobId + 1) * ROW_SPAN}`;

export interface SecondModel {
  profileId: string;
  profileName: string;
  modelId: string | null;
  modelRef: ModelRef;
  modelLabel: string;
}

export interface ComparisonRecord extends SecondModel {
  jobId: number;
  resultFields: string[];
  ok: number;
  failed: number;
  createdAt: number;
}

interface ComparisonRow {
  job_id: number;
  profile_id: string;
  profile_name: string;
  model_id: string | null;
  model_ref: string;
  model_label: string;
  result_fields: string;
  n_ok: number;
  n_failed: number;
  created_at: number;
}

/** One answer of the second model, as its runner hands it over. */
export interface SecondOutcomeWrite {
  rowNumber: number;
  status: 'ok' | 'failed';
  result: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  retryable: boolean;
  httpStatus: number | null;
  requestId: string | null;
  attempts: number;
  roundTripMs: number | null;
  processingTimeMs: number | null;
}

/** A job row with both answers, as the comparison's table and export read it. */
export interface PairedRow {
  row_number: number;
  cells: string;
  status: JobRowStatus;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
  problems: string | null;
  b_status: 'ok' | 'failed' | null;
  b_result: string | null;
  b_error_code: string | null;
  b_error_message: string | null;
  b_request_id: string | null;
}

/** Both answered, and the field at `path` differs between them. */
const changedAt = (path: string): Sql => sql`r.status = 'ok' AND c.status = 'ok' AND json_extract(r.result, ${path}) IS NOT json_extract(c.result, ${path})`;
const BOTH_OK = trusted(`r.status = 'ok' AND c.status = 'ok'`);
/** Rows read to tell a class answer from a number. */
const KIND_SAMPLE = 2_000;

export class ComparisonStore {
  private readonly q: Statements;
  private readonly insertStmt: Statement;
  private readonly writeTx: (jobId: number, outcomes: readonly SecondOutcomeWrite[], history: readonly NewPrediction[], resultFields: string[] | null) => void;

  constructor(
    readonly db: Database,
    private readonly now: () => number = Date.now,
    private readonly history: HistoryWriter | null = null,
  ) {
    this.q = new Statements(db);
    this.insertStmt = db.prepare(`INSERT OR IGNORE INTO compare_rows (key, status, result, error_code, error_message, retryable, http_status, request_id, attempts,
      round_trip_ms, processing_time_ms, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.writeTx = db.transaction((jobId: number, outcomes: readonly SecondOutcomeWrite[], history: readonly NewPrediction[], resultFields: string[] | null) => {
      const at = this.now();
      let ok = 0;
      let failed = 0;
      for (const o of outcomes) {
        const changed = this.insertStmt.run(
          keyOf(jobId, o.rowNumber),
          o.status,
          o.result === null ? null : JSON.stringify(o.result),
          o.errorCode,
          o.errorMessage,
          o.status === 'ok' ? null : o.retryable ? 1 : 0,
          o.httpStatus,
          o.requestId,
          o.attempts,
          o.roundTripMs,
          o.processingTimeMs,
          at,
        ).changes;
        if (changed > 0) {
          if (o.status === 'ok') ok++;
          else failed++;
        }
      }
      if (ok + failed > 0) this.q.run(sql`UPDATE comparisons SET n_ok = n_ok + ${ok}, n_failed = n_failed + ${failed}, updated_at = ${at} WHERE job_id = ${jobId}`);
      if (history.length > 0 && this.history) this.history.addMany(history);
      if (resultFields) this.q.run(sql`UPDATE comparisons SET result_fields = ${JSON.stringify(resultFields)}, updated_at = ${at} WHERE job_id = ${jobId}`);
    });
  }

  /** Makes `second` the job's second model (replacing one chosen before, while it has no answers). */
  attach(jobId: number, second: SecondModel): void {
    const at = this.now();
    this.q.run(sql`INSERT INTO comparisons (job_id, profile_id, profile_name, model_id, model_ref, model_label, created_at, updated_at)
      VALUES (${jobId}, ${second.profileId}, ${second.profileName}, ${second.modelId}, ${JSON.stringify(second.modelRef)}, ${second.modelLabel}, ${at}, ${at})
      ON CONFLICT (job_id) DO UPDATE SET profile_id = excluded.profile_id, profile_name = excluded.profile_name, model_id = excluded.model_id,
        model_ref = excluded.model_ref, model_label = excluded.model_label, result_fields = '[]', updated_at = excluded.updated_at`);
  }

  detach(jobId: number): void {
    this.db.transaction(() => {
      this.q.run(sql`DELETE FROM compare_rows AS r WHERE ${rowsOf(jobId)}`);
      this.q.run(sql`DELETE FROM comparisons WHERE job_id = ${jobId}`);
    })();
  }

  get(jobId: number): ComparisonRecord | undefined {
    const row = this.q.get<ComparisonRow>(sql`SELECT * FROM comparisons WHERE job_id = ${jobId}`);
    return row ? toRecord(row) : undefined;
  }

  list(): ComparisonRecord[] {
    return this.q.all<ComparisonRow>(sql`SELECT * FROM comparisons ORDER BY created_at DESC, job_id DESC`).map(toRecord);
  }

  /**
   * Rows the second model still has to answer, after `after`, in row order: every row the job sends
   * or has sent (pending, ok, failed) that has no second answer yet.
   */
  pendingRows(jobId: number, after: number, limit: number): StoredRow[] {
    const rows = this.q.all<{ key: number; cells: string }>(
      sql`SELECT r.key, r.cells FROM job_rows r WHERE ${rowsOf(jobId, after)} AND r.status IN ('pending', 'ok', 'failed')
        AND NOT EXISTS (SELECT 1 FROM compare_rows c WHERE c.key = r.key) ORDER BY r.key LIMIT ${limit}`,
    );
    const base = keyOf(jobId, 0);
    return rows.map((r) => ({ rowNumber: r.key - base, cells: decodeCells(r.cells) }));
  }

  /** How many rows the second model still has to answer. */
  pendingCount(jobId: number): number {
    return (
      this.q.value<number>(
        sql`SELECT count(*) FROM job_rows r WHERE ${rowsOf(jobId)} AND r.status IN ('pending', 'ok', 'failed') AND NOT EXISTS (SELECT 1 FROM compare_rows c WHERE c.key = r.key)`,
      ) ?? 0
    );
  }

  /** Writes answers (and their history entries) in one transaction; a row that has a second answer keeps it. */
  writeOutcomes(jobId: number, outcomes: readonly SecondOutcomeWrite[], history: readonly NewPrediction[], resultFields: string[] | null): void {
    if (outcomes.length === 0 && resultFields === null) return;
    this.writeTx(jobId, outcomes, history, resultFields);
  }

  /** Second answers that failed for a passing reason (or every failed one) are dropped, so the rows are sent again. */
  resetFailed(jobId: number, onlyRetryable: boolean): number {
    return this.db.transaction(() => {
      const n = this.q.run(sql`DELETE FROM compare_rows AS r WHERE ${rowsOf(jobId)} AND r.status = 'failed' AND (${onlyRetryable ? 1 : 0} = 0 OR r.retryable = 1)`).changes;
      if (n > 0) this.q.run(sql`UPDATE comparisons SET n_failed = n_failed - ${n}, updated_at = ${this.now()} WHERE job_id = ${jobId}`);
      return n;
    })();
  }

  /** Rows with both answers side by side, in row order; `changedPath` keeps only rows whose field there differs. */
  pairedPage(jobId: number, after: number, limit: number, changedPath: string | null = null): PairedRow[] {
    return this.q.all<PairedRow>(
      sql`SELECT r.key - ${keyOf(jobId, 0)} AS row_number, r.cells, r.status, r.result, r.error_code, r.error_message, r.request_id, r.problems,
          c.status AS b_status, c.result AS b_result, c.error_code AS b_error_code, c.error_message AS b_error_message, c.request_id AS b_request_id
        FROM job_rows r LEFT JOIN compare_rows c ON c.key = r.key
        WHERE ${rowsOf(jobId, after)}${changedPath === null ? trusted('') : sql` AND ${changedAt(changedPath)}`} ORDER BY r.key LIMIT ${limit}`,
    );
  }

  /**
   * The rows as the second model answered them, in the shape of JobStore.evaluationPage: a row the
   * job sends but the second model has not answered counts as pending.
   */
  evaluationPage(jobId: number, after: number, limit: number, valuePath: string, confidencePath: string | null): { row_number: number; status: JobRowStatus; cells: string; value: unknown; confidence: unknown }[] {
    return this.q.all(
      sql`SELECT r.key - ${keyOf(jobId, 0)} AS row_number, CASE WHEN r.status IN ('invalid', 'skipped') THEN r.status ELSE coalesce(c.status, 'pending') END AS status, r.cells,
          json_extract(c.result, ${valuePath}) AS value, json_extract(c.result, ${confidencePath ?? '$.__none__'}) AS confidence
        FROM job_rows r LEFT JOIN compare_rows c ON c.key = r.key WHERE ${rowsOf(jobId, after)} ORDER BY r.key LIMIT ${limit}`,
    );
  }

  /** Rows both models answered. */
  bothAnswered(jobId: number): number {
    return this.q.value<number>(sql`SELECT count(*) FROM job_rows r JOIN compare_rows c ON c.key = r.key WHERE ${rowsOf(jobId)} AND ${BOTH_OK}`) ?? 0;
  }

  /** How many rows have each (first answer, second answer) pair of values at `path`. */
  changeMatrix(jobId: number, path: string): { a: string | number | null; b: string | number | null; n: number }[] {
    return this.q.all(
      sql`SELECT json_extract(r.result, ${path}) AS a, json_extract(c.result, ${path}) AS b, count(*) AS n FROM job_rows r JOIN compare_rows c ON c.key = r.key
        WHERE ${rowsOf(jobId)} AND ${BOTH_OK} GROUP BY a, b ORDER BY n DESC`,
    );
  }

  /**
   * Kinds of the first model's values at `path` over a sample of the rows both answered (the first
   * KIND_SAMPLE in row order), to tell classes from numbers without reading every row.
   */
  valueKinds(jobId: number, path: string): { kind: string | null; n: number; nDistinct: number }[] {
    return this.q.all(
      sql`SELECT kind, count(*) AS n, count(DISTINCT v) AS nDistinct FROM (SELECT json_type(r.result, ${path}) AS kind, json_extract(r.result, ${path}) AS v
        FROM job_rows r JOIN compare_rows c ON c.key = r.key WHERE ${rowsOf(jobId)} AND ${BOTH_OK} ORDER BY r.key LIMIT ${KIND_SAMPLE}) GROUP BY kind`,
    );
  }

  /**
   * Every row both answered, with the two values at `path`, in row order (raw rows: row number,
   * first value, second value), for the differences' figures computed in one pass.
   */
  *pairValues(jobId: number, path: string): Generator<[number, unknown, unknown]> {
    const q = sql`SELECT r.key - ${keyOf(jobId, 0)}, json_extract(r.result, ${path}), json_extract(c.result, ${path})
      FROM job_rows r JOIN compare_rows c ON c.key = r.key WHERE ${rowsOf(jobId)} AND ${BOTH_OK} ORDER BY r.key`;
    yield* this.q.prepare(q.text, 'raw').iterate(...q.params) as IterableIterator<[number, unknown, unknown]>;
  }
}

function toRecord(r: ComparisonRow): ComparisonRecord {
  return {
    jobId: r.job_id,
    profileId: r.profile_id,
    profileName: r.profile_name,
    modelId: r.model_id,
    modelRef: JSON.parse(r.model_ref) as ModelRef,
    modelLabel: r.model_label,
    resultFields: JSON.parse(r.result_fields) as string[],
    ok: r.n_ok,
    failed: r.n_failed,
    createdAt: r.created_at,
  };
}
