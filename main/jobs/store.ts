import type { Database, Statement } from 'better-sqlite3';
import { sql, Statements, trusted, type Sql } from '../store/sql';
import type { FieldSpec, ModelRef } from '../../shared/domain/model';
import type { NewPrediction } from '../../shared/domain/prediction';
import { AppError } from '../../shared/ipc/errors';
import type { FieldMapping, JobCounts, JobDetail, JobRowStatus, JobSettings, JobState, JobSummary, RowProblem } from '../../shared/ipc/jobs';
import type { OutcomeChoice } from '../../shared/ipc/evaluate';
import type { HistoryWriter } from '../store/repositories';
import type { RowSink, SheetHeader, SheetRow } from '../sheets/types';
import { decodeCells, encodeCells } from './cells';
import { IMPORT_SQL, INSERT_GROUP, ROW_SPAN } from './import-sql';

/**
 * Every SQL statement about bulk jobs. Other job code calls these named operations; nothing else
 * touches the `jobs` and `job_rows` tables. Pages are keyset pages on the row key.
 */

const keyOf = (jobId: number, rowNumber: number): number => jobId * ROW_SPAN + rowNumber;
const endOf = (jobId: number): number => (jobId + 1) * ROW_SPAN;
/** The rows of job `jobId` after row `after`: a range of the key, the table's own order. */
const rowsOf = (jobId: number, after = 0): Sql => sql`key > ${keyOf(jobId, after)} AND key < ${endOf(jobId)}`;
/**
 * Rows that are neither ok nor pending (failed, invalid, skipped): the condition of the partial index
 * job_rows_needing_attention (migration 2). SQLite uses a partial index only for a query whose WHERE
 * contains its condition, so queries about such rows repeat it even where `status = …` already implies it.
 */
const NEEDS_ATTENTION = trusted(`status NOT IN ('ok', 'pending')`);

export { decodeCells, encodeCells, ROW_SEP } from './cells';

export { IMPORT_SQL, INSERT_GROUP, ROW_SPAN } from './import-sql';

export const DEFAULT_JOB_SETTINGS: JobSettings = { batchSize: 50, skipProblemRows: false };

export interface NewJob {
  source: 'app' | 'cli';
  /** The CLI's identity of a command (file, model, server), so re-running it resumes the same job. */
  resumeKey: string | null;
  profileId: string;
  profileName: string;
  modelId: string | null;
  modelRef: ModelRef;
  modelLabel: string;
  fields: FieldSpec[] | null;
  filePath: string;
  fileName: string;
  sheet: string | null;
  settings: JobSettings;
}

export interface ImportInfo {
  renamed: SheetHeader['renamed'];
  notices: { kind: string; message: string }[];
  encoding: string | null;
  delimiter: string | null;
}

export interface JobRecord extends NewJob {
  id: number;
  columns: string[];
  importInfo: ImportInfo;
  mapping: FieldMapping | null;
  checked: boolean;
  state: JobState;
  error: { code: string; message: string } | null;
  counts: JobCounts;
  resultFields: string[];
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  runMs: number;
  /** The known-outcome column chosen for an evaluation (never sent to the model), or null. */
  outcome?: OutcomeChoice | null;
}

interface JobRow {
  id: number;
  source: string;
  resume_key: string | null;
  profile_id: string;
  profile_name: string;
  model_id: string | null;
  model_ref: string;
  model_label: string;
  fields: string | null;
  file_path: string;
  file_name: string;
  sheet: string | null;
  columns: string;
  import_info: string;
  mapping: string | null;
  outcome?: string | null;
  checked: number;
  settings: string;
  state: string;
  error: string | null;
  n_pending: number;
  n_ok: number;
  n_failed: number;
  n_skipped: number;
  n_invalid: number;
  result_fields: string;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  run_ms: number;
}

/** A row as the run and the check read it. */
export interface StoredRow {
  rowNumber: number;
  cells: string[];
}

