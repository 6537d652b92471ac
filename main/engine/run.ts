import { setMaxListeners } from 'node:events';
import type { ModelRef } from '../../shared/domain/model';
import type { PlexeErrorInfo } from '../../shared/domain/plexe-error';
import type { CallOptions, PlexeClient, PlexeTarget } from '../plexe/client';
import { PlexeError, cancelledError, errorInfo, fieldErrorsFrom } from '../plexe/errors';
import type { Logger } from '../log';
import type { Clock } from './clock';
import { LruMap, inputKey } from './canonical';
import type { ProfileLimiter } from './limiter';
import { attempt, type AttemptContext, type RetryNotice } from './retry';
import type { EngineSettings, RowOutcome, RunSummary, ScoreOptions, ScoreRow } from './types';

/** What the engine remembers about a model between runs. */
export interface ModelCaps {
  /** Does /predictions exist? null until we know. */
  batch: boolean | null;
  /** Largest batch the server took (halved on 413). */
  maxBatch: number;
}

export interface RunEnv {
  client: PlexeClient;
  limiter: ProfileLimiter;
  clock: Clock;
  random: () => number;
  logger: Logger;
  caps: ModelCaps;
}

interface Item {
  key: string | null;
  input: Record<string, unknown>;
  ids: number[];
}

type Base = Omit<RowOutcome, 'id' | 'reused'>;

/**
 * Errors that say nothing about a row and everything about the account, the model or the
 * network: the run stops (rows without an outcome stay unsent, so a job can resume) instead of
 * marking every remaining row failed.
 */
export function isRunStopping(info: PlexeErrorInfo, singleRow: boolean): boolean {
  const s = info.httpStatus;
  if (s === 401 || s === 403) return true;
  if (s === 404 && singleRow) return true;
  if (s === 503) return true;
  return info.code === 'offline' || info.code === 'network' || info.code === 'come_back_later' || info.code === 'redirect_refused';
}

/** Row indices a batch 400 names, in the shapes deployments use: `{"3": […]}`, `[{row: 3, …}]`, `{rows: …}`. */
export function rowsNamedIn(details: unknown, rowCount: number): Map<number, unknown> {
  const out = new Map<number, unknown>();
  const add = (index: unknown, d: unknown) => {
    const i = typeof index === 'number' ? index : typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : NaN;
    if (Number.isInteger(i) && i >= 0 && i < rowCount) {
      const prev = out.get(i);
      out.set(i, prev === undefined ? d : ([] as unknown[]).concat(prev, d));
    }
  };
  const visit = (d: unknown, depth: number) => {
    if (depth > 2 || d === null || typeof d !== 'object') return;
    if (Array.isArray(d)) {
      for (const e of d) {
        if (typeof e !== 'object' || e === null) continue;
        const o = e as Record<string, unknown>;
        const idx = o.row ?? o.index ?? o.row_index ?? o.rowIndex;
        if (idx !== undefined) add(idx, o.errors ?? o.problems ?? o.details ?? o);
      }
      return;
    }
    const o = d as Record<string, unknown>;
    for (const key of ['rows', 'row_errors', 'errors', 'by_row']) if (key in o) visit(o[key], depth + 1);
    for (const [k, v] of Object.entries(o)) if (/^\d+$/.test(k)) add(k, v);
  };
  visit(details, 0);
  return out;
}

function rowError(batchError: PlexeErrorInfo, rowDetails: unknown): PlexeErrorInfo {
  const fieldErrors = fieldErrorsFrom(rowDetails);
  const named = fieldErrors.length > 0 ? ` Problems: ${fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}.` : '';
  return errorInfo({
    code: batchError.code,
    message: `Plexe could not use the values in this row.${named}`,
    action: 'Correct the values named here and send the row again.',
    httpStatus: batchError.httpStatus,
    requestId: batchError.requestId,
    details: rowDetails ?? null,
    fieldErrors,
    retryable: false,
  });
}

export class Run {
  private readonly inflight = new Map<string, Item>();
  private readonly cache: LruMap<string, Base> | null;
  private chain: Promise<void> = Promise.resolve();
  private readonly internal = new AbortController();
  private readonly signal: AbortSignal;
  private stopError: unknown = null;
  private readonly summary: RunSummary = { ok: 0, failed: 0, reused: 0, requests: 0 };
  private readonly modelKey: string;
  private readonly target: PlexeTarget;
  private readonly batchSize: number;

