import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { SavedModel } from '../../shared/domain/model';
import { modelLabel } from '../../shared/domain/model';
import type { Profile } from '../../shared/domain/profile';
import type { ComparisonListItem, ComparisonSummary, PairedRow as PairedRowView, SecondModelInfo } from '../../shared/ipc/compare';
import { AppError } from '../../shared/ipc/errors';
import type { Engine, EngineProfile, EngineSettings } from '../engine';
import { decodeCells } from '../jobs/cells';
import { jsonPath } from '../jobs/chart';
import { statusCells } from '../jobs/export';
import type { JobService } from '../jobs/service';
import type { JobRecord } from '../jobs/store';
import { pickFlattened } from '../sheets/csv-writer';
import type { HistoryWriter } from '../store/repositories';
import { EvaluationService } from '../evaluate/service';
import type { JobStore } from '../jobs/store';
import { exportComparison } from './export';
import { comparisonHtml } from './report';
import { runSecondModel } from './second-runner';
import { ComparisonStore, type ComparisonRecord, type SecondModel } from './store';
import { chooseField, comparisonSummary, fieldKind, sidePrefixes } from './summary';

export interface CompareServiceDeps {
  db: Database;
  jobs: JobService;
  engine: Engine;
  history: HistoryWriter | null;
  profileAndKey(profileId: string): Promise<{ profile: Profile; apiKey: string }>;
  getProfile(profileId: string): Profile | undefined;
  getModel(modelId: string): SavedModel | undefined;
  /** The job's evaluation on its known outcome (main/evaluate), for both models' figures side by side. */
  evaluations?: EvaluationService;
  now?: () => number;
}

/** The account a run of the second model uses when it is not a saved profile (the CLI's flags). */
export interface RunAccount {
  profile: EngineProfile & { name: string };
  apiKey: string;
  settings?: Partial<EngineSettings>;
}

const ROWS_PAGE = 200;

/** Comparisons of two models on one job: choosing the second model, running it beside the job, figures, rows, export, list. */
export class CompareService {
  readonly store: ComparisonStore;
  private readonly accounts = new Map<number, RunAccount>();

  constructor(private readonly deps: CompareServiceDeps) {
    this.store = new ComparisonStore(deps.db, deps.now ?? Date.now, deps.history);
  }

  /** Chooses a saved model as the second model of a job that has not sent anything yet. */
  setSecond(jobId: number, modelId: string, profileId?: string): SecondModelInfo {
    const job = this.deps.jobs.store.require(jobId);
    const profile = this.deps.getProfile(profileId ?? job.profileId);
    if (!profile) throw new AppError('account_not_found', 'The account chosen for the comparison no longer exists. Choose another account.');
    const model = this.deps.getModel(modelId);
    if (!model || model.profileId !== profile.id) throw new AppError('model_not_found', 'The model chosen to compare with is not saved in this account. Add it under Predict first.');
    if (profile.id === job.profileId && JSON.stringify(model.ref) === JSON.stringify(job.modelRef)) {
      throw new AppError('same_model', `This job already uses ${job.modelLabel}. Choose another model or version to compare it with.`);
    }
    // Two versions saved under one display name are told apart by their Plexe name and version.
    const label = model.displayName && model.displayName !== job.modelLabel ? model.displayName : modelLabel(model.ref);
    this.attach(jobId, { profileId: profile.id, profileName: profile.name, modelId: model.id, modelRef: model.ref, modelLabel: label });
    return this.second(jobId)!;
  }

  /** Makes `second` the job's second model; refused once either model has answered a row. */
  attach(jobId: number, second: SecondModel): void {
    const job = this.deps.jobs.store.require(jobId);
    const existing = this.store.get(jobId);
    if (job.counts.ok + job.counts.failed > 0 || (existing && existing.ok + existing.failed > 0)) {
      throw new AppError('comparison_locked', 'This job has already sent rows, so the model it is compared with can no longer change. Load the file again to compare with another model.');
    }
    this.store.attach(jobId, second);
  }