/** A row as results pages and the export read it. */
export interface StoredResultRow {
  row_number: number;
  cells: string;
  status: JobRowStatus;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
  problems: string | null;
}

/** One row's answer, as the runner hands it over to be written. */
export interface RowOutcomeWrite {
  rowNumber: number;
  input: Record<string, unknown> | null;
  ok: boolean;
  /** Status to record; 'ok' or 'failed' from the engine, 'invalid' from the local checks. */
  status: JobRowStatus;
  result: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorDetails: unknown;
  retryable: boolean;
  httpStatus: number | null;
  requestId: string | null;
  attempts: number;
  roundTripMs: number | null;
  processingTimeMs: number | null;
  problems?: RowProblem[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function parse<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback;
  return JSON.parse(text) as T;
}

export function notFound(jobId: number): AppError {
  return new AppError('job_not_found', `There is no bulk job number ${jobId}. It may have been deleted; open the list of jobs to see the ones that remain.`, { jobId });
}

export class JobStore {
  private readonly q: Statements;
  private readonly insertOne: Statement;
  private readonly insertGroup: Statement;
  private readonly outcomeStmt: Statement;
  private readonly writeOutcomesTx: (jobId: number, outcomes: readonly RowOutcomeWrite[], history: readonly NewPrediction[], resultFields: string[] | null) => void;

  constructor(
    readonly db: Database,
    private readonly now: () => number = Date.now,
    private readonly history: HistoryWriter | null = null,
  ) {
    this.q = new Statements(db);
    this.insertOne = db.prepare(IMPORT_SQL.insertOne);
    this.insertGroup = db.prepare(IMPORT_SQL.insertGroup);
    this.outcomeStmt = db.prepare(`UPDATE job_rows SET status = ?, input = ?, result = ?, error_code = ?, error_message = ?, error_details = ?,
      retryable = ?, http_status = ?, request_id = ?, attempts = attempts + ?, round_trip_ms = ?, processing_time_ms = ?, finished_at = ?, problems = ?
      WHERE key = ? AND status = 'pending'`);
    this.writeOutcomesTx = db.transaction((jobId: number, outcomes: readonly RowOutcomeWrite[], history: readonly NewPrediction[], resultFields: string[] | null) => {
      const at = this.now();
      const moved = { ok: 0, failed: 0, invalid: 0, skipped: 0, pending: 0 };
      for (const o of outcomes) {
        const result = o.result === null ? null : JSON.stringify(o.result);
        const problems = o.problems && o.problems.length > 0 ? JSON.stringify(o.problems) : null;
        const changed = this.outcomeStmt.run(
          o.status,
          o.input === null ? null : JSON.stringify(o.input),
          result,
          o.errorCode,
          o.errorMessage,
          o.errorDetails === undefined || o.errorDetails === null ? null : JSON.stringify(o.errorDetails),
          o.ok ? null : o.retryable ? 1 : 0,
          o.httpStatus,
          o.requestId,
          o.attempts,
          o.roundTripMs,
          o.processingTimeMs,
          at,
          problems,
          keyOf(jobId, o.rowNumber),
        ).changes;
        if (changed > 0) moved[o.status]++;
      }
      const n = moved.ok + moved.failed + moved.invalid + moved.skipped;
      if (n > 0) {
        this.q.run(sql`UPDATE jobs SET n_pending = n_pending - ${n}, n_ok = n_ok + ${moved.ok}, n_failed = n_failed + ${moved.failed},
          n_invalid = n_invalid + ${moved.invalid}, n_skipped = n_skipped + ${moved.skipped} WHERE id = ${jobId}`);
      }
      if (history.length > 0 && this.history) this.history.addMany(history);
      if (resultFields) this.q.run(sql`UPDATE jobs SET result_fields = ${JSON.stringify(resultFields)}, updated_at = ${at} WHERE id = ${jobId}`);
    });
  }