  constructor(
    private readonly env: RunEnv,
    baseUrl: string,
    apiKey: string,
    private readonly ref: ModelRef,
    private readonly settings: EngineSettings,
    private readonly opts: ScoreOptions,
    private readonly concurrency: number,
  ) {
    this.target = { baseUrl, apiKey };
    this.modelKey = `${baseUrl}|${ref.kind === 'model' ? `${ref.name}/${ref.version}` : `deployment/${ref.deploymentId}`}`;
    this.cache = settings.dedupe ? new LruMap(settings.dedupeCacheSize) : null;
    this.signal = opts.signal ? AbortSignal.any([opts.signal, this.internal.signal]) : this.internal.signal;
    // Every waiting and in-flight request of the run listens to this signal.
    setMaxListeners(0, this.internal.signal, this.signal);
    const wanted = Math.max(1, Math.floor(opts.batchSize ?? settings.batchSize));
    this.batchSize = ref.kind === 'model' ? wanted : 1;
  }

  async execute(rows: AsyncIterable<ScoreRow> | Iterable<ScoreRow>): Promise<RunSummary> {
    // Groups in flight; each settles (never rejects) when its answers are handed over. The reader waits
    // for the first to settle when there is no room (a stop aborts them all, so they settle soon).
    const outstanding = new Set<Promise<void>>();
    const nextSlot = () => Promise.race(outstanding);
    // Enough groups queued to keep every connection busy, few enough that rows stay in the source.
    const maxOutstanding = Math.max(2, 2 * this.concurrency);
    const launch = (items: Item[]) => {
      const p: Promise<void> = this.sendGroup(items).then(
        () => {
          outstanding.delete(p);
        },
        (e: unknown) => {
          outstanding.delete(p);
          this.stop(e);
        },
      );
      outstanding.add(p);
    };
    let group: Item[] = [];
    try {
      for await (const row of rows as AsyncIterable<ScoreRow>) {
        this.throwIfStopped();
        const key = this.cache ? inputKey(this.modelKey, row.input) : null;
        if (key !== null) {
          const cached = this.cache!.get(key);
          if (cached) {
            await this.emit({ ...cached, id: row.id, reused: true });
            continue;
          }
          const same = this.inflight.get(key);
          if (same) {
            same.ids.push(row.id);
            continue;
          }
        }
        const item: Item = { key, input: row.input, ids: [row.id] };
        if (key !== null) this.inflight.set(key, item);
        group.push(item);
        if (group.length >= this.currentBatchSize()) {
          launch(group);
          group = [];
          while (outstanding.size >= maxOutstanding) {
            await nextSlot();
            this.throwIfStopped();
          }
        }
      }
      this.throwIfStopped();
      if (group.length > 0) launch(group);
      while (outstanding.size > 0) {
        await nextSlot();
        this.throwIfStopped();
      }
      await this.chain;
      this.throwIfStopped();
    } catch (e) {
      this.stop(e);
      this.throwIfStopped();
    } finally {
      this.internal.abort();
    }
    return { ...this.summary };
  }

  private currentBatchSize(): number {
    if (this.env.caps.batch === false) return 1;
    return Math.max(1, Math.min(this.batchSize, this.env.caps.maxBatch));
  }

  private stop(e: unknown): void {
    if (this.stopError === null) this.stopError = e;
    this.internal.abort();
  }

  private throwIfStopped(): void {
    if (this.opts.signal?.aborted) throw cancelledError();
    if (this.stopError !== null) throw this.stopError instanceof PlexeError ? this.stopError : this.stopError;
    if (this.signal.aborted) throw cancelledError();
  }

  private callOptions(signal: AbortSignal | undefined, timeoutMs: number): CallOptions {
    const maxAnswerBytes = this.settings.maxAnswerBytes;
    return signal ? { signal, timeoutMs, maxAnswerBytes } : { timeoutMs, maxAnswerBytes };
  }

  private context(items: Item[]): AttemptContext {
    return {
      limiter: this.env.limiter,
      clock: this.env.clock,
      random: this.env.random,
      settings: this.settings,
      signal: this.signal,
      onRetry: (n: RetryNotice) => {
        this.summary.requests++;
        this.opts.onRetry?.({ ...n, rowIds: items.flatMap((i) => i.ids) });
      },
    };
  }

  private emit(o: RowOutcome): Promise<void> {
    if (o.reused) this.summary.reused++;
    if (o.ok) this.summary.ok++;
    else this.summary.failed++;
    this.chain = this.chain.then(() => this.opts.onOutcome(o));
    return this.chain;
  }

