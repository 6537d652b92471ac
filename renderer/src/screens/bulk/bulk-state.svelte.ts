import type { SavedModel } from '../../../../shared/domain/model';
import type { ChartSummary, CheckSummary, ExportOption, FieldMapping, JobDetail, JobEstimate, JobProgress, JobSummary, ResultRow, RowProblem } from '../../../../shared/ipc/jobs';
import { errorMessage, newCallId, plexe, unwrap } from '../../lib/api';
import { session } from '../../lib/session.svelte';
import { pushPoint } from './bulk-view';

export type Preview = {
  columns: string[];
  rows: string[][];
  notices: { kind: string; message: string }[];
  renamedColumns: { original: string; name: string }[];
  truncated: boolean;
};
export type Step = 'choose' | 'map' | 'run' | 'results';

/**
 * The Spreadsheet screen's state and every IPC call it makes. One instance lives for the whole
 * session, so leaving the screen and coming back returns to the same job, and the top bar can show
 * the running job from any screen. Progress events are followed from the start, whichever screen
 * is shown.
 */
export class BulkState {
  models = $state<SavedModel[]>([]);
  modelId = $state('');
  error = $state<string | null>(null);
  busy = $state(false);

  // Choose: the file.
  file = $state<{ path: string; name: string; size: number } | null>(null);
  sheets = $state<string[]>([]);
  sheet = $state('');
  preview = $state.raw<Preview | null>(null);
  importing = $state<{ importId: string; rows: number; fraction: number } | null>(null);

  // Map: the job and its check.
  job = $state<JobDetail | null>(null);
  mapping = $state<FieldMapping>({});
  check = $state<CheckSummary | null>(null);
  problems = $state.raw<{ rowNumber: number; problems: RowProblem[] }[]>([]);
  problemsNext = $state<number | null>(null);
  skipProblems = $state(false);
  batchSize = $state(50);
  estimate = $state<JobEstimate | null>(null);

  // Run.
  progress = $state<JobProgress | null>(null);
  series = $state.raw<{ t: number; v: number }[]>([]);
  /** The newest progress of any running job, for the top bar. */
  live = $state<JobProgress | null>(null);

  // Results.
  filter = $state<'all' | 'failed'>('all');
  results = $state.raw<ResultRow[]>([]);
  resultFields = $state.raw<string[]>([]);
  resultsNext = $state<number | null>(null);
  chart = $state.raw<ChartSummary | null>(null);
  saved = $state<{ path: string; rows: number; notices: string[] } | null>(null);
  /** Rows written so far by the export under way. */
  exporting = $state<{ rows: number; total: number | null } | null>(null);
  private loadingResults = false;
  /** Bumped by each load, so an answer to a superseded load (another filter, another job) is dropped. */
  private resultsGeneration = 0;

  resumable = $state.raw<JobSummary[]>([]);
  recent = $state.raw<JobSummary[]>([]);

  private started = false;

  readonly running = $derived(this.progress?.state === 'running' || this.job?.state === 'running');
  readonly counts = $derived(this.progress?.counts ?? this.job?.counts ?? null);
  readonly answered = $derived(this.counts !== null && this.counts.ok + this.counts.failed > 0);
  readonly step = $derived<Step>(
    this.job === null ? 'choose' : this.job.state === 'done' || this.job.state === 'cancelled' ? 'results' : this.running || this.answered ? 'run' : 'map',
  );
  readonly liveName = $derived.by(() => {
    const id = this.live?.jobId;
    if (id === undefined) return '';
    return (this.job?.id === id ? this.job.fileName : this.recent.find((j) => j.id === id)?.fileName) ?? 'Spreadsheet job';
  });
  readonly canStart = $derived(!this.busy && !(this.check !== null && this.check.needAttention > 0 && !this.skipProblems));

  /** Follows job progress from now on and finds a job that is already running. Called once by the app shell. */
  start(): void {
    if (this.started) return;
    this.started = true;
    session.fileHandler = (path) => void this.takePath(path);
    plexe.on.jobProgress((p) => this.onProgress(p));
    plexe.on.importProgress((p) => {
      if (this.importing && p.importId === this.importing.importId) this.importing = { ...this.importing, rows: p.rows, fraction: p.totalBytes > 0 ? p.bytes / p.totalBytes : 0 };
    });
    void this.refreshLists().then(() => {
      const running = this.recent.find((j) => j.state === 'running');
      if (running && !this.job) void this.open(running.id);
    });
  }

