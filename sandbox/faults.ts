import { seededRandom as createRng, type Rng } from '../shared/seeded-random';
import type { FaultConfig } from './types';

/** The fault settings (see FaultConfig in types.ts). */
export type FaultSettings = FaultConfig;

export const defaultFaults: FaultSettings = {
  seed: 1,
  p429: 0,
  p500: 0,
  p502: 0,
  p503: 0,
  p504: 0,
  pDrop: 0,
  pTruncate: 0,
  pSlow: 0,
  slowMs: 30000,
  latencyMs: 0,
  latencyJitterMs: 0,
  retryAfterSeconds: 1,
  retryAfterAsDate: false,
};

export type FaultKind = 'drop' | 'truncate' | '429' | '500' | '502' | '503' | '504';

export interface FaultDecision {
  /** undefined: answer normally. */
  kind: FaultKind | undefined;
  /** Milliseconds to hold the answer back (latency, jitter and a slow answer together). */
  delayMs: number;
  slow: boolean;
}

const order: readonly [FaultKind, 'pDrop' | 'pTruncate' | 'p429' | 'p500' | 'p502' | 'p503' | 'p504'][] = [
  ['drop', 'pDrop'],
  ['truncate', 'pTruncate'],
  ['429', 'p429'],
  ['500', 'p500'],
  ['502', 'p502'],
  ['503', 'p503'],
  ['504', 'p504'],
];

/**
 * Decides, request by request, which fault (if any) to inject. Each request takes exactly three
 * draws from the seeded generator whatever the settings, so the same seed and the same order of
 * requests give the same faults.
 */
export class FaultPicker {
  private settings: FaultSettings;
  private rng: Rng;

  constructor(settings: Partial<FaultSettings> = {}) {
    this.settings = { ...defaultFaults, ...settings };
    this.rng = createRng(this.settings.seed);
  }

  get current(): FaultSettings {
    return this.settings;
  }

  /** Changing the seed restarts the sequence; changing anything else keeps it going. */
  update(patch: Partial<FaultSettings>): void {
    const reseed = patch.seed !== undefined;
    this.settings = { ...this.settings, ...patch };
    if (reseed) this.rng = createRng(this.settings.seed);
  }

  /** True when no fault or delay can happen, so the server can skip the bookkeeping. */
  get inactive(): boolean {
    const s = this.settings;
    return s.p429 + s.p500 + s.p502 + s.p503 + s.p504 + s.pDrop + s.pTruncate + s.pSlow === 0 && s.latencyMs === 0 && s.latencyJitterMs === 0;
  }

  next(): FaultDecision {
    const s = this.settings;
    const pick = this.rng();
    const slowDraw = this.rng();
    const jitterDraw = this.rng();
    let kind: FaultKind | undefined;
    let edge = 0;
    for (const [k, p] of order) {
      edge += s[p];
      if (pick < edge) {
        kind = k;
        break;
      }
    }
    const slow = slowDraw < s.pSlow;
    const delayMs = s.latencyMs + jitterDraw * s.latencyJitterMs + (slow ? s.slowMs : 0);
    return { kind, delayMs, slow };
  }
}

/** Reasons a fault setting is unusable, in plain words; empty when all are fine. */
export function checkFaultSettings(f: Partial<FaultSettings>): string[] {
  const problems: string[] = [];
  const probabilities = ['p429', 'p500', 'p502', 'p503', 'p504', 'pDrop', 'pTruncate', 'pSlow'] as const;
  for (const name of probabilities) {
    const v = f[name];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) problems.push(`faults.${name} must be a probability between 0 and 1 (got ${String(v)})`);
  }
  const sum = probabilities.filter((n) => n !== 'pSlow').reduce((acc, n) => acc + (f[n] ?? 0), 0);
  if (sum > 1 + 1e-9) problems.push(`faults: the probabilities of 429, 500, 502, 503, 504, drop and truncate add up to ${sum}; they must add up to at most 1`);
  for (const name of ['slowMs', 'latencyMs', 'latencyJitterMs', 'retryAfterSeconds'] as const) {
    const v = f[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) problems.push(`faults.${name} must be a number of 0 or more (got ${String(v)})`);
  }
  if (f.retryAfterAsDate !== undefined && typeof f.retryAfterAsDate !== 'boolean') problems.push('faults.retryAfterAsDate must be true or false');
  if (f.seed !== undefined && !(typeof f.seed === 'number' && Number.isFinite(f.seed))) problems.push(`faults.seed must be a number (got ${String(f.seed)})`);
  return problems;
}