  // ---- jobs ----------------------------------------------------------------------------------

  create(job: NewJob): number {
    const at = this.now();
    const info = this.q.run(sql`INSERT INTO jobs (source, resume_key, profile_id, profile_name, model_id, model_ref, model_label, fields, file_path, file_name,
      sheet, settings, state, created_at, updated_at) VALUES (${job.source}, ${job.resumeKey}, ${job.profileId}, ${job.profileName}, ${job.modelId},
      ${JSON.stringify(job.modelRef)}, ${job.modelLabel}, ${job.fields === null ? null : JSON.stringify(job.fields)}, ${job.filePath}, ${job.fileName},
      ${job.sheet}, ${JSON.stringify(job.settings)}, 'importing', ${at}, ${at})`);
    return Number(info.lastInsertRowid);
  }

  /**
   * Where the importer puts rows, in this thread: each batch goes in with one transaction (never
   * one per row). The header fixes the job's columns. (importIntoJob normally hands the inserts to a
   * writer thread instead, see import-writer.ts; this is its fallback and the reference behaviour.)
   */
  importSink(jobId: number): RowSink & { readonly count: number } {
    let count = 0;
    const insertBatch = this.db.transaction((batch: SheetRow[]) => {
      const encoded = new Array<string>(batch.length);
      const numbers = new Array<number>(batch.length);
      for (let i = 0; i < batch.length; i++) {
        encoded[i] = encodeCells(batch[i]!.values);
        numbers[i] = batch[i]!.rowNumber;
      }
      this.insertEncoded(jobId, numbers, encoded);
    });
    return {
      get count() {
        return count;
      },
      header: (h: SheetHeader) => this.setImportColumns(jobId, h.columns),
      rows: (batch: SheetRow[]) => {
        insertBatch(batch);
        count += batch.length;
      },
    };
  }

