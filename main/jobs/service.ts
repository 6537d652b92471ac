import { basename } from 'node:path';
import type { FieldSpec, SavedModel } from '../../shared/domain/model';
import { modelLabel } from '../../shared/domain/model';
import type { Profile } from '../../shared/domain/profile';
import { AppError } from '../../shared/ipc/errors';
import type { CheckSummary, ChartSummary, ColumnMatchInfo, FieldMapping, JobDetail, JobEstimate, JobProgress, JobSummary, ResultRow, RetryPlan, RowProblem } from '../../shared/ipc/jobs';
import type { Engine, EngineProfile, EngineSettings } from '../engine';
import { pickFlattened } from '../sheets/csv-writer';
import { listSheets, previewSheet, type ImportProgress } from '../sheets/import';
import type { HistoryWriter, SettingsRepository } from '../store/repositories';
import { MappingMemory } from '../sheets/mapping-memory';
import { columnMatches, planRetry, saveMappingFile, setValueMap, useFields, type FieldsMapOptions } from './mapping-service';
import type { Database } from 'better-sqlite3';
import { chartSummary } from './chart';
import { checkJob, problemRowsForCause } from './check';
import { estimateRun } from './estimate';
import { exportFormatFor, exportJob, formatForPath, statusCells, type ExportChoice, type JobExportSummary } from './export';
import { importIntoJob } from './import-job';
import { NOTIFY_AFTER_MS, runJob, type RunEnd } from './runner';
import { decodeCells, DEFAULT_JOB_SETTINGS, JobStore, type JobRecord, type NewJob } from './store';

export interface JobServiceDeps {
  db: Database;
  engine: Engine;
  /** Where every answered row is also recorded (the history keeps bulk rows too). */
  history: HistoryWriter | null;
  /** The account and its key (the key stays in main). */
  profileAndKey(profileId: string): Promise<{ profile: Profile; apiKey: string }>;
  getProfile(profileId: string): Profile | undefined;
  getModel(modelId: string): SavedModel | undefined;
  /** Where confirmed mappings are remembered per model (mapping-memory); none: nothing is remembered. */
  settings?: SettingsRepository;
  onProgress?(p: JobProgress): void;
  onImportProgress?(p: { importId: string } & ImportProgress): void;
  /** OS notification (HostPorts.notify). */
  notify?(title: string, body: string): void;
  now?: () => number;
  /** What runs beside a job every time it starts (a comparison's second model), or null. */
  alongside?(jobId: number): { pending: number; run: (signal: AbortSignal) => Promise<void> } | null;
}

export interface StartOptions {
  skipProblemRows?: boolean;
  batchSize?: number;
  /** Columns kept with each history entry to identify its row (kept with the job for its resumes). */
  identifyingColumns?: string[];
  /** Run the other rows and leave the problem rows marked invalid (the CLI, which reports them in its output). */
  leaveProblemRows?: boolean;
  /** The account to send with, instead of the saved profile's (the CLI's flags). */
  account?: { profile: EngineProfile & { name: string }; apiKey: string };
  /** Engine settings for this run on top of the user's (the CLI's flags). */
  engineSettings?: Partial<EngineSettings>;
  /** Aborting pauses (reason 'pause') or cancels (reason 'cancel') the run, as pause() and cancel() do. */
  signal?: AbortSignal;
  source?: 'bulk' | 'cli';
}

interface Running {
  controller: AbortController;
  done: Promise<RunEnd>;
}

const RESULTS_PAGE = 200;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Everything the Spreadsheet screen does with bulk jobs; the IPC handlers are thin calls onto this. */
export class JobService {
  readonly store: JobStore;
  private readonly running = new Map<number, Running>();
  private readonly imports = new Map<string, AbortController>();
  private readonly now: () => number;
  /** Confirmed column and value mappings, per model. */
  readonly memory: MappingMemory | null;

  constructor(private readonly deps: JobServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.store = new JobStore(deps.db, this.now, deps.history);
    this.memory = deps.settings ? new MappingMemory(deps.settings) : null;
  }

  /** At start-up: jobs a crash or quit left running become paused (offered for resume). */
  recover(): { paused: number[]; failedImports: number[] } {
    return this.store.recoverInterrupted();
  }

  listSheets(path: string): Promise<string[]> {
    return listSheets(path);
  }

