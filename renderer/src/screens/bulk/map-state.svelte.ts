import type { RetryPlan, RowProblem } from '../../../../shared/ipc/jobs';
import { errorMessage, plexe, unwrap } from '../../lib/api';
import { bulk } from './bulk-state.svelte';

/**
 * The Map step's extra state: the rows behind one cause of the check (paged), the value-mapping
 * step, the retry plan and saving the mapping as a file. Works on the job held by `bulk`.
 */
export class MapState {
  /** The cause whose rows are shown, its rows so far and the cursor of the next page. */
  causeKey = $state<string | null>(null);
  causeRows = $state.raw<{ rowNumber: number; problems: RowProblem[] }[]>([]);
  causeNext = $state<number | null>(null);
  /** The value-mapping step is open; `valueField` is the field it was opened for. */
  valuesOpen = $state(false);
  valueField = $state<string | null>(null);
  /** Field → written value → allowed value chosen in the value step ('' leaves it to fail). */
  choices = $state<Record<string, Record<string, string>>>({});
  retryPlan = $state<RetryPlan | null>(null);
  savedMapping = $state<string | null>(null);

  reset(): void {
    this.causeKey = null;
    this.causeRows = [];
    this.causeNext = null;
    this.valuesOpen = false;
    this.valueField = null;
    this.choices = {};
    this.retryPlan = null;
    this.savedMapping = null;
  }

  /** Shows the first page of rows behind a cause, or hides them when they are shown. */
  async toggleRows(key: string): Promise<void> {
    const job = bulk.job;
    if (!job) return;
    if (this.causeKey === key) {
      this.causeKey = null;
      return;
    }
    try {
      const page = await unwrap(plexe.jobs.listCauseRows({ jobId: job.id, key, limit: 50 }));
      this.causeKey = key;
      this.causeRows = page.rows;
      this.causeNext = page.next;
    } catch (e) {
      bulk.error = errorMessage(e);
    }
  }

  async moreRows(): Promise<void> {
    const job = bulk.job;
    if (!job || this.causeKey === null || this.causeNext === null) return;
    try {
      const page = await unwrap(plexe.jobs.listCauseRows({ jobId: job.id, key: this.causeKey, after: this.causeNext, limit: 100 }));
      this.causeRows = [...this.causeRows, ...page.rows];
      this.causeNext = page.next;
    } catch (e) {
      bulk.error = errorMessage(e);
    }
  }

  openValues(field: string | null): void {
    this.valuesOpen = true;
    this.valueField = field;
  }

  /** Sends the person's choices for one field (values left on "leave it" are not sent), then shows the new check. */
  async applyValues(field: string): Promise<void> {
    const picked = Object.fromEntries(Object.entries(this.choices[field] ?? {}).filter(([, to]) => to !== ''));
    if (Object.keys(picked).length === 0) return;
    await this.setValues(field, picked);
    this.choices = { ...this.choices, [field]: {} };
  }

  /** Forgets one value map entry: the value fails again. */
  unmap(field: string, written: string): Promise<void> {
    return this.setValues(field, { [written]: null });
  }

  private async setValues(field: string, values: Record<string, string | null>): Promise<void> {
    const job = bulk.job;
    if (!job) return;
    bulk.error = null;
    bulk.busy = true;
    try {
      bulk.check = await unwrap(plexe.jobs.setValueMap({ jobId: job.id, field, values }));
      this.causeKey = null;
      await bulk.reloadJob();
      await bulk.loadEstimate();
    } catch (e) {
      bulk.error = errorMessage(e);
    } finally {
      bulk.busy = false;
    }
  }

  async loadRetryPlan(): Promise<void> {
    const job = bulk.job;
    if (!job) return;
    try {
      this.retryPlan = await unwrap(plexe.jobs.retryPlan({ jobId: job.id }));
    } catch {
      this.retryPlan = null;
    }
  }

  /** Writes the mapping (columns and values) as a file the CLI reads with --mapping. */
  async saveMapping(): Promise<void> {
    const job = bulk.job;
    if (!job) return;
    bulk.error = null;
    try {
      const base = job.fileName.replace(/\.[^.]+$/, '');
      const { path } = await unwrap(plexe.app.chooseSavePath({ suggestedName: `${base} - mapping.json`, kind: 'json' }));
      if (!path) return;
      this.savedMapping = (await unwrap(plexe.jobs.saveMapping({ jobId: job.id, path }))).path;
    } catch (e) {
      bulk.error = errorMessage(e);
    }
  }
}

export const mapState = new MapState();