  private onProgress(p: JobProgress): void {
    this.live = p.state === 'running' ? p : this.live?.jobId === p.jobId ? null : this.live;
    if (this.job && p.jobId === this.job.id) {
      this.progress = p;
      this.series = pushPoint(this.series, { t: Date.now(), v: p.rowsPerMinute });
      if (p.state !== 'running') void this.reloadJob(true);
    } else if (p.state !== 'running') {
      void this.refreshLists();
    }
  }

  async loadModels(profileId: string): Promise<void> {
    try {
      this.models = (await unwrap(plexe.models.listSaved({ profileId }))).filter((m) => m.schema.fields.length > 0);
      if (!this.models.some((m) => m.id === this.modelId)) this.modelId = this.models[0]?.id ?? '';
    } catch (e) {
      this.error = `The models of this account could not be loaded: ${errorMessage(e)}`;
    }
  }

  async refreshLists(): Promise<void> {
    try {
      [this.resumable, this.recent] = await Promise.all([unwrap(plexe.jobs.listResumable()), unwrap(plexe.jobs.listJobs())]);
    } catch (e) {
      this.error = `The list of spreadsheet jobs could not be loaded: ${errorMessage(e)}`;
    }
  }

  /** A file picked, dropped or opened with the app: its sheets and a preview of its first rows. */
  async takeFile(picked: File | { path: string; name: string; size: number } | undefined): Promise<void> {
    if (!picked) return;
    this.error = null;
    this.job = null;
    this.preview = null;
    try {
      this.file = picked instanceof File ? await unwrap(plexe.files.register(picked)) : picked;
      this.sheets = (await unwrap(plexe.jobs.listSheets({ path: this.file.path }))).sheets;
      this.sheet = this.sheets[0] ?? '';
      await this.loadPreview();
    } catch (e) {
      this.file = null;
      this.error = errorMessage(e);
    }
  }

  /** A path the OS handed over ("Open with Plexe Desktop"). */
  takePath(path: string): Promise<void> {
    return this.takeFile({ path, name: path.split(/[\\/]/).pop() ?? path, size: 0 });
  }

  async loadPreview(): Promise<void> {
    if (!this.file) return;
    try {
      this.preview = await unwrap(plexe.jobs.previewFile({ path: this.file.path, rows: 50, ...(this.sheet ? { sheet: this.sheet } : {}) }));
    } catch (e) {
      this.preview = null;
      this.error = errorMessage(e);
    }
  }

  async importFile(profileId: string): Promise<void> {
    if (!this.file || !this.modelId) return;
    this.error = null;
    const importId = newCallId('import');
    this.importing = { importId, rows: 0, fraction: 0 };
    try {
      const created = await unwrap(plexe.jobs.createJob({ importId, path: this.file.path, profileId, modelId: this.modelId, ...(this.sheet ? { sheet: this.sheet } : {}) }));
      await this.show(created);
      await this.runCheck();
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.importing = null;
      void this.refreshLists();
    }
  }

  async cancelImport(): Promise<void> {
    if (this.importing) await unwrap(plexe.jobs.cancelImport({ importId: this.importing.importId }));
  }

  private async show(detail: JobDetail): Promise<void> {
    this.job = detail;
    this.mapping = { ...(detail.mapping ?? {}) };
    this.skipProblems = detail.settings.skipProblemRows;
    this.batchSize = detail.settings.batchSize;
    this.progress = null;
    this.series = [];
    this.check = null;
    this.saved = null;
    this.results = [];
    this.resultsNext = null;
    if (detail.state !== 'ready') await this.loadResults(true);
    await this.loadEstimate();
  }