  async preview(path: string, sheet: string | undefined, rows = 50, headerRow?: number) {
    const p = await previewSheet(path, rows, { ...(sheet !== undefined ? { sheet } : {}), ...(headerRow !== undefined ? { headerRow } : {}) });
    return {
      headerRow: p.result.headerRow,
      rowNumbers: p.rowNumbers,
      rowsAbove: p.result.rowsAboveHeader.map((r) => ({ rowNumber: r.rowNumber, cells: r.values })),
      columns: p.header.columns,
      renamedColumns: p.header.renamed,
      rows: p.rows,
      notices: p.result.notices.map((n) => ({ kind: n.kind, message: n.message })),
      encoding: p.result.encoding,
      truncated: p.result.truncated ?? false,
    };
  }

  async createJob(args: { importId: string; path: string; sheet?: string; profileId: string; modelId: string; headerRow?: number }): Promise<JobDetail> {
    const profile = this.deps.getProfile(args.profileId);
    if (!profile) throw new AppError('account_not_found', 'The account chosen for this job no longer exists. Choose another account.');
    const model = this.deps.getModel(args.modelId);
    if (!model || model.profileId !== profile.id) throw new AppError('model_not_found', 'The model chosen for this job is not saved in this account. Add it under Predict first, then load the file again.');
    if (this.imports.has(args.importId)) throw new AppError('import_in_progress', 'This file is already being loaded.');
    const job = await this.importFile(args.importId, {
      source: 'app',
      resumeKey: null,
      profileId: profile.id,
      profileName: profile.name,
      modelId: model.id,
      modelRef: model.ref,
      modelLabel: model.displayName || modelLabel(model.ref),
      fields: model.schema.fields.length > 0 ? model.schema.fields : null,
      filePath: args.path,
      fileName: basename(args.path),
      sheet: args.sheet ?? null,
      settings: DEFAULT_JOB_SETTINGS,
    }, args.headerRow !== undefined ? { headerRow: args.headerRow } : {});
    return this.detail(job);
  }

  /**
   * Creates a job from a file (the app's createJob, the CLI); `importId` names the import for
   * progress and cancelImport. For a saved model, the columns and values confirmed before for it
   * are used first.
   */
  async importFile(importId: string, job: NewJob, opts: { headerRow?: number } = {}): Promise<JobRecord> {
    const controller = new AbortController();
    this.imports.set(importId, controller);
    const saved = job.modelId !== null ? this.memory?.get(job.modelId) : undefined;
    try {
      const rec = await importIntoJob(this.store, job, {
        signal: controller.signal,
        onProgress: (p) => this.deps.onImportProgress?.({ importId, ...p }),
        ...(opts.headerRow !== undefined ? { headerRow: opts.headerRow } : {}),
        ...(saved ? { remembered: saved.columns } : {}),
      });
      const known = new Set((rec.fields ?? []).filter((f) => f.type === 'choice').map((f) => f.name));
      const values = Object.fromEntries(Object.entries(saved?.values ?? {}).filter(([f]) => known.has(f)));
      if (Object.keys(values).length > 0) this.store.setValueMaps(rec.id, values);
      return this.store.require(rec.id);
    } finally {
      this.imports.delete(importId);
    }
  }

  /** The job for the screen: the stored detail with the reason of each column match and the value maps. */
  detail(job: JobRecord): JobDetail {
    const d = this.store.detail(job);
    const headerRow = job.importInfo.headerRow;
    return {
      ...d,
      ...(job.fields !== null && job.mapping !== null ? { matches: columnMatches(this.store, job, this.remembered(job)) } : {}),
      valueMaps: job.valueMaps,
      ...(headerRow !== undefined ? { headerRow } : {}),
    };
  }

  private remembered(job: JobRecord): Record<string, string | null> | undefined {
    return job.modelId !== null ? this.memory?.get(job.modelId).columns : undefined;
  }

  /**
   * Gives a job the model's fields (the CLI, after `describe`) and maps its columns as the app's
   * import does; a mapping file's columns and values and `--map` specs come on top. Returns each
   * field's match with its reason.
   */
  useFields(jobId: number, fields: FieldSpec[], opts: FieldsMapOptions = {}): ColumnMatchInfo[] {
    this.assertNotRunning(jobId);
    return useFields(this.store, this.store.require(jobId), fields, opts);
  }

