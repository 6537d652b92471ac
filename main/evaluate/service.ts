import { stat, writeFile } from 'node:fs/promises';
import { modelLabel, type SavedModel } from '../../shared/domain/model';
import { AppError } from '../../shared/ipc/errors';
import type { Evaluation, EvaluationSummary, OutcomeChoice, OutcomeSuggestion } from '../../shared/ipc/evaluate';
import { jsonPath } from '../jobs/chart';
import { decodeCells } from '../jobs/cells';

/** Cell `index` of a stored row without splitting the others (see encodeCells in main/jobs/cells.ts). */
export function cellAt(text: string, index: number): string {
  if (text.charCodeAt(0) !== 31) return decodeCells(text)[index] ?? '';
  let start = 1;
  for (let i = 0; i < index; i++) {
    const next = text.indexOf('\u001f', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\u001f', start);
  return end < 0 ? text.slice(start) : text.slice(start, end);
}
import { jobSampleRows } from '../jobs/row-input';
import type { JobRecord, JobStore } from '../jobs/store';
import { figureLines, headlineOf } from './lines';
import { ClassificationAccumulator, RegressionAccumulator } from './metrics';
import { confidenceFieldOf, matchOutcomeValues, normaliseOutcome, outputTargets, readNumber, suggestOutcomes } from './outcome-match';
import { evaluationCsv, evaluationHtml, writeEvaluationXlsx } from './report';

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

/** Distinct strings → small ids, in order of first appearance. */
class Interner {
  readonly values: string[] = [];
  private readonly ids = new Map<string, number>();
  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
    }
    return id;
  }
}

/** Growable columns of (outcome id, answer id, confidence) per compared row. */
class CompactRows {
  length = 0;
  outcome = new Uint32Array(1024);
  answer = new Uint32Array(1024);
  confidence = new Float64Array(1024);
  push(outcome: number, answer: number, confidence: number): void {
    if (this.length === this.outcome.length) {
      const grow = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.outcome = grow(this.outcome, (n) => new Uint32Array(n));
      this.answer = grow(this.answer, (n) => new Uint32Array(n));
      this.confidence = grow(this.confidence, (n) => new Float64Array(n));
    }
    this.outcome[this.length] = outcome;
    this.answer[this.length] = answer;
    this.confidence[this.length] = confidence;
    this.length++;
  }
}

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

  /** "customer-churn v1": the Plexe name and version, whatever the model was called in the app. */
  private labelOf(job: JobRecord): string {
    return job.modelRef.kind === 'model' ? modelLabel(job.modelRef) : job.modelLabel;
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
  async setOutcome(
    jobId: number,
    column: string | null,
    resultField?: string,
    valueMap?: Record<string, string>,
    /** What the caller already knows of the model (the CLI, whose jobs have no saved model). */
    known: { outputSchema?: Record<string, string> | null; modelFigures?: Record<string, number> | null } = {},
  ): Promise<OutcomeChoice | null> {
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
    const outputSchema = known.outputSchema ?? this.outputSchemaOf(job);
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
    let modelFigures: Record<string, number> | null = known.modelFigures ?? job.outcome?.modelFigures ?? null;
    if (known.modelFigures === undefined && this.deps.describeFigures) {
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
    const reg = outcome.task === 'regression' ? new RegressionAccumulator(jobId) : null;
    // Classification in one read of the rows: each row kept as (outcome value id, answer id,
    // confidence), since the value map needs every class and outcome value before rows can be counted.
    const rows = new CompactRows();
    const outcomeIds = new Interner();
    const classIds = new Interner();
    const countUnreadable = (text: string) => {
      leftOut.unreadable++;
      const key = text.trim();
      unreadable.set(key, (unreadable.get(key) ?? 0) + 1);
    };

    for (let after = 0; ; ) {
      const page = store.evaluationPage(jobId, after, PAGE, valuePath, confidencePath);
      if (page.length === 0) break;
      for (const r of page) {
        const text = cellAt(r.cells, col);
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
        if (reg) {
          const actual = readNumber(text);
          if (actual === null || typeof r.value !== 'number') {
            countUnreadable(text);
            continue;
          }
          if (!moneyCells && /[$€£]/.test(text)) moneyCells = true;
          reg.add(actual, r.value);
        } else {
          if (r.value === null || r.value === undefined) {
            countUnreadable(text);
            continue;
          }
          rows.push(outcomeIds.id(normaliseOutcome(text)), classIds.id(String(r.value)), typeof r.confidence === 'number' ? r.confidence : NaN);
        }
      }
      after = page[page.length - 1]!.row_number;
    }

    let cls: ClassificationAccumulator | null = null;
    if (!reg) {
      const classes = classIds.values;
      valueMap = { ...matchOutcomeValues(outcomeIds.values, classes, outcome.column), ...outcome.valueMap };
      cls = new ClassificationAccumulator([...new Set([...classes, ...Object.values(valueMap)])].sort());
      const actualOf = outcomeIds.values.map((v) => valueMap[v]);
      for (let i = 0; i < rows.length; i++) {
        const actual = actualOf[rows.outcome[i]!];
        if (actual === undefined) {
          countUnreadable(outcomeIds.values[rows.outcome[i]!]!);
          continue;
        }
        const confidence = rows.confidence[i]!;
        cls.add(actual, classes[rows.answer[i]!]!, Number.isNaN(confidence) ? null : confidence);
      }
    }

    const figures = cls ? cls.result() : reg!.result();
    const effective: OutcomeChoice = { ...outcome, valueMap };
    const lines = figureLines(figures, effective, moneyCells);
    const headline = headlineOf(lines);
    const title = `Evaluation of ${this.labelOf(job)} on ${job.fileName}, ${plural(figures.rows, 'row')}${headline && figures.rows > 0 ? `, ${headline.name} ${headline.text}` : ''}`;
    store.setEvaluationHeadline(jobId, JSON.stringify({ rows: figures.rows, headline: figures.rows > 0 ? headline : null, title }));
    return {
      jobId,
      modelLabel: this.labelOf(job),
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

  list(): EvaluationSummary[] {
    return this.deps.store.listWithOutcome().map(({ job, headline }) => {
      let saved = headline ? (JSON.parse(headline) as { rows: number; headline: { name: string; text: string } | null; title: string }) : null;
      // A job that ended with answers but whose figures were never opened: computed once, then kept.
      if (!saved && job.state !== 'running' && job.state !== 'importing' && job.counts.ok > 0) {
        const e = this.evaluate(job.id);
        saved = { rows: e.figures.rows, headline: e.figures.rows > 0 ? headlineOf(e.lines) : null, title: e.title };
      }
      return {
        jobId: job.id,
        title: saved?.title ?? `Evaluation of ${this.labelOf(job)} on ${job.fileName}`,
        modelLabel: this.labelOf(job),
        fileName: job.fileName,
        task: job.outcome!.task,
        rows: saved?.rows ?? 0,
        headline: saved?.headline ?? null,
        createdAt: new Date(job.createdAt).toISOString(),
        jobState: job.state,
      };
    });
  }

  async export(jobId: number, path: string, format: 'csv' | 'html' | 'xlsx'): Promise<{ path: string; bytes: number }> {
    const evaluation = this.evaluate(jobId);
    if (format === 'xlsx') {
      await writeEvaluationXlsx(evaluation, path);
      return { path, bytes: (await stat(path)).size };
    }
    const text = format === 'csv' ? evaluationCsv(evaluation) : evaluationHtml(evaluation);
    await writeFile(path, text, 'utf8');
    return { path, bytes: Buffer.byteLength(text) };
  }
}