  clearSecond(jobId: number): boolean {
    const c = this.store.get(jobId);
    if (!c) return false;
    if (this.deps.jobs.isRunning(jobId)) throw new AppError('job_running', 'This job is running. Pause it first.');
    this.store.detach(jobId);
    return true;
  }

  second(jobId: number): SecondModelInfo | null {
    const c = this.store.get(jobId);
    return c ? { jobId, profileId: c.profileId, profileName: c.profileName, modelId: c.modelId, modelLabel: c.modelLabel } : null;
  }

  /** The second model of this job sends with this account (the CLI's flags) instead of its saved profile's key. */
  useAccount(jobId: number, account: RunAccount): void {
    this.accounts.set(jobId, account);
  }

  /**
   * What JobService runs beside the job on every start (JobServiceDeps.alongside): the second model
   * over the rows it has not answered. Second answers that failed for a passing reason are sent again.
   */
  alongside(jobId: number): { pending: number; run: (signal: AbortSignal) => Promise<void> } | null {
    const comparison = this.store.get(jobId);
    if (!comparison) return null;
    this.store.resetFailed(jobId, true);
    const pending = this.store.pendingCount(jobId);
    return {
      pending,
      run: async (signal) => {
        const job = this.deps.jobs.store.require(jobId);
        const current = this.store.get(jobId) ?? comparison;
        const account = this.accounts.get(jobId) ?? (await this.deps.profileAndKey(current.profileId));
        await runSecondModel({ jobs: this.deps.jobs.store, comparisons: this.store, engine: this.deps.engine }, job, current, {
          profile: account.profile,
          apiKey: account.apiKey,
          signal,
          batchSize: job.settings.batchSize,
          source: job.source === 'cli' ? 'cli' : 'bulk',
          ...('settings' in account && account.settings ? { settings: account.settings } : {}),
          ...(this.deps.now ? { now: this.deps.now } : {}),
        });
      },
    };
  }

  private require(jobId: number): { job: JobRecord; comparison: ComparisonRecord } {
    const job = this.deps.jobs.store.require(jobId);
    const comparison = this.store.get(jobId);
    if (!comparison) throw new AppError('comparison_not_found', `Job ${jobId} (${job.fileName}) is not a comparison: it was scored with one model only.`, { jobId });
    return { job, comparison };
  }

  summary(jobId: number, field?: string): ComparisonSummary {
    const { job, comparison } = this.require(jobId);
    return { ...comparisonSummary(this.store, job, comparison, field), outcome: this.outcomeFigures(job, comparison) };
  }

  /**
   * With a known outcome marked: the evaluation of each model, computed by the same EvaluationService
   * — the second one over a view of the job whose answers are the second model's (its model card's
   * figures are not known here, so none are set beside them). Null without an outcome.
   */
  private outcomeFigures(job: JobRecord, comparison: ComparisonRecord): ComparisonSummary['outcome'] {
    const evaluations = this.deps.evaluations;
    if (!evaluations || !job.outcome) return null;
    const jobs = this.deps.jobs.store;
    const asSecond = Object.create(jobs) as JobStore;
    asSecond.require = (id) => {
      const j = jobs.require(id);
      return { ...j, modelLabel: comparison.modelLabel, modelRef: comparison.modelRef, resultFields: comparison.resultFields, outcome: j.outcome ? { ...j.outcome, modelFigures: null } : j.outcome };
    };
    asSecond.evaluationPage = (id, after, limit, valuePath, confidencePath) => this.store.evaluationPage(id, after, limit, valuePath, confidencePath);
    asSecond.setEvaluationHeadline = () => {};
    const second = new EvaluationService({ store: asSecond, getModel: this.deps.getModel, ...(this.deps.now ? { now: this.deps.now } : {}) });
    return { first: evaluations.evaluate(job.id), second: second.evaluate(job.id) };
  }