  /** Maps written values of a category field to allowed ones (null: leave to fail), remembers them, checks again. */
  async setValueMap(jobId: number, field: string, values: Record<string, string | null>): Promise<CheckSummary> {
    this.assertNotRunning(jobId);
    const job = this.store.require(jobId);
    const merged = setValueMap(this.store, job, field, values);
    if (job.modelId !== null) this.memory?.replaceValues(job.modelId, field, merged);
    return checkJob(this.store, this.store.require(jobId));
  }

  causeRows(jobId: number, key: string, after: number | null | undefined, limit = 100): { rows: { rowNumber: number; problems: RowProblem[] }[]; next: number | null } {
    this.store.require(jobId);
    return problemRowsForCause(this.store, jobId, key, after ?? 0, limit);
  }

  /** Which failed rows a retry would send again, and why the others would not be sent. */
  retryPlan(jobId: number): RetryPlan {
    return planRetry(this.store, this.store.require(jobId)).plan;
  }

  /** Writes the job's columns and value maps as a mapping file (for `npm run score -- --mapping FILE`). */
  saveMapping(jobId: number, path: string): { path: string } {
    return saveMappingFile(this.store.require(jobId), path);
  }

  cancelImport(importId: string): boolean {
    const c = this.imports.get(importId);
    if (!c) return false;
    c.abort();
    return true;
  }

  getJob(jobId: number): JobDetail {
    return this.detail(this.store.require(jobId));
  }

  summary(jobId: number): JobSummary {
    return this.store.summary(this.store.require(jobId));
  }

  listJobs(): JobSummary[] {
    return this.store.list().map((j) => this.store.summary(j));
  }

  listResumable(): JobSummary[] {
    return this.store
      .listInState(['paused'])
      .map((j) => this.store.summary(j))
      .filter((s) => s.counts.pending > 0);
  }

  async setMapping(jobId: number, mapping: FieldMapping): Promise<CheckSummary> {
    const job = this.store.require(jobId);
    this.assertNotRunning(jobId);
    if (job.fields === null) throw new AppError('no_fields', 'This job sends every column as it is (the model did not describe its fields), so there is nothing to map.');
    const counts = this.store.counts(jobId);
    if (counts.ok + counts.failed > 0) {
      throw new AppError('mapping_locked', `${plural(counts.ok + counts.failed, 'row')} of this job already have answers, so its mapping can no longer change. Load the file again to score it with another mapping.`);
    }
    const fieldNames = new Set(job.fields.map((f) => f.name));
    const clean: FieldMapping = {};
    for (const f of job.fields) clean[f.name] = null;
    const used = new Map<string, string>();
    for (const [field, column] of Object.entries(mapping)) {
      if (!fieldNames.has(field)) throw new AppError('unknown_field', `The model has no field called "${field}".`, { field });
      if (column === null) continue;
      if (!job.columns.includes(column)) throw new AppError('unknown_column', `The file has no column called "${column}" (chosen for the field "${field}").`, { field, column });
      if (job.outcome?.column === column) {
        throw new AppError('column_is_outcome', `The column "${column}" is marked as the known outcome, so it is never sent. Choose another column for "${field}", or unmark the outcome first.`, { field, column });
      }
      const other = used.get(column);
      if (other) throw new AppError('column_used_twice', `The column "${column}" is chosen for both "${other}" and "${field}". Choose a different column for one of them.`, { field, column });
      used.set(column, field);
      clean[field] = column;
    }
    this.store.setMapping(jobId, clean);
    return checkJob(this.store, this.store.require(jobId));
  }

  async check(jobId: number): Promise<CheckSummary> {
    this.assertNotRunning(jobId);
    return checkJob(this.store, this.store.require(jobId));
  }

  problems(jobId: number, after: number | null | undefined, limit = 100): { rows: { rowNumber: number; problems: RowProblem[] }[]; next: number | null } {
    this.store.require(jobId);
    return this.store.problemsPage(jobId, after ?? 0, limit);
  }

  estimate(jobId: number, batchSize?: number): JobEstimate {
    const job = this.store.require(jobId);
    const profile = this.deps.getProfile(job.profileId);
    const counts = this.store.counts(jobId);
    const rows = counts.pending + (job.settings.skipProblemRows ? 0 : counts.invalid);
    const size = job.modelRef.kind === 'model' ? (batchSize ?? job.settings.batchSize) : 1;
    return estimateRun(rows, size, profile?.rpm ?? 100, profile?.concurrency ?? 4);
  }

