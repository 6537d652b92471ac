import type { NewPrediction } from '../../shared/domain/prediction';
import type { JobCounts, JobProgress } from '../../shared/ipc/jobs';
import type { Engine, EngineProfile, EngineSettings, RowOutcome, ScoreRow } from '../engine';
import { isPlexeError } from '../plexe/errors';
import { OutcomeBuffer } from './outcome-buffer';
import { RateMeter, Throttle } from './progress';
import { createJobRowMapper } from './row-input';
import { identifyingColumns, rowLabeller } from './row-label';
import type { JobRecord, JobStore, RowOutcomeWrite } from './store';

/**
 * Runs a job's pending rows through the engine and writes every answer back.
 *
 * Durability: rows are read from SQLite in keyset pages of pending rows (never all at once), and
 * answers are written back in batched transactions — every FLUSH_ROWS answers or FLUSH_MS
 * milliseconds, whichever comes first (outcome-buffer.ts) — together with their history entries. A row that has an
 * answer in the database is never read by a run again, so never sent again. What a crash can cost:
 * rows sent whose answers were not yet committed (at most FLUSH_MS worth of answers, plus the
 * requests in flight) are still `pending` and are sent once more on resume. No row is ever written
 * twice: the write only changes rows that are still pending.
 */

const PAGE_ROWS = 500;
const PROGRESS_MS = 250;
/** A finished job that ran longer than this (a minute) gets an OS notification. */
export const NOTIFY_AFTER_MS = 60_000;

export type RunEnd =
  | { state: 'done' }
  /** `error` when the job paused itself (Plexe asked to come back later than the engine waits). */
  | { state: 'paused'; error?: { code: string; message: string; httpStatus: number | null } }
  | { state: 'cancelled' }
  | { state: 'failed'; error: { code: string; message: string; httpStatus: number | null } };

export interface RunJobOptions {
  profile: EngineProfile & { name: string };
  apiKey: string;
  /** Abort with reason 'pause' or 'cancel'. */
  signal?: AbortSignal;
  batchSize?: number;
  settings?: Partial<EngineSettings>;
  source?: 'bulk' | 'cli';
  onProgress?: (p: JobProgress) => void;
  now?: () => number;
  /**
   * Work that runs beside the job's rows and ends with the run (a comparison's second model): it
   * gets a signal that aborts with the run, and if it fails the run stops with its error.
   */
  alongside?: (signal: AbortSignal) => Promise<void>;
}

export interface RunJobDeps {
  store: JobStore;
  engine: Engine;
}

function modelNames(job: JobRecord): { modelName: string; modelVersion: string } {
  return job.modelRef.kind === 'model' ? { modelName: job.modelRef.name, modelVersion: job.modelRef.version } : { modelName: job.modelRef.deploymentId, modelVersion: 'deployment' };
}

/** What a row's answer from the engine is stored as, by the job's run and by a comparison's second run. */
export function answerOf(o: RowOutcome) {
  const e = o.error;
  return {
    rowNumber: o.id,
    status: o.ok ? ('ok' as const) : ('failed' as const),
    result: o.ok ? (o.result ?? {}) : null,
    errorCode: e?.code ?? null,
    errorMessage: e ? [e.message, e.action].filter(Boolean).join(' ') : null,
    retryable: e?.retryable ?? false,
    httpStatus: e?.httpStatus ?? null,
    requestId: o.requestId,
    // A row answered from an earlier attempt's stored answer made no request of its own.
    attempts: o.reused ? 0 : o.attempts,
    roundTripMs: o.reused ? null : o.roundTripMs,
    processingTimeMs: o.processingTimeMs,
  };
}

/** What the history keeps of one answer of a run: the job's own, or a comparison's second model's. */
export function historyEntry(
  a: Omit<ReturnType<typeof answerOf>, 'status' | 'retryable'> & { status: string; input: Record<string, unknown> | null; errorDetails: unknown },
  run: { createdAt: string; profile: { id: string; name: string }; modelName: string; modelVersion: string; source: NewPrediction['source']; jobId: number; rowLabel: Record<string, string> | null },
): NewPrediction {
  return {
    createdAt: run.createdAt,
    profileId: run.profile.id,
    profileName: run.profile.name,
    modelName: run.modelName,
    modelVersion: run.modelVersion,
    source: run.source,
    input: a.input ?? {},
    result: a.result,
    status: a.status === 'ok' ? 'ok' : (a.errorCode ?? 'failed'),
    errorMessage: a.errorMessage,
    errorDetails: a.errorDetails ?? null,
    httpStatus: a.httpStatus,
    requestId: a.requestId,
    roundTripMs: a.roundTripMs,
    processingTimeMs: a.processingTimeMs,
    attempts: a.attempts,
    jobId: String(run.jobId),
    rowNumber: a.rowNumber,
    rowLabel: run.rowLabel,
  };
}

