import type { Engine, EngineProfile, EngineSettings, RowOutcome, ScoreRow } from '../engine';
import { isPlexeError, PlexeError } from '../plexe/errors';
import { OutcomeBuffer } from '../jobs/outcome-buffer';
import { answerOf, historyEntry } from '../jobs/runner';
import { createJobRowMapper } from '../jobs/row-input';
import type { JobRecord, JobStore } from '../jobs/store';
import type { ComparisonRecord, ComparisonStore, SecondOutcomeWrite } from './store';

const PAGE_ROWS = 500;

export interface SecondRunOptions {
  profile: EngineProfile & { name: string };
  apiKey: string;
  signal: AbortSignal;
  batchSize: number;
  settings?: Partial<EngineSettings>;
  source: 'bulk' | 'cli';
  now?: () => number;
}

/**
 * Sends a job's rows to its second model and writes each answer beside the first model's, with
 * the same durability as the job's own run (main/jobs/runner.ts): rows come from SQLite in keyset
 * pages of rows without a second answer, answers are written in batched transactions with their
 * history entries, and a row that has a second answer is never read again. The input sent is the
 * one the job's mapping gives, so both models see the same row. It runs through the engine with its
 * own account's limiter, alongside the first model's run. A failure of the whole run (the key was
 * refused, the model is not there) rejects with the second model named in the message.
 */
export async function runSecondModel(deps: { jobs: JobStore; comparisons: ComparisonStore; engine: Engine }, job: JobRecord, comparison: ComparisonRecord, opts: SecondRunOptions): Promise<void> {
  const { comparisons, engine } = deps;
  const now = opts.now ?? Date.now;
  const mapper = createJobRowMapper(deps.jobs, job);
  const ref = comparison.modelRef;
  const names = ref.kind === 'model' ? { modelName: ref.name, modelVersion: ref.version } : { modelName: ref.deploymentId, modelVersion: 'deployment' };
  const inputs = new Map<number, Record<string, unknown>>();
  const answers = new OutcomeBuffer<SecondOutcomeWrite>(comparison.resultFields, (writes, history, newResultFields) => comparisons.writeOutcomes(job.id, writes, history, newResultFields));

  async function* pending(): AsyncGenerator<ScoreRow> {
    let after = 0;
    for (;;) {
      answers.check();
      const page = comparisons.pendingRows(job.id, after, PAGE_ROWS);
      if (page.length === 0) return;
      after = page[page.length - 1]!.rowNumber;
      for (const row of page) {
        const r = mapper.toInput(row.cells);
        // A row the mapping cannot read is marked invalid by the first model's run; nothing is sent.
        if (!r.ok) continue;
        inputs.set(row.rowNumber, r.input);
        yield { id: row.rowNumber, input: r.input };
      }
    }
  }

  const onOutcome = (o: RowOutcome) => {
    answers.check();
    const input = inputs.get(o.id) ?? {};
    inputs.delete(o.id);
    const w: SecondOutcomeWrite = answerOf(o);
    answers.add(w, historyEntry({ ...w, input, errorDetails: o.error?.details ?? null }, { createdAt: new Date(now()).toISOString(), profile: opts.profile, ...names, source: opts.source, jobId: job.id, rowLabel: null }));
  };

  try {
    await engine.scoreRows(opts.profile, opts.apiKey, ref, pending(), {
      signal: opts.signal,
      batchSize: ref.kind === 'model' ? opts.batchSize : 1,
      ...(opts.settings ? { settings: opts.settings } : {}),
      onOutcome,
    });
  } catch (e) {
    if (isPlexeError(e)) throw new PlexeError({ ...e.info, message: `${comparison.modelLabel} (the model compared with): ${e.info.message}` });
    throw e;
  } finally {
    // Whatever happened, the answers received so far are kept.
    answers.flush();
  }
  answers.check();
}