  async open(jobId: number): Promise<void> {
    this.error = null;
    if (this.job?.id === jobId) return;
    try {
      await this.show(await unwrap(plexe.jobs.getJob({ jobId })));
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** Back to the file step; the job itself keeps running (the top bar shows it). */
  close(): void {
    this.job = null;
    this.file = null;
    this.preview = null;
    this.sheets = [];
    this.progress = null;
    this.series = [];
    void this.refreshLists();
  }

  private async reloadJob(withResults = false): Promise<void> {
    if (!this.job) return;
    this.job = await unwrap(plexe.jobs.getJob({ jobId: this.job.id }));
    if (withResults) await this.loadResults(true);
    void this.refreshLists();
  }

  async runCheck(): Promise<void> {
    const job = this.job;
    if (!job) return;
    this.busy = true;
    try {
      this.check = job.fields ? await unwrap(plexe.jobs.setMapping({ jobId: job.id, mapping: this.mapping })) : await unwrap(plexe.jobs.checkJob({ jobId: job.id }));
      const page = await unwrap(plexe.jobs.listProblems({ jobId: job.id, limit: 50 }));
      this.problems = page.rows;
      this.problemsNext = page.next;
      await this.reloadJob();
      await this.loadEstimate();
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.busy = false;
    }
  }

  async moreProblems(): Promise<void> {
    if (!this.job || this.problemsNext === null) return;
    const page = await unwrap(plexe.jobs.listProblems({ jobId: this.job.id, after: this.problemsNext, limit: 100 }));
    this.problems = [...this.problems, ...page.rows];
    this.problemsNext = page.next;
  }

  async loadEstimate(): Promise<void> {
    if (!this.job) return;
    try {
      this.estimate = await unwrap(plexe.jobs.estimateJob({ jobId: this.job.id, batchSize: this.batchSize }));
    } catch {
      this.estimate = null;
    }
  }

  private async act(fn: (job: JobDetail) => Promise<JobSummary | void>): Promise<void> {
    const job = this.job;
    if (!job) return;
    this.error = null;
    this.busy = true;
    try {
      const summary = await fn(job);
      if (summary && this.job?.id === summary.id) this.job = { ...this.job, ...summary };
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.busy = false;
    }
  }

  readonly startJob = () =>
    this.act((job) => {
      this.series = [];
      this.saved = null;
      return unwrap(plexe.jobs.startJob({ jobId: job.id, skipProblemRows: this.skipProblems, batchSize: this.batchSize }));
    });
  readonly pause = () => this.act((job) => unwrap(plexe.jobs.pauseJob({ jobId: job.id })));
  readonly resume = () => this.act((job) => unwrap(plexe.jobs.resumeJob({ jobId: job.id })));
  readonly cancel = () => this.act((job) => unwrap(plexe.jobs.cancelJob({ jobId: job.id })));
  readonly retryFailed = () =>
    this.act((job) => {
      this.series = [];
      return unwrap(plexe.jobs.retryFailed({ jobId: job.id }));
    });

  /** Loads the first page (reset: for the current filter, superseding any load under way) or the next one. */
  async loadResults(reset = false): Promise<void> {
    const job = this.job;
    if (!job || (!reset && this.loadingResults)) return;
    const mine = ++this.resultsGeneration;
    this.loadingResults = true;
    try {
      const filter = this.filter;
      const page = await unwrap(plexe.jobs.listResults({ jobId: job.id, filter, limit: 200, after: reset ? null : this.resultsNext }));
      if (mine !== this.resultsGeneration) return;
      this.resultFields = page.resultFields;
      this.results = reset ? page.rows : [...this.results, ...page.rows];
      this.resultsNext = page.next;
      if (reset) {
        const chart = await unwrap(plexe.jobs.chartSummary({ jobId: job.id }));
        if (mine === this.resultsGeneration) this.chart = chart;
      }
    } catch (e) {
      if (mine === this.resultsGeneration) this.error = errorMessage(e);
    } finally {
      if (mine === this.resultsGeneration) this.loadingResults = false;
    }
  }

  setFilter(filter: 'all' | 'failed'): void {
    this.filter = filter;
    void this.loadResults(true);
  }

  /** Asks where to save (the dialog's file type follows the format), then writes the results with progress. */
  readonly exportResults = (option: ExportOption) =>
    this.act(async (job) => {
      const base = job.fileName.replace(/\.[^.]+$/, '');
      const { path } = await unwrap(plexe.app.chooseSavePath({ suggestedName: `${base} - predictions${option.extension}`, kind: option.extension.slice(1) as 'csv' | 'tsv' | 'xlsx' }));
      if (!path) return;
      const exportId = newCallId('export');
      this.exporting = { rows: 0, total: job.counts.total };
      const stop = plexe.on.exportProgress((p) => {
        if (p.exportId === exportId) this.exporting = { rows: p.rows, total: p.total };
      });
      try {
        const r = await unwrap(plexe.jobs.exportResults({ jobId: job.id, path, format: option.choice, exportId }));
        this.saved = { path: r.path, rows: r.rows, notices: r.notices };
      } finally {
        stop();
        this.exporting = null;
      }
    });

  /** Deletes a job that is not running (a running job is cancelled first, by the person). */
  async deleteJob(id: number): Promise<void> {
    const summary = this.recent.find((j) => j.id === id);
    if (summary?.state === 'running' || this.live?.jobId === id) {
      this.error = `"${summary?.fileName ?? 'This job'}" is running. Open it and cancel it first, then delete it.`;
      return;
    }
    this.error = null;
    try {
      await unwrap(plexe.jobs.deleteJob({ jobId: id }));
      if (this.job?.id === id) this.job = null;
      await this.refreshLists();
    } catch (e) {
      this.error = errorMessage(e);
    }
  }
}

export const bulk = new BulkState();
