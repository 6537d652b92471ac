import { writeFile } from 'node:fs/promises';
import type { SavedModel } from '../../shared/domain/model';
import { AppError } from '../../shared/ipc/errors';
import type { Evaluation, EvaluationSummary, OutcomeChoice, OutcomeSuggestion } from '../../shared/ipc/evaluate';
import { jsonPath } from '../jobs/chart';
import { decodeCells } from '../jobs/cells';
import { jobSampleRows } from '../jobs/row-input';
import type { JobRecord, JobStore } from '../jobs/store';
import { figureLines, headlineOf } from './lines';
import { ClassificationAccumulator, RegressionAccumulator } from './metrics';
import { confidenceFieldOf, matchOutcomeValues, normaliseOutcome, outputTargets, readNumber, suggestOutcomes } from './outcome-match';
import { evaluationCsv, evaluationHtml } from './report';

export interface EvaluationServiceDeps {
  store: JobStore;
  getModel(modelId: string): SavedModel | undefined;
  /** The model card's figures (its describe answer's metrics); null or a throw when unavailable. */
  describeFigures?(job: JobRecord): Promise<Record<string, number> | null>;
  now?: () => number;
}

/** Rows read per page when figures are computed. */
const PAGE = 5_000;
const SAMPLE_ROWS = 200;
const MAX_CLASSES = 50;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Marking a job's known-outcome column, and the figures computed from its stored rows. */
export class EvaluationService {
  private readonly now: () => number;