  /** Starts (or resumes) a job in the background; progress arrives as events. */
  async start(jobId: number, opts: StartOptions = {}): Promise<JobSummary> {
    this.assertNotRunning(jobId);
    let job = this.store.require(jobId);
    if (job.state === 'importing') throw new AppError('job_importing', 'This file is still being loaded. Wait for the import to finish.');
    if (job.state === 'cancelled') throw new AppError('job_cancelled', 'This job was cancelled. Load the file again to score the remaining rows.');
    const unknown = opts.identifyingColumns?.find((c) => !job.columns.includes(c));
    if (unknown !== undefined) {
      throw new AppError('unknown_column', `The column "${unknown}" chosen to identify rows in the history is not in ${job.fileName}. Choose among its columns: ${job.columns.slice(0, 10).join(', ')}${job.columns.length > 10 ? '…' : ''}.`, { column: unknown });
    }
    const identifying = opts.identifyingColumns ?? job.settings.identifyingColumns;
    const settings = {
      batchSize: opts.batchSize ?? job.settings.batchSize,
      skipProblemRows: opts.skipProblemRows ?? job.settings.skipProblemRows,
      ...(identifying !== undefined ? { identifyingColumns: identifying } : {}),
    };
    this.store.setSettings(jobId, settings);
    job = this.store.require(jobId);
    // Starting confirms the mapping: it is offered first next time for this model.
    if (job.modelId !== null && job.mapping !== null) this.memory?.rememberColumns(job.modelId, job.mapping);
    if (!job.checked) await checkJob(this.store, job);
    this.store.setSkipInvalid(jobId, settings.skipProblemRows);
    const counts = this.store.counts(jobId);
    if (counts.invalid > 0 && !opts.leaveProblemRows) {
      throw new AppError(
        'rows_need_attention',
        `${plural(counts.invalid, 'row needs', 'rows need')} attention before the job can run. Choose "Skip these rows" to score the others, or fix the file and load it again.`,
        { invalid: counts.invalid },
      );
    }
    const alongside = this.deps.alongside?.(jobId) ?? null;
    if (counts.pending === 0 && (alongside?.pending ?? 0) === 0) throw new AppError('nothing_to_send', 'Every row of this job already has an answer. Use "Retry failed rows" to send failed rows again.');
    const { profile, apiKey } = opts.account ?? (await this.deps.profileAndKey(job.profileId));
    const controller = new AbortController();
    opts.signal?.addEventListener('abort', () => controller.abort(opts.signal?.reason), { once: true });
    job = this.store.require(jobId);
    const done = runJob({ store: this.store, engine: this.deps.engine }, job, {
      profile,
      apiKey,
      signal: controller.signal,
      batchSize: settings.batchSize,
      source: opts.source ?? 'bulk',
      ...(opts.engineSettings ? { settings: opts.engineSettings } : {}),
      now: this.now,
      onProgress: (p) => this.deps.onProgress?.(p),
      ...(alongside ? { alongside: alongside.run } : {}),
    }).then(
      (end) => {
        this.running.delete(jobId);
        this.afterRun(jobId, end);
        return end;
      },
      (e: unknown) => {
        this.running.delete(jobId);
        const error = { code: 'job_failed', message: `The job stopped unexpectedly: ${e instanceof Error ? e.message : String(e)}. Resume it to carry on.` };
        this.store.setState(jobId, 'failed', error);
        return { state: 'failed', error: { ...error, httpStatus: null } } as RunEnd;
      },
    );
    this.running.set(jobId, { controller, done });
    return this.store.summary(this.store.require(jobId));
  }

  private afterRun(jobId: number, end: RunEnd): void {
    const job = this.store.get(jobId);
    if (!job || !this.deps.notify) return;
    const last = job.finishedAt !== null && job.startedAt !== null ? job.finishedAt - job.startedAt : 0;
    if (end.state === 'done' && Math.max(job.runMs, last) > NOTIFY_AFTER_MS) {
      const c = this.store.counts(jobId);
      const failed = c.failed > 0 ? `, ${plural(c.failed, 'row')} failed` : '';
      this.deps.notify('Spreadsheet scored', `${job.fileName}: ${plural(c.ok, 'row')} scored${failed}.`);
    } else if (end.state === 'failed' && job.runMs > NOTIFY_AFTER_MS) {
      this.deps.notify('Spreadsheet job stopped', `${job.fileName}: ${end.error.message}`);
    }
  }

  async resume(jobId: number): Promise<JobSummary> {
    return this.start(jobId);
  }