  private async deliver(item: Item, base: Base): Promise<void> {
    if (item.key !== null) {
      this.inflight.delete(item.key);
      // A transient failure is not an answer: an identical row later in the run is sent again.
      if (base.ok || !base.error?.retryable) this.cache?.set(item.key, base);
    }
    const ids = item.ids;
    for (let i = 0; i < ids.length; i++) await this.emit({ ...base, id: ids[i]!, reused: i > 0 });
  }

  private failure(error: PlexeErrorInfo, attempts: number, roundTripMs = 0): Base {
    return { ok: false, error, requestId: error.requestId, processingTimeMs: null, roundTripMs, attempts };
  }

  private async sendGroup(items: Item[]): Promise<void> {
    if (items.length === 0) return;
    const size = this.currentBatchSize();
    if (items.length === 1 || size === 1 || this.ref.kind !== 'model') {
      await Promise.all(items.map((i) => this.sendSingle(i)));
      return;
    }
    if (items.length > size) {
      const parts: Item[][] = [];
      for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
      await Promise.all(parts.map((p) => this.sendGroup(p)));
      return;
    }
    const ref = this.ref;
    const r = await attempt(this.context(items), (signal, timeoutMs) =>
      this.env.client.predictions(this.target, ref, items.map((i) => i.input), this.callOptions(signal, timeoutMs)),
    );
    this.summary.requests++;
    if (r.ok) {
      this.env.caps.batch = true;
      const answer = r.value;
      await Promise.all(
        items.map((item, i) => {
          const a = answer.items[i]!;
          const base: Base = a.error
            ? this.failure({ ...a.error, requestId: a.error.requestId ?? answer.requestId }, r.attempts, answer.roundTripMs)
            : { ok: true, result: a.result!, requestId: answer.requestId, processingTimeMs: a.processingTimeMs, roundTripMs: answer.roundTripMs, attempts: r.attempts };
          return this.deliver(item, base);
        }),
      );
      return;
    }
    const err = r.error.info;
    const status = err.httpStatus;
    if ((status === 404 || status === 405) && this.env.caps.batch !== true) {
      this.env.caps.batch = false;
      this.env.logger.info('engine: no batch endpoint; sending rows one at a time', { status, requestId: err.requestId });
      await this.sendGroup(items);
      return;
    }
    if (status === 413) {
      this.env.caps.maxBatch = Math.max(1, Math.min(this.env.caps.maxBatch, Math.floor(items.length / 2)));
      this.env.logger.info('engine: batch too large; halving', { rows: items.length, maxBatch: this.env.caps.maxBatch });
      await this.splitAndSend(items);
      return;
    }
    if (status === 400 || status === 422) {
      const named = rowsNamedIn(err.details, items.length);
      if (named.size > 0) {
        const rest: Item[] = [];
        const failed: Promise<void>[] = [];
        items.forEach((item, i) => {
          if (named.has(i)) failed.push(this.deliver(item, this.failure(rowError(err, named.get(i)), r.attempts, r.lastMs)));
          else rest.push(item);
        });
        await Promise.all([...failed, this.sendGroup(rest)]);
        return;
      }
      await this.splitAndSend(items);
      return;
    }
    if (err.code === 'prediction_error' || err.code === 'bad_response') {
      // Some row made the model (or the answer) fail, but the server did not say which: bisect.
      await this.splitAndSend(items);
      return;
    }
    if (isRunStopping(err, false)) throw r.error;
    await Promise.all(items.map((item) => this.deliver(item, this.failure(err, r.attempts, r.lastMs))));
  }

  private async splitAndSend(items: Item[]): Promise<void> {
    const mid = Math.ceil(items.length / 2);
    await Promise.all([this.sendGroup(items.slice(0, mid)), this.sendGroup(items.slice(mid))]);
  }

  private async sendSingle(item: Item): Promise<void> {
    const r = await attempt(this.context([item]), (signal, timeoutMs) =>
      this.env.client.infer(this.target, this.ref, item.input, this.callOptions(signal, timeoutMs)),
    );
    this.summary.requests++;
    if (r.ok) {
      const a = r.value;
      await this.deliver(item, { ok: true, result: a.result, requestId: a.requestId, processingTimeMs: a.processingTimeMs, roundTripMs: a.roundTripMs, attempts: r.attempts });
      return;
    }
    if (isRunStopping(r.error.info, true)) throw r.error;
    await this.deliver(item, this.failure(r.error.info, r.attempts, r.lastMs));
  }
}
