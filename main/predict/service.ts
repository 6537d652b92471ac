import type { PlexeErrorInfo } from '../../shared/domain/plexe-error';
import type { NewPrediction } from '../../shared/domain/prediction';
import type { Profile } from '../../shared/domain/profile';
import type { SavedModel } from '../../shared/domain/model';
import { modelLabel } from '../../shared/domain/model';
import { coerceInput } from '../../shared/domain/schema-convert';
import type { EventName, EventPayload } from '../../shared/ipc/contract';
import type { PredictionOutcome } from '../../shared/ipc/predict';
import type { AccountsService } from '../accounts/service';
import type { Engine, RowOutcome } from '../engine';
import { errorInfo, isPlexeError } from '../plexe/errors';
import { silentLogger, type Logger } from '../log';
import type { ModelsService } from '../models/service';
import type { HistoryWriter } from '../store/repositories';
import { AppError } from '../../shared/ipc/errors';

export interface EventSink {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export interface PredictDeps {
  accounts: AccountsService;
  models: ModelsService;
  engine: Engine;
  history: HistoryWriter;
  events: EventSink;
  now?: () => Date;
  logger?: Logger;
  /** How long a READY status is trusted before checking again. */
  statusTtlMs?: number;
}

type SweepValue = number | string | boolean;

/** One prediction from the form, and what-if sweeps: checked, rate-limited, retried, recorded. */
export class PredictService {
  private readonly calls = new Map<string, AbortController>();
  private readonly readyUntil = new Map<string, number>();
  private readonly now: () => Date;
  private readonly logger: Logger;

  constructor(private readonly deps: PredictDeps) {
    this.now = deps.now ?? (() => new Date());
    this.logger = deps.logger ?? silentLogger;
  }

  cancel(callId: string): { cancelled: boolean } {
    const c = this.calls.get(callId);
    if (!c) return { cancelled: false };
    c.abort();
    return { cancelled: true };
  }

  async run(callId: string, modelId: string, rawInput: Record<string, unknown>): Promise<PredictionOutcome> {
    const saved = this.deps.models.get(modelId);
    const { profile, apiKey } = await this.deps.accounts.profileAndKey(saved.profileId);
    const { values, problems } = coerceInput(saved.schema.fields, rawInput);
    if (problems.length > 0) {
      return this.refusedSync(
        errorInfo({
          code: 'invalid_input',
          message: `Some values need fixing before this can be sent: ${problems.map((p) => p.message).join(' ')}`,
          action: 'Correct the highlighted fields and try again.',
          fieldErrors: problems,
        }),
      );
    }
    const controller = this.register(callId);
    try {
      const notReady = await this.checkReady(saved, profile, controller.signal);
      if (notReady) return this.refusedSync(notReady);
      const o = await this.deps.engine.predictOne(profile, apiKey, saved.ref, values, {
        signal: controller.signal,
        onRetry: (n) => this.deps.events.emit('event:call-retry', { callId, attempt: n.attempt, waitMs: Math.round(n.waitMs), reason: n.reason }),
      });
      const historyId = this.record(profile, saved, 'form', values, o);
      if (o.ok) {
        return { ok: true, result: o.result!, requestId: o.requestId, processingTimeMs: o.processingTimeMs, roundTripMs: o.roundTripMs, attempts: o.attempts, raw: o.raw, historyId };
      }
      return { ok: false, error: o.error!, roundTripMs: o.roundTripMs, attempts: o.attempts, historyId };
    } catch (e) {
      if (isPlexeError(e) && e.info.code === 'cancelled') {
        const info = e.info;
        const historyId = this.record(profile, saved, 'form', values, { id: 0, ok: false, error: info, requestId: null, processingTimeMs: null, roundTripMs: 0, attempts: 0, reused: false });
        return { ok: false, error: info, roundTripMs: 0, attempts: 0, historyId };
      }
      throw e;
    } finally {
      this.unregister(callId, controller);
    }
  }