export async function runJob(deps: RunJobDeps, job: JobRecord, opts: RunJobOptions): Promise<RunEnd> {
  const { store, engine } = deps;
  const now = opts.now ?? Date.now;
  const started = now();
  // Built as the check builds it (number formats decided on the job's first rows), so both read rows alike.
  const mapper = createJobRowMapper(store, job);
  const names = modelNames(job);
  const source = opts.source ?? 'bulk';

  const counts: JobCounts = store.counts(job.id);
  const meter = new RateMeter(now);

  const inputs = new Map<number, Record<string, unknown>>();
  // Each history entry keeps its row's identifying columns (e.g. customer id and name).
  const labelOf = rowLabeller(job.columns, identifyingColumns(job));
  const labels = new Map<number, Record<string, string>>();
  const answers = new OutcomeBuffer<RowOutcomeWrite>(job.resultFields, (writes, history, newResultFields) => store.writeOutcomes(job.id, writes, { history, newResultFields }));

  const progress = (state: JobProgress['state'], error: JobProgress['error'] = null): JobProgress => ({
    jobId: job.id,
    state,
    counts: { ...counts },
    rowsPerMinute: Math.round(meter.perMinute()),
    requestsPerMinute: engine.currentRate(opts.profile.id)?.rpm ?? null,
    serverRatePerSecond: engine.currentRate(opts.profile.id)?.learnedPerSecond ?? null,
    etaSeconds: state === 'running' ? meter.etaSeconds(counts.pending) : null,
    elapsedMs: now() - started,
    error,
  });
  const throttle = new Throttle(now, PROGRESS_MS, () => opts.onProgress?.(progress('running')));

  const record = (w: RowOutcomeWrite) => {
    counts.pending--;
    counts[w.status]++;
    meter.add();
    const answered = w.status === 'ok' || w.status === 'failed';
    answers.add(w, answered ? historyEntry(w, { createdAt: new Date(now()).toISOString(), profile: opts.profile, ...names, source, jobId: job.id, rowLabel: labels.get(w.rowNumber) ?? null }) : null);
    throttle.poke();
  };

  async function* pending(): AsyncGenerator<ScoreRow> {
    let after = 0;
    for (;;) {
      answers.check();
      const page = store.pendingRows(job.id, after, PAGE_ROWS);
      if (page.length === 0) return;
      after = page[page.length - 1]!.rowNumber;
      for (const row of page) {
        const r = mapper.toInput(row.cells);
        if (!r.ok) {
          // The file or mapping changed since the check: record the problem instead of sending.
          record({
            rowNumber: row.rowNumber, input: null, ok: false, status: 'invalid', result: null, errorCode: 'invalid_input',
            errorMessage: r.problems.map((p) => p.message).join(' '), errorDetails: null, retryable: false, httpStatus: null,
            requestId: null, attempts: 0, roundTripMs: null, processingTimeMs: null, problems: r.problems,
          });
          continue;
        }
        inputs.set(row.rowNumber, r.input);
        const label = labelOf(row.cells);
        if (label !== null) labels.set(row.rowNumber, label);
        yield { id: row.rowNumber, input: r.input };
      }
    }
  }

  const onOutcome = (o: RowOutcome) => {
    answers.check();
    const input = inputs.get(o.id) ?? null;
    inputs.delete(o.id);
    record({ ...answerOf(o), input, ok: o.ok, errorDetails: o.error?.details ?? null });
    labels.delete(o.id);
  };

  store.markStarted(job.id);
  opts.onProgress?.(progress('running'));
  let end: RunEnd;
  try {
    const both = opts.alongside ? new AbortController() : null;
    if (both) opts.signal?.addEventListener('abort', () => both.abort(opts.signal?.reason), { once: true });
    const signal = both?.signal ?? opts.signal;
    const scoring = engine.scoreRows(opts.profile, opts.apiKey, job.modelRef, pending(), {
      ...(signal ? { signal } : {}),
      ...(opts.batchSize ? { batchSize: opts.batchSize } : { batchSize: job.settings.batchSize }),
      ...(opts.settings ? { settings: opts.settings } : {}),
      onOutcome,
    });
    if (both && opts.alongside) await together(scoring, opts.alongside(both.signal), both);
    else await scoring;
    answers.flush();
    answers.check();
    end = { state: 'done' };
  } catch (e) {
    let flushError: unknown = null;
    try {
      answers.flush();
    } catch (fe) {
      flushError = fe;
    }
    const reason: unknown = opts.signal?.aborted ? opts.signal.reason : undefined;
    if (flushError) end = { state: 'failed', error: { code: 'database_write_failed', message: `The answers could not be saved: ${errorText(flushError)}. The job was stopped; resume it once the disk has room.`, httpStatus: null } };
    else if (reason === 'cancel') end = { state: 'cancelled' };
    else if (reason === 'pause' || (opts.signal?.aborted && reason !== 'cancel')) end = { state: 'paused' };
    else if (isPlexeError(e) && e.info.code === 'come_back_later') end = { state: 'paused', error: { code: e.info.code, message: [e.info.message, e.info.action].filter(Boolean).join(' '), httpStatus: e.info.httpStatus } };
    else if (isPlexeError(e)) end = { state: 'failed', error: { code: e.info.code, message: [e.info.message, e.info.action].filter(Boolean).join(' '), httpStatus: e.info.httpStatus } };
    else end = { state: 'failed', error: { code: 'job_failed', message: `The job stopped: ${errorText(answers.error ?? e)}. Resume it to carry on where it stopped.`, httpStatus: null } };
  } finally {
    answers.stop();
  }

  const elapsed = now() - started;
  store.addRunTime(job.id, elapsed);
  const endError = end.state === 'failed' || end.state === 'paused' ? (end.error ?? null) : null;
  if (endError) store.setState(job.id, end.state, { code: endError.code, message: endError.message });
  else store.setState(job.id, end.state);
  const finalCounts = store.counts(job.id);
  Object.assign(counts, finalCounts);
  opts.onProgress?.(progress(end.state, endError ? { code: endError.code, message: endError.message } : null));
  return end;
}

/** Waits for both; the first to fail stops the other, and its error is the one thrown once both have stopped. */
async function together(a: Promise<unknown>, b: Promise<unknown>, stop: AbortController): Promise<void> {
  let first: { error: unknown } | null = null;
  const watch = (p: Promise<unknown>) =>
    p.catch((e: unknown) => {
      first ??= { error: e };
      if (!stop.signal.aborted) stop.abort('failed');
    });
  await Promise.all([watch(a), watch(b)]);
  if (first) throw (first as { error: unknown }).error;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