  rows(jobId: number, after: number | null | undefined, limit = ROWS_PAGE, filter: 'all' | 'changed' = 'all', field?: string) {
    const { job, comparison } = this.require(jobId);
    const [firstPrefix, secondPrefix] = sidePrefixes(job.modelRef, comparison.modelRef);
    const chosen = chooseField(job, comparison, field);
    const path = chosen === null ? null : jsonPath(chosen);
    const numeric = path !== null && fieldKind(this.store, jobId, path) === 'numbers';
    const fields = [...new Set([...job.resultFields, ...comparison.resultFields])];
    if (filter === 'changed' && path === null) return { columns: job.columns, fields, field: chosen, firstPrefix, secondPrefix, rows: [], next: null };
    const page = this.store.pairedPage(jobId, after ?? 0, limit + 1, filter === 'changed' ? path : null);
    const at = chosen === null ? -1 : fields.indexOf(chosen);
    const rows = page.slice(0, limit).map((r): PairedRowView => {
      const first = new Array<unknown>(fields.length).fill(null);
      const second = new Array<unknown>(fields.length).fill(null);
      if (r.result) pickFlattened(JSON.parse(r.result) as Record<string, unknown>, fields, first, 0);
      if (r.b_result) pickFlattened(JSON.parse(r.b_result) as Record<string, unknown>, fields, second, 0);
      const a = at >= 0 ? (first[at] ?? null) : null;
      const b = at >= 0 ? (second[at] ?? null) : null;
      const both = r.status === 'ok' && r.b_status === 'ok';
      const [, error] = statusCells(r);
      return {
        rowNumber: r.row_number,
        cells: decodeCells(r.cells),
        first: first.map((v) => v ?? null),
        second: second.map((v) => v ?? null),
        firstStatus: r.status,
        secondStatus: r.b_status,
        firstError: error === '' ? null : error,
        secondError: r.b_status === 'failed' ? (r.b_error_message ?? r.b_error_code) : null,
        changed: both && JSON.stringify(a) !== JSON.stringify(b),
        difference: both && numeric && typeof a === 'number' && typeof b === 'number' ? b - a : null,
      };
    });
    return { columns: job.columns, fields, field: chosen, firstPrefix, secondPrefix, rows, next: page.length > limit ? (rows[rows.length - 1]?.rowNumber ?? null) : null };
  }

  /** Both result sets as CSV or .xlsx; a path ending .html gets the one-page report instead. */
  async exportResults(jobId: number, path: string): Promise<{ path: string; rows: number; bytes: number }> {
    const { job, comparison } = this.require(jobId);
    if (extname(path).toLowerCase() === '.html') {
      const s = this.summary(jobId);
      const html = comparisonHtml(s, this.deps.now ? new Date(this.deps.now()) : new Date());
      try {
        await writeFile(path, html, 'utf8');
      } catch (e) {
        throw new AppError('export_failed', `The comparison report could not be saved to ${path}: ${(e as Error).message}. Choose a folder you can write to and check there is room on the disk.`, { path });
      }
      return { path, rows: s.rows.both, bytes: Buffer.byteLength(html) };
    }
    return exportComparison(this.store, job, comparison, path);
  }

  /** Every saved comparison with its one-line title, newest first (read from the database only). */
  list(): ComparisonListItem[] {
    const items: ComparisonListItem[] = [];
    for (const c of this.store.list()) {
      const job = this.deps.jobs.store.get(c.jobId);
      if (!job) continue;
      const s = comparisonSummary(this.store, job, c);
      items.push({ jobId: c.jobId, title: s.title, fileName: job.fileName, firstLabel: s.firstLabel, secondLabel: s.secondLabel, state: job.state, createdAt: new Date(c.createdAt).toISOString() });
    }
    return items;
  }
}
