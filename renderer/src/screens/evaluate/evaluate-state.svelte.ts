import type { Evaluation, EvaluationSummary, OutcomeChoice, OutcomeSuggestion } from '../../../../shared/ipc/evaluate';
import { errorMessage, plexe, unwrap } from '../../lib/api';

/**
 * Evaluations on known outcomes, as the page holds them: the outcome column of the job being set
 * up (with the columns offered for it), the evaluation shown after a run or from History, and the
 * list of saved evaluations. Every IPC call about evaluations is made here.
 */
export class EvaluateState {
  /** The job whose outcome choice is loaded. */
  jobId = $state<number | null>(null);
  outcome = $state<OutcomeChoice | null>(null);
  suggestions = $state.raw<OutcomeSuggestion[]>([]);
  evaluation = $state.raw<Evaluation | null>(null);
  list = $state.raw<EvaluationSummary[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);
  saved = $state<{ path: string; format: 'csv' | 'html' | 'xlsx' } | null>(null);
  /** Bumped by every load and choice, so an answer to a superseded load never overwrites a newer choice. */
  private generation = 0;

  /** Loads the outcome choice and the columns offered for it, for the job being set up. */
  async loadChoice(jobId: number): Promise<void> {
    if (this.jobId !== jobId) {
      this.outcome = null;
      this.suggestions = [];
    }
    this.jobId = jobId;
    const mine = ++this.generation;
    try {
      const [choice, offered] = await Promise.all([unwrap(plexe.evaluate.getOutcome({ jobId })), unwrap(plexe.evaluate.suggestOutcome({ jobId }))]);
      if (mine !== this.generation) return;
      this.outcome = choice.outcome;
      this.suggestions = offered.suggestions;
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** Marks `column` as the known outcome (null: none). */
  async choose(jobId: number, column: string | null): Promise<void> {
    this.busy = true;
    const mine = ++this.generation;
    try {
      const outcome = (await unwrap(plexe.evaluate.setOutcome({ jobId, column }))).outcome;
      if (mine === this.generation) this.outcome = outcome;
      this.error = null;
    } catch (e) {
      this.error = errorMessage(e);
    } finally {
      this.busy = false;
    }
  }

  /** Computes the figures from the job's stored rows (works offline). */
  async open(jobId: number): Promise<void> {
    this.busy = true;
    this.saved = null;
    try {
      this.evaluation = await unwrap(plexe.evaluate.getEvaluation({ jobId }));
      this.error = null;
    } catch (e) {
      this.evaluation = null;
      this.error = errorMessage(e);
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.evaluation = null;
    this.saved = null;
  }

  async loadList(): Promise<void> {
    try {
      this.list = await unwrap(plexe.evaluate.listEvaluations());
      this.error = null;
    } catch (e) {
      this.error = `The evaluations could not be listed: ${errorMessage(e)}`;
    }
  }

  /** Asks where to save, then writes the figures as CSV, an Excel workbook or a one-page HTML report. */
  async exportAs(format: 'csv' | 'html' | 'xlsx'): Promise<void> {
    const e = this.evaluation;
    if (!e) return;
    this.busy = true;
    try {
      const base = `Evaluation of ${e.modelLabel} on ${e.fileName.replace(/\.[^.]+$/, '')}`.replace(/[\\/:*?"<>|]/g, '-');
      const { path } = await unwrap(plexe.app.chooseSavePath({ suggestedName: `${base}.${format}`, kind: format }));
      if (!path) return;
      const r = await unwrap(plexe.evaluate.exportEvaluation({ jobId: e.jobId, path, format }));
      this.saved = { path: r.path, format };
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

export const evaluate = new EvaluateState();