  async pause(jobId: number): Promise<JobSummary> {
    const r = this.running.get(jobId);
    if (!r) throw new AppError('job_not_running', 'This job is not running, so there is nothing to pause.');
    r.controller.abort('pause');
    await r.done;
    return this.summary(jobId);
  }

  async cancel(jobId: number): Promise<JobSummary> {
    const r = this.running.get(jobId);
    if (r) {
      r.controller.abort('cancel');
      await r.done;
    } else {
      const job = this.store.require(jobId);
      if (job.state === 'done' || job.state === 'cancelled') throw new AppError('job_finished', 'This job has already finished; there is nothing to cancel.');
      this.store.setState(jobId, 'cancelled');
    }
    return this.summary(jobId);
  }

  /**
   * Sends failed rows again: those that failed for a passing reason (rate limit, 5xx, time-out,
   * network), and those the server refused as invalid only when their mapping or values changed
   * since (the same input would fail again).
   */
  async retryFailed(jobId: number): Promise<JobSummary> {
    this.assertNotRunning(jobId);
    const job = this.store.require(jobId);
    const { plan, rows } = planRetry(this.store, job);
    const reset = this.store.resetFailedRows(jobId, rows);
    if (reset === 0 && this.store.counts(jobId).pending === 0) {
      throw new AppError('nothing_to_retry', job.counts.failed === 0 ? 'No rows of this job failed, so there is nothing to retry.' : plan.text);
    }
    if (job.state === 'cancelled') this.store.setState(jobId, 'paused');
    return this.start(jobId);
  }

  results(jobId: number, after: number | null | undefined, limit = RESULTS_PAGE, filter: 'all' | 'failed' = 'all'): { columns: string[]; resultFields: string[]; rows: ResultRow[]; next: number | null } {
    const job = this.store.require(jobId);
    const page = this.store.resultsPage(jobId, after ?? 0, limit + 1, filter === 'failed');
    const rows = page.slice(0, limit).map((r): ResultRow => {
      const values = new Array<unknown>(job.resultFields.length).fill(null);
      if (r.result) pickFlattened(JSON.parse(r.result) as Record<string, unknown>, job.resultFields, values, 0);
      const [status, error] = statusCells(r);
      return {
        rowNumber: r.row_number,
        cells: decodeCells(r.cells),
        values: values.map((v) => v ?? null),
        status: r.status,
        errorCode: r.status === 'ok' || r.status === 'pending' ? null : status,
        errorMessage: error === '' ? null : error,
        requestId: r.request_id,
      };
    });
    return { columns: job.columns, resultFields: job.resultFields, rows, next: page.length > limit ? (rows[rows.length - 1]?.rowNumber ?? null) : null };
  }

  chart(jobId: number, field?: string): ChartSummary {
    return chartSummary(this.store, this.store.require(jobId), field);
  }

  /** Writes the job's rows to `path`: as `choice` says, or (no choice: the command line) as the path's ending says. */
  async exportResults(jobId: number, path: string, onProgress?: (rows: number) => void, choice?: ExportChoice): Promise<JobExportSummary> {
    const job = this.store.require(jobId);
    return exportJob(this.store, job, path, onProgress, choice ? exportFormatFor(choice, job) : formatForPath(path));
  }

  /** Deletes a job that is not running: a running job is cancelled first, by the person. */
  async delete(jobId: number): Promise<boolean> {
    if (this.running.has(jobId)) {
      const name = this.store.get(jobId)?.fileName ?? 'This job';
      throw new AppError('job_running', `"${name}" is running, so it cannot be deleted. Cancel it first (its scored rows are kept until you delete it), then delete it.`);
    }
    return this.store.delete(jobId);
  }

  /** Waits for a running job to stop (tests, the CLI). */
  async settle(jobId: number): Promise<RunEnd | null> {
    const r = this.running.get(jobId);
    return r ? r.done : null;
  }

  isRunning(jobId: number): boolean {
    return this.running.has(jobId);
  }

  /** On quit: running jobs are paused (their answers so far are saved) and imports cancelled. */
  async close(): Promise<void> {
    for (const c of this.imports.values()) c.abort();
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort('pause');
    await Promise.all(all.map((r) => r.done));
  }

  private assertNotRunning(jobId: number): void {
    if (this.running.has(jobId)) throw new AppError('job_running', 'This job is running. Pause it first.');
  }
}