  constructor(private readonly deps: EvaluationServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private outputSchemaOf(job: JobRecord): Record<string, string> | null {
    const model = job.modelId ? this.deps.getModel(job.modelId) : undefined;
    return model?.outputSchema ?? null;
  }

  private modelNameOf(job: JobRecord): string {
    return job.modelRef.kind === 'model' ? job.modelRef.name : job.modelLabel;
  }

  private inputColumns(job: JobRecord): Set<string> {
    return new Set(Object.values(job.mapping ?? {}).filter((c): c is string => c !== null));
  }

  suggest(jobId: number): OutcomeSuggestion[] {
    const job = this.deps.store.require(jobId);
    const outputSchema = this.outputSchemaOf(job) ?? Object.fromEntries(job.resultFields.map((f) => [f, 'string']));
    return suggestOutcomes({
      columns: job.columns,
      sampleRows: jobSampleRows(this.deps.store, jobId, SAMPLE_ROWS),
      outputSchema,
      modelName: this.modelNameOf(job),
      inputColumns: this.inputColumns(job),
    });
  }

  getOutcome(jobId: number): OutcomeChoice | null {
    return this.deps.store.require(jobId).outcome ?? null;
  }

  /**
   * Marks `column` as the job's known outcome (null: no outcome). The answer field is taken from the
   * model's output schema unless given. Refused for a column sent to the model, and once a job that
   * sends every column has answers (its outcome column would already have been sent).
   */
  async setOutcome(jobId: number, column: string | null, resultField?: string, valueMap?: Record<string, string>): Promise<OutcomeChoice | null> {
    const job = this.deps.store.require(jobId);
    if (column === null) {
      this.deps.store.setOutcome(jobId, null);
      return null;
    }
    if (!job.columns.includes(column)) throw new AppError('unknown_column', `The file has no column called "${column}". Choose the column that holds the known outcome.`, { column });
    const field = Object.entries(job.mapping ?? {}).find(([, c]) => c === column)?.[0];
    if (field !== undefined) {
      throw new AppError('outcome_is_input', `The column "${column}" is sent to the model as "${field}", so it cannot be the known outcome. Choose another column, or map "${field}" to a different column first.`, { column, field });
    }
    if (job.fields === null && job.counts.ok + job.counts.failed > 0 && job.outcome?.column !== column) {
      throw new AppError('outcome_after_run', `Rows of this job were already sent with every column, "${column}" included. Load the file again and mark the outcome before starting.`, { column });
    }
    const outputSchema = this.outputSchemaOf(job);
    let task: OutcomeChoice['task'];
    let target = resultField;
    if (outputSchema) {
      const targets = outputTargets(outputSchema);
      const chosen = target === undefined ? targets[0] : targets.find((t) => t.field === target);
      if (!chosen) {
        throw new AppError('unknown_result_field', target === undefined ? 'The model describes no answer field to compare the outcome with.' : `The model has no answer field called "${target}" (it answers ${Object.keys(outputSchema).join(', ')}).`, {
          field: target ?? null,
        });
      }
      target = chosen.field;
      task = chosen.task;
    } else {
      if (target === undefined) target = job.resultFields.find((f) => !/confidence|probability/i.test(f));
      if (target === undefined) throw new AppError('unknown_result_field', 'The model did not describe its answer, so name the answer field to compare the outcome with.');
      task = this.guessTask(job, column);
    }
    let modelFigures: Record<string, number> | null = job.outcome?.modelFigures ?? null;
    if (this.deps.describeFigures) {
      try {
        modelFigures = (await this.deps.describeFigures(job)) ?? modelFigures;
      } catch {
        // Offline or refused: the comparison with the card is left out, the evaluation still works.
      }
    }
    const choice: OutcomeChoice = {
      column,
      resultField: target,
      confidenceField: task === 'classification' ? confidenceFieldOf(outputSchema, job.resultFields) : null,
      task,
      valueMap: Object.fromEntries(Object.entries(valueMap ?? {}).map(([k, v]) => [normaliseOutcome(k), v])),
      modelFigures,
    };
    this.deps.store.setOutcome(jobId, choice);
    return choice;
  }

  /** Without an output schema: numbers in the outcome column mean a number answer. */
  private guessTask(job: JobRecord, column: string): OutcomeChoice['task'] {
    const i = job.columns.indexOf(column);
    const values = jobSampleRows(this.deps.store, job.id, SAMPLE_ROWS)
      .map((r) => r[i] ?? '')
      .filter((v) => v.trim() !== '');
    const numbers = values.filter((v) => readNumber(v) !== null).length;
    return values.length > 0 && numbers / values.length >= 0.9 && new Set(values).size > 10 ? 'regression' : 'classification';
  }

  /** The figures, computed again from the job's stored rows (pages of rows; no network). */
  evaluate(jobId: number): Evaluation {
    const store = this.deps.store;
    const job = store.require(jobId);
    const outcome = job.outcome;
    if (!outcome) throw new AppError('no_outcome', `No known-outcome column is marked for "${job.fileName}". Mark one when you start the job to evaluate the model.`);
    const col = job.columns.indexOf(outcome.column);
    if (col < 0) throw new AppError('unknown_column', `The outcome column "${outcome.column}" is not in this job's file.`);
    const valuePath = jsonPath(outcome.resultField);
    const confidencePath = outcome.confidenceField ? jsonPath(outcome.confidenceField) : null;
    const leftOut = { noOutcome: 0, failed: 0, notScored: 0, unreadable: 0 };
    const unreadable = new Map<string, number>();
    let moneyCells = false;

    let valueMap: Record<string, string> = outcome.valueMap;
    let cls: ClassificationAccumulator | null = null;
    let reg: RegressionAccumulator | null = null;
    if (outcome.task === 'classification') {
      const classes = store
        .resultClasses(jobId, valuePath, MAX_CLASSES)
        .map((c) => c.value)
        .filter((v): v is string | number => v !== null)
        .map(String);
      const seen = this.outcomeValues(job, col);
      valueMap = { ...matchOutcomeValues(seen, classes, outcome.column), ...outcome.valueMap };
      const order = [...new Set([...classes, ...Object.values(valueMap)])].sort();
      cls = new ClassificationAccumulator(order);
    } else {
      reg = new RegressionAccumulator(jobId);
    }

    for (let after = 0; ; ) {
      const page = store.evaluationPage(jobId, after, PAGE, valuePath, confidencePath);
      if (page.length === 0) break;
      for (const r of page) {
        const text = decodeCells(r.cells)[col] ?? '';
        if (text.trim() === '') {
          leftOut.noOutcome++;
          continue;
        }
        if (r.status === 'failed') {
          leftOut.failed++;
          continue;
        }
        if (r.status !== 'ok') {
          leftOut.notScored++;
          continue;
        }
        if (cls) {
          const actual = valueMap[normaliseOutcome(text)];
          if (actual === undefined || r.value === null || r.value === undefined) {
            leftOut.unreadable++;
            const key = text.trim();
            unreadable.set(key, (unreadable.get(key) ?? 0) + 1);
            continue;
          }
          cls.add(actual, String(r.value), typeof r.confidence === 'number' ? r.confidence : null);
        } else {
          const actual = readNumber(text);
          if (actual === null || typeof r.value !== 'number') {
            leftOut.unreadable++;
            const key = text.trim();
            unreadable.set(key, (unreadable.get(key) ?? 0) + 1);
            continue;
          }
          if (!moneyCells && /[$€£]/.test(text)) moneyCells = true;
          reg!.add(actual, r.value);
        }
      }
      after = page[page.length - 1]!.row_number;
    }

    const figures = cls ? cls.result() : reg!.result();
    const effective: OutcomeChoice = { ...outcome, valueMap };
    const lines = figureLines(figures, effective, moneyCells);
    const headline = headlineOf(lines);
    const title = `Evaluation of ${job.modelLabel} on ${job.fileName}, ${plural(figures.rows, 'row')}${headline && figures.rows > 0 ? `, ${headline.name} ${headline.text}` : ''}`;
    store.setEvaluationHeadline(jobId, JSON.stringify({ rows: figures.rows, headline: figures.rows > 0 ? headline : null, title }));
    return {
      jobId,
      modelLabel: job.modelLabel,
      fileName: job.fileName,
      outcome: effective,
      figures,
      lines,
      leftOut,
      unreadableValues: [...unreadable.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([value, count]) => ({ value, count })),
      title,
      computedAt: new Date(this.now()).toISOString(),
      jobState: job.state,
    };
  }

  /** The distinct outcome values of the first rows (enough to see how they are written). */
  private outcomeValues(job: JobRecord, col: number): string[] {
    const seen = new Set<string>();
    for (const r of jobSampleRows(this.deps.store, job.id, 5_000)) {
      const v = (r[col] ?? '').trim();
      if (v !== '') seen.add(v);
      if (seen.size > MAX_CLASSES) break;
    }
    return [...seen];
  }

  list(): EvaluationSummary[] {
    return this.deps.store.listWithOutcome().map(({ job, headline }) => {
      const saved = headline ? (JSON.parse(headline) as { rows: number; headline: { name: string; text: string } | null; title: string }) : null;
      return {
        jobId: job.id,
        title: saved?.title ?? `Evaluation of ${job.modelLabel} on ${job.fileName}`,
        modelLabel: job.modelLabel,
        fileName: job.fileName,
        task: job.outcome!.task,
        rows: saved?.rows ?? 0,
        headline: saved?.headline ?? null,
        createdAt: new Date(job.createdAt).toISOString(),
        jobState: job.state,
      };
    });
  }

  async export(jobId: number, path: string, format: 'csv' | 'html'): Promise<{ path: string; bytes: number }> {
    const evaluation = this.evaluate(jobId);
    const text = format === 'csv' ? evaluationCsv(evaluation) : evaluationHtml(evaluation);
    await writeFile(path, text, 'utf8');
    return { path, bytes: Buffer.byteLength(text) };
  }
}