  async sweep(
    callId: string,
    modelId: string,
    baseInput: Record<string, unknown>,
    field: string,
    values: SweepValue[],
  ): Promise<{ points: { value: SweepValue; outcome: PredictionOutcome }[] }> {
    const saved = this.deps.models.get(modelId);
    if (!saved.schema.fields.some((f) => f.name === field)) {
      throw new AppError('unknown_field', `The model has no field called "${field}". Choose one of: ${saved.schema.fields.map((f) => f.name).join(', ')}.`);
    }
    const { profile, apiKey } = await this.deps.accounts.profileAndKey(saved.profileId);
    const outcomes: (PredictionOutcome | undefined)[] = new Array(values.length);
    const inputs: Record<string, unknown>[] = new Array(values.length);
    const toSend: { id: number; input: Record<string, unknown> }[] = [];
    let done = 0;
    const total = values.length;
    const progress = () => this.deps.events.emit('event:sweep-progress', { callId, done, total });
    values.forEach((value, i) => {
      const { values: input, problems } = coerceInput(saved.schema.fields, { ...baseInput, [field]: value });
      inputs[i] = input;
      if (problems.length > 0) {
        outcomes[i] = this.refusedSync(
          errorInfo({ code: 'invalid_input', message: `This point cannot be sent: ${problems.map((p) => p.message).join(' ')}`, action: 'Correct the base values or the range.', fieldErrors: problems }),
        );
        done++;
      } else {
        toSend.push({ id: i, input });
      }
    });
    if (done > 0) progress();
    const controller = this.register(callId);
    try {
      const notReady = await this.checkReady(saved, profile, controller.signal);
      if (notReady) {
        for (const r of toSend) outcomes[r.id] = this.refusedSync(notReady);
      } else if (toSend.length > 0) {
        await this.deps.engine.scoreRows(profile, apiKey, saved.ref, toSend, {
          signal: controller.signal,
          onRetry: (n) => this.deps.events.emit('event:call-retry', { callId, attempt: n.attempt, waitMs: Math.round(n.waitMs), reason: n.reason }),
          onOutcome: (o) => {
            const historyId = this.record(profile, saved, 'whatif', inputs[o.id]!, o);
            outcomes[o.id] = o.ok
              ? { ok: true, result: o.result!, requestId: o.requestId, processingTimeMs: o.processingTimeMs, roundTripMs: o.roundTripMs, attempts: o.attempts, raw: o.result!, historyId }
              : { ok: false, error: o.error!, roundTripMs: o.roundTripMs, attempts: o.attempts, historyId };
            done++;
            progress();
          },
        });
      }
    } catch (e) {
      // The run stopped (cancelled, key rejected, service down): the points not answered say why.
      if (!isPlexeError(e)) throw e;
      for (const r of toSend) if (!outcomes[r.id]) outcomes[r.id] = this.refusedSync(e.info);
    } finally {
      this.unregister(callId, controller);
    }
    return { points: values.map((value, i) => ({ value, outcome: outcomes[i]! })) };
  }

  /** A plain explanation when the model cannot answer now; null when it can (or its status is unknown). */
  private async checkReady(saved: SavedModel, profile: Profile, signal: AbortSignal): Promise<PlexeErrorInfo | null> {
    if (saved.ref.kind !== 'model') return null;
    const until = this.readyUntil.get(saved.id);
    if (until !== undefined && until > Date.now()) return null;
    if (signal.aborted) return null;
    try {
      const status = await this.deps.models.getStatus(profile.id, saved.ref);
      if (status.ready) {
        this.readyUntil.set(saved.id, Date.now() + (this.deps.statusTtlMs ?? 30_000));
        return null;
      }
      this.readyUntil.delete(saved.id);
      return errorInfo({
        code: 'model_not_ready',
        message: status.message ?? `${modelLabel(saved.ref)} is not ready (status ${status.status}).`,
        action: 'Try again when the model shows READY in the Plexe console.',
        details: { status: status.status },
      });
    } catch (e) {
      // No status endpoint, or a hiccup: let the prediction itself say what is wrong.
      this.logger.info('status check skipped', { modelId: saved.id, code: isPlexeError(e) ? e.info.code : 'error' });
      return null;
    }
  }

  private register(callId: string): AbortController {
    this.calls.get(callId)?.abort();
    const c = new AbortController();
    this.calls.set(callId, c);
    return c;
  }

  private unregister(callId: string, c: AbortController): void {
    if (this.calls.get(callId) === c) this.calls.delete(callId);
  }

  private refusedSync(error: PlexeErrorInfo): PredictionOutcome {
    return { ok: false, error, roundTripMs: 0, attempts: 0, historyId: null };
  }

  private record(profile: Profile, saved: SavedModel, source: 'form' | 'whatif', input: Record<string, unknown>, o: RowOutcome): number {
    const entry: NewPrediction = {
      createdAt: this.now().toISOString(),
      profileId: profile.id,
      profileName: profile.name,
      modelName: saved.ref.kind === 'model' ? saved.ref.name : saved.ref.deploymentId,
      modelVersion: saved.ref.kind === 'model' ? saved.ref.version : '',
      source,
      input,
      result: o.ok ? (o.result ?? null) : null,
      status: o.ok ? 'ok' : (o.error?.code ?? 'error'),
      errorMessage: o.ok ? null : (o.error?.message ?? null),
      errorDetails: o.ok ? null : (o.error?.details ?? null),
      httpStatus: o.ok ? 200 : (o.error?.httpStatus ?? null),
      requestId: o.requestId,
      roundTripMs: o.roundTripMs,
      processingTimeMs: o.processingTimeMs,
      attempts: o.attempts,
      jobId: null,
      rowNumber: null,
    };
    return this.deps.history.add(entry);
  }
}
