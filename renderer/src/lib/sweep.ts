import type { FieldSpec } from '../../../shared/domain/model';
import { fieldLabel, numberText } from '../../../shared/domain/labels';

export const MAX_SWEEP_POINTS = 500;

export type SweepValue = number | string | boolean;

export interface NumberRange {
  from: number;
  to: number;
  steps: number;
}

/** Whether a field can be varied in a what-if, and how. */
export function sweepKind(f: FieldSpec): 'range' | 'each' | null {
  if (f.type === 'number' || f.type === 'integer') return 'range';
  if (f.type === 'boolean') return 'each';
  if (f.type === 'choice' && (f.choices?.length ?? 0) > 0) return 'each';
  return null;
}

/** A starting range around the current value, kept inside the field's min/max. */
export function defaultRange(f: FieldSpec, current: unknown): NumberRange {
  const c = typeof current === 'number' && Number.isFinite(current) ? current : undefined;
  let from = f.min ?? (c !== undefined ? (c === 0 ? 0 : c / 2) : 0);
  let to = f.max ?? (c !== undefined ? (c === 0 ? 10 : c * 2) : 10);
  if (c !== undefined && f.min !== undefined && f.max !== undefined && f.max - f.min > Math.abs(c) * 10 && c > 0) {
    // A huge allowed range (0..10,000,000) says little about interesting values: stay near the current one.
    from = Math.max(f.min, c / 2);
    to = Math.min(f.max, c * 2);
  }
  if (from > to) [from, to] = [to, from];
  if (f.type === 'integer') {
    from = Math.ceil(from);
    to = Math.floor(to);
  }
  const steps = f.type === 'integer' ? Math.max(2, Math.min(10, to - from + 1)) : 10;
  return { from, to, steps };
}

/** Problems with a range as the person typed it, plain language; empty when it can run. */
export function checkRange(f: FieldSpec, r: NumberRange): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(r.from) || !Number.isFinite(r.to)) problems.push('Enter a number in both "From" and "To".');
  if (!Number.isInteger(r.steps) || r.steps < 2) problems.push('Use at least 2 steps.');
  else if (r.steps > MAX_SWEEP_POINTS) problems.push(`Use at most ${MAX_SWEEP_POINTS} steps.`);
  if (problems.length > 0) return problems;
  if (r.from >= r.to) problems.push('"From" must be smaller than "To".');
  if (f.min !== undefined && r.from < f.min) problems.push(`${fieldLabel(f.name)} cannot be below ${numberText(f.min)}.`);
  if (f.max !== undefined && r.to > f.max) problems.push(`${fieldLabel(f.name)} cannot be above ${numberText(f.max)}.`);
  return problems;
}

/** The values a sweep sends, in order: evenly spaced (integers rounded and deduplicated) or each allowed value. */
export function sweepValues(f: FieldSpec, r?: NumberRange): SweepValue[] {
  const kind = sweepKind(f);
  if (kind === 'each') return f.type === 'boolean' ? [false, true] : [...(f.choices ?? [])];
  if (kind === null || !r) return [];
  if (checkRange(f, r).length > 0) return [];
  const out: number[] = [];
  for (let i = 0; i < r.steps; i++) {
    let v = r.from + ((r.to - r.from) * i) / (r.steps - 1);
    v = f.type === 'integer' ? Math.round(v) : Number(v.toPrecision(10));
    if (out[out.length - 1] !== v) out.push(v);
  }
  return out;
}
