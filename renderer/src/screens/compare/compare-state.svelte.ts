import type { ComparisonListItem, ComparisonSummary, PairedRow, SecondModelInfo } from '../../../../shared/ipc/compare';
import { errorMessage, plexe, unwrap } from '../../lib/api';

/**
 * The comparison of the job open on the Spreadsheet screen (its second model, figures, rows,
 * export) and the list of saved comparisons shown in History. Everything is read from the
 * database through `compare:*`, so a comparison re-opens without the network.
 */
export class CompareState {
  jobId = $state<number | null>(null);
  second = $state<SecondModelInfo | null>(null);
  summary = $state.raw<ComparisonSummary | null>(null);
  filter = $state<'all' | 'changed'>('all');
  rows = $state.raw<PairedRow[]>([]);
  fields = $state.raw<string[]>([]);
  columns = $state.raw<string[]>([]);
  next = $state<number | null>(null);
  saved = $state<{ path: string; rows: number; report: boolean } | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  list = $state.raw<ComparisonListItem[]>([]);
  /** Bumped by each load, so the answer to a superseded load (another job, another filter) is dropped. */
  private generation = 0;

  /** Follows the job shown on the Spreadsheet screen: its second model, if any. */
  async follow(jobId: number | null): Promise<void> {
    if (jobId === this.jobId) return;
    this.jobId = jobId;
    this.second = null;
    this.summary = null;
    this.rows = [];
    this.next = null;
    this.saved = null;
    this.error = null;
    this.filter = 'all';
    if (jobId === null) return;
    try {
      const second = await unwrap(plexe.compare.getSecond({ jobId }));
      if (this.jobId === jobId) this.second = second;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** Chooses the model to compare with ('' = none) before the job starts. */
  async choose(modelId: string): Promise<void> {
    const jobId = this.jobId;
    if (jobId === null) return;
    this.error = null;
    try {
      if (modelId === '') {
        await unwrap(plexe.compare.clearSecond({ jobId }));
        this.second = null;
      } else {
        this.second = await unwrap(plexe.compare.setSecond({ jobId, modelId }));
      }
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** The figures and the first page of rows (reset), or the next page. */
  async load(reset = true): Promise<void> {
    const jobId = this.jobId;
    if (jobId === null || !this.second) return;
    const mine = ++this.generation;
    try {
      if (reset) {
        const summary = await unwrap(plexe.compare.getSummary({ jobId }));
        if (mine !== this.generation) return;
        this.summary = summary;
      }
      const page = await unwrap(plexe.compare.listRows({ jobId, filter: this.filter, limit: 200, after: reset ? null : this.next }));
      if (mine !== this.generation) return;
      this.fields = page.fields;
      this.columns = page.columns;
      this.rows = reset ? page.rows : [...this.rows, ...page.rows];
      this.next = page.next;
    } catch (e) {
      if (mine === this.generation) this.error = errorMessage(e);
    }
  }

  setFilter(filter: 'all' | 'changed'): void {
    this.filter = filter;
    void this.load(true);
  }

  /** Both result sets and the difference, as CSV or as an Excel workbook, or the one-page HTML report. */
  async exportAs(format: 'csv' | 'xlsx' | 'html', fileName: string): Promise<void> {
    const jobId = this.jobId;
    if (jobId === null) return;
    this.error = null;
    this.busy = true;
    try {
      const base = fileName.replace(/\.[^.]+$/, '');
      // The file's extension decides the format written.
      const { path } = await unwrap(plexe.app.chooseSavePath({ suggestedName: `${base} - comparison${format === 'html' ? ' report' : ''}.${format}`, kind: format }));
      if (!path) return;
      const r = await unwrap(plexe.compare.export({ jobId, path }));
      this.saved = { path: r.path, rows: r.rows, report: format === 'html' };
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.busy = false;
    }
  }

  async loadList(): Promise<void> {
    try {
      this.list = await unwrap(plexe.compare.list());
    } catch (e) {
      this.error = `The saved comparisons could not be loaded: ${errorMessage(e)}`;
    }
  }
}

export const comparison = new CompareState();