  /** The header's columns, recorded as soon as the importer has read them. */
  setImportColumns(jobId: number, columns: readonly string[]): void {
    this.q.run(sql`UPDATE jobs SET columns = ${JSON.stringify(columns)}, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  /** Inserts a batch whose cells are already encoded (encodeCells), in one transaction. */
  importEncoded(jobId: number, rowNumbers: ArrayLike<number>, encoded: readonly string[]): void {
    this.db.transaction(() => this.insertEncoded(jobId, rowNumbers, encoded))();
  }

  /** Inserts rows whose cells are already encoded (encodeCells); call inside a transaction. */
  private insertEncoded(jobId: number, rowNumbers: ArrayLike<number>, encoded: readonly string[]): void {
    const args: (number | string)[] = new Array<number | string>(INSERT_GROUP * 2);
    let i = 0;
    for (; i + INSERT_GROUP <= encoded.length; i += INSERT_GROUP) {
      for (let j = 0; j < INSERT_GROUP; j++) {
        args[2 * j] = keyOf(jobId, rowNumbers[i + j]!);
        args[2 * j + 1] = encoded[i + j]!;
      }
      this.insertGroup.run(args);
    }
    for (; i < encoded.length; i++) this.insertOne.run(keyOf(jobId, rowNumbers[i]!), encoded[i]!);
    this.q.prepare(IMPORT_SQL.addPending).run(encoded.length, jobId);
  }

  finishImport(jobId: number, info: ImportInfo & { sheet: string | null; columns: string[] }, mapping: FieldMapping | null): void {
    const importInfo = JSON.stringify({ renamed: info.renamed, notices: info.notices, encoding: info.encoding, delimiter: info.delimiter });
    this.q.run(sql`UPDATE jobs SET state = 'ready', columns = ${JSON.stringify(info.columns)}, sheet = ${info.sheet}, import_info = ${importInfo},
      mapping = ${mapping === null ? null : JSON.stringify(mapping)}, checked = 0, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  get(jobId: number): JobRecord | undefined {
    const row = this.q.get<JobRow>(sql`SELECT * FROM jobs WHERE id = ${jobId}`);
    return row ? toRecord(row) : undefined;
  }

  require(jobId: number): JobRecord {
    const job = this.get(jobId);
    if (!job) throw notFound(jobId);
    return job;
  }

  findByResumeKey(key: string): JobRecord | undefined {
    const row = this.q.get<JobRow>(sql`SELECT * FROM jobs WHERE resume_key = ${key} ORDER BY id DESC LIMIT 1`);
    return row ? toRecord(row) : undefined;
  }

  list(): JobRecord[] {
    return this.q.all<JobRow>(sql`SELECT * FROM jobs ORDER BY created_at DESC, id DESC`).map(toRecord);
  }

  listInState(states: readonly JobState[]): JobRecord[] {
    return this.q.all<JobRow>(sql`SELECT * FROM jobs WHERE state IN (SELECT value FROM json_each(${JSON.stringify(states)})) ORDER BY id`).map(toRecord);
  }

  counts(jobId: number): JobCounts {
    return this.require(jobId).counts;
  }

  summary(job: JobRecord, counts: JobCounts = job.counts): JobSummary {
    return {
      id: job.id,
      source: job.source,
      fileName: job.fileName,
      sheet: job.sheet,
      profileId: job.profileId,
      profileName: job.profileName,
      modelId: job.modelId,
      modelLabel: job.modelLabel,
      state: job.state,
      counts,
      error: job.error,
      createdAt: iso(job.createdAt)!,
      updatedAt: iso(job.updatedAt)!,
      startedAt: iso(job.startedAt),
      finishedAt: iso(job.finishedAt),
      runMs: job.runMs,
    };
  }

  detail(job: JobRecord, counts: JobCounts = job.counts): JobDetail {
    return {
      ...this.summary(job, counts),
      columns: job.columns,
      renamedColumns: job.importInfo.renamed,
      notices: job.importInfo.notices,
      encoding: job.importInfo.encoding,
      delimiter: job.importInfo.delimiter,
      fields: job.fields,
      mapping: job.mapping,
      checked: job.checked,
      settings: job.settings,
      resultFields: job.resultFields,
    };
  }

  setState(jobId: number, state: JobState, error: { code: string; message: string } | null = null): void {
    const at = this.now();
    const finished = state === 'done' || state === 'cancelled' || state === 'failed' ? at : null;
    this.q.run(sql`UPDATE jobs SET state = ${state}, error = ${error === null ? null : JSON.stringify(error)}, updated_at = ${at}, finished_at = ${finished} WHERE id = ${jobId}`);
  }

  markStarted(jobId: number): void {
    const at = this.now();
    this.q.run(sql`UPDATE jobs SET state = 'running', error = NULL, started_at = coalesce(started_at, ${at}), finished_at = NULL, updated_at = ${at} WHERE id = ${jobId}`);
  }

  addRunTime(jobId: number, ms: number): void {
    this.q.run(sql`UPDATE jobs SET run_ms = run_ms + ${Math.max(0, Math.round(ms))}, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  setMapping(jobId: number, mapping: FieldMapping): void {
    this.q.run(sql`UPDATE jobs SET mapping = ${JSON.stringify(mapping)}, checked = 0, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  setOutcome(jobId: number, outcome: OutcomeChoice | null): void {
    this.q.run(sql`UPDATE jobs SET outcome = ${outcome === null ? null : JSON.stringify(outcome)}, evaluation = NULL, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  /** The headline of the job's last evaluation (JSON), kept for History's list. */
  setEvaluationHeadline(jobId: number, headline: string | null): void {
    this.q.run(sql`UPDATE jobs SET evaluation = ${headline} WHERE id = ${jobId}`);
  }

  /** Jobs with a known-outcome column, newest first, with their last evaluation headline. */
  listWithOutcome(): { job: JobRecord; headline: string | null }[] {
    return this.q
      .all<JobRow & { evaluation: string | null }>(sql`SELECT * FROM jobs WHERE outcome IS NOT NULL ORDER BY created_at DESC, id DESC`)
      .map((r) => ({ job: toRecord(r), headline: r.evaluation }));
  }

  /**
   * A page of rows for an evaluation: status, the cells, and two answer values picked in SQL
   * (JSON paths), so a million rows are read without parsing every answer in JavaScript.
   */
  evaluationPage(jobId: number, after: number, limit: number, valuePath: string, confidencePath: string | null): { row_number: number; status: JobRowStatus; cells: string; value: unknown; confidence: unknown }[] {
    return this.q.all(
      sql`SELECT key - ${keyOf(jobId, 0)} AS row_number, status, cells, json_extract(result, ${valuePath}) AS value, json_extract(result, ${confidencePath ?? '$.__none__'}) AS confidence
        FROM job_rows WHERE ${rowsOf(jobId, after)} ORDER BY key LIMIT ${limit}`,
    );
  }

  setChecked(jobId: number, checked: boolean): void {
    this.q.run(sql`UPDATE jobs SET checked = ${checked ? 1 : 0}, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  setSettings(jobId: number, settings: JobSettings): void {
    this.q.run(sql`UPDATE jobs SET settings = ${JSON.stringify(settings)}, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  setFields(jobId: number, fields: FieldSpec[] | null): void {
    this.q.run(sql`UPDATE jobs SET fields = ${fields === null ? null : JSON.stringify(fields)}, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  delete(jobId: number): boolean {
    const tx = this.db.transaction(() => {
      this.q.run(sql`DELETE FROM job_rows WHERE ${rowsOf(jobId)}`);
      return this.q.run(sql`DELETE FROM jobs WHERE id = ${jobId}`).changes > 0;
    });
    return tx();
  }

  /** Drops the rows of an import that did not finish. */
  discardRows(jobId: number): void {
    this.q.run(sql`DELETE FROM job_rows WHERE ${rowsOf(jobId)}`);
    this.q.run(sql`UPDATE jobs SET n_pending = 0, n_ok = 0, n_failed = 0, n_skipped = 0, n_invalid = 0, updated_at = ${this.now()} WHERE id = ${jobId}`);
  }

  // ---- rows ----------------------------------------------------------------------------------

  /** Pending rows after `after`, in row order. */
  pendingRows(jobId: number, after: number, limit: number): StoredRow[] {
    const rows = this.q.all<{ key: number; cells: string }>(sql`SELECT key, cells FROM job_rows WHERE ${rowsOf(jobId, after)} AND status = 'pending' ORDER BY key LIMIT ${limit}`);
    const base = keyOf(jobId, 0);
    return rows.map((r) => ({ rowNumber: r.key - base, cells: decodeCells(r.cells) }));
  }

  /** Rows that were flagged by the check go back to pending before a new check. */
  clearProblems(jobId: number): void {
    this.db.transaction(() => {
      const back = (status: JobRowStatus) => this.q.run(sql`UPDATE job_rows SET status = 'pending', problems = NULL WHERE ${rowsOf(jobId)} AND ${NEEDS_ATTENTION} AND status = ${status}`).changes;
      const invalid = back('invalid');
      const skipped = back('skipped');
      this.q.run(sql`UPDATE jobs SET n_pending = n_pending + ${invalid + skipped}, n_invalid = n_invalid - ${invalid}, n_skipped = n_skipped - ${skipped} WHERE id = ${jobId}`);
    })();
  }

  markInvalid(jobId: number, rows: readonly { rowNumber: number; problems: RowProblem[] }[]): void {
    this.db.transaction(() => {
      let n = 0;
      for (const r of rows) n += this.q.run(sql`UPDATE job_rows SET status = 'invalid', problems = ${JSON.stringify(r.problems)} WHERE key = ${keyOf(jobId, r.rowNumber)} AND status = 'pending'`).changes;
      this.q.run(sql`UPDATE jobs SET n_pending = n_pending - ${n}, n_invalid = n_invalid + ${n} WHERE id = ${jobId}`);
    })();
  }

  /** The person chose to leave the problem rows out (true) or to bring them back (false). */
  setSkipInvalid(jobId: number, skip: boolean): number {
    const [from, to] = skip ? ['invalid', 'skipped'] : ['skipped', 'invalid'];
    return this.db.transaction(() => {
      const n = this.q.run(sql`UPDATE job_rows SET status = ${to} WHERE ${rowsOf(jobId)} AND ${NEEDS_ATTENTION} AND status = ${from}`).changes;
      this.q.run(sql`UPDATE jobs SET ${trusted(`n_${from} = n_${from} - `)}${n}, ${trusted(`n_${to} = n_${to} + `)}${n} WHERE id = ${jobId}`);
      return n;
    })();
  }

  problemsPage(jobId: number, after: number, limit: number): { rows: { rowNumber: number; problems: RowProblem[] }[]; next: number | null } {
    const rows = this.q.all<{ row_number: number; problems: string | null }>(
      sql`SELECT key - ${keyOf(jobId, 0)} AS row_number, problems FROM job_rows WHERE ${rowsOf(jobId, after)} AND ${NEEDS_ATTENTION} AND status IN ('invalid', 'skipped') ORDER BY key LIMIT ${limit + 1}`,
    );
    const page = rows.slice(0, limit).map((r) => ({ rowNumber: r.row_number, problems: parse<RowProblem[]>(r.problems, []) }));
    return { rows: page, next: rows.length > limit ? (page[page.length - 1]?.rowNumber ?? null) : null };
  }

  /**
   * Writes answers and their history entries in one transaction. Only pending rows change: a row
   * that already has an outcome keeps it.
   */
  writeOutcomes(
    jobId: number,
    outcomes: readonly RowOutcomeWrite[],
    opts: { history?: readonly NewPrediction[]; newResultFields?: string[] | null } = {},
  ): void {
    const newFields = opts.newResultFields ?? null;
    if (outcomes.length === 0 && newFields === null) return;
    this.writeOutcomesTx(jobId, outcomes, opts.history ?? [], newFields);
  }

  /** Failed rows back to pending (all of them, or only those that failed for a passing reason). */
  resetFailed(jobId: number, onlyRetryable: boolean): number {
    return this.db.transaction(() => {
      const n = this.q.run(
        sql`UPDATE job_rows SET status = 'pending', error_code = NULL, error_message = NULL, error_details = NULL, retryable = NULL, http_status = NULL, request_id = NULL,
         result = NULL, finished_at = NULL WHERE ${rowsOf(jobId)} AND ${NEEDS_ATTENTION} AND status = 'failed' AND (${onlyRetryable ? 1 : 0} = 0 OR retryable = 1)`,
      ).changes;
      this.q.run(sql`UPDATE jobs SET n_failed = n_failed - ${n}, n_pending = n_pending + ${n} WHERE id = ${jobId}`);
      return n;
    })();
  }

  resultsPage(jobId: number, after: number, limit: number, failedOnly: boolean): StoredResultRow[] {
    return this.q.all<StoredResultRow>(
      sql`SELECT key - ${keyOf(jobId, 0)} AS row_number, cells, status, result, error_code, error_message, request_id, problems FROM job_rows
        WHERE ${rowsOf(jobId, after)}${failedOnly ? sql` AND ${NEEDS_ATTENTION}` : trusted('')} ORDER BY key LIMIT ${limit}`,
    );
  }

  /** Rows with a result, for the chart: the value of one flattened field, computed in SQL. */
  resultValueKinds(jobId: number, path: string): { kind: string; n: number }[] {
    return this.q.all(sql`SELECT json_type(result, ${path}) AS kind, count(*) AS n FROM job_rows WHERE ${rowsOf(jobId)} AND status = 'ok' GROUP BY kind`);
  }

  resultNumberRange(jobId: number, path: string): { lo: number | null; hi: number | null; n: number } {
    return this.q.get<{ lo: number | null; hi: number | null; n: number }>(
      sql`SELECT min(v) AS lo, max(v) AS hi, count(v) AS n FROM (SELECT json_extract(result, ${path}) AS v FROM job_rows WHERE ${rowsOf(jobId)} AND status = 'ok' AND json_type(result, ${path}) IN ('integer', 'real'))`,
    )!;
  }

  resultHistogram(jobId: number, path: string, lo: number, width: number, bins: number): { bin: number; n: number }[] {
    return this.q.all(
      sql`SELECT min(CAST((json_extract(result, ${path}) - ${lo}) / ${width} AS INTEGER), ${bins - 1}) AS bin, count(*) AS n FROM job_rows
       WHERE ${rowsOf(jobId)} AND status = 'ok' AND json_type(result, ${path}) IN ('integer', 'real') GROUP BY bin ORDER BY bin`,
    );
  }

  resultClasses(jobId: number, path: string, limit: number): { value: string | number | null; n: number }[] {
    return this.q.all(
      sql`SELECT json_extract(result, ${path}) AS value, count(*) AS n FROM job_rows WHERE ${rowsOf(jobId)} AND status = 'ok' AND json_type(result, ${path}) IS NOT NULL
       GROUP BY value ORDER BY n DESC, value LIMIT ${limit}`,
    );
  }

  /** Jobs a crash or a quit interrupted: running → paused; unfinished imports lose their rows and fail. */
  recoverInterrupted(): { paused: number[]; failedImports: number[] } {
    const paused: number[] = [];
    const failedImports: number[] = [];
    for (const job of this.listInState(['running'])) {
      this.setState(job.id, 'paused');
      paused.push(job.id);
    }
    for (const job of this.listInState(['importing'])) {
      this.discardRows(job.id);
      this.setState(job.id, 'failed', {
        code: 'import_interrupted',
        message: `The import of "${job.fileName}" was interrupted before it finished (the app was closed or stopped). Load the file again to score it.`,
      });
      failedImports.push(job.id);
    }
    return { paused, failedImports };
  }
}

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    source: r.source === 'cli' ? 'cli' : 'app',
    resumeKey: r.resume_key,
    profileId: r.profile_id,
    profileName: r.profile_name,
    modelId: r.model_id,
    modelRef: JSON.parse(r.model_ref) as ModelRef,
    modelLabel: r.model_label,
    fields: parse<FieldSpec[] | null>(r.fields, null),
    filePath: r.file_path,
    fileName: r.file_name,
    sheet: r.sheet,
    columns: parse<string[]>(r.columns, []),
    importInfo: { renamed: [], notices: [], encoding: null, delimiter: null, ...parse<Partial<ImportInfo>>(r.import_info, {}) },
    mapping: parse<FieldMapping | null>(r.mapping, null),
    checked: r.checked === 1,
    settings: { ...DEFAULT_JOB_SETTINGS, ...parse<Partial<JobSettings>>(r.settings, {}) },
    state: r.state as JobState,
    error: parse<{ code: string; message: string } | null>(r.error, null),
    counts: { total: r.n_pending + r.n_ok + r.n_failed + r.n_skipped + r.n_invalid, pending: r.n_pending, ok: r.n_ok, failed: r.n_failed, skipped: r.n_skipped, invalid: r.n_invalid },
    resultFields: parse<string[]>(r.result_fields, []),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    runMs: r.run_ms,
    outcome: parse<OutcomeChoice | null>(r.outcome ?? null, null),
  };
}
