/** Turning a model's answer into something a person reads. */
import { fieldLabel } from '../../../shared/domain/labels';

export type ResultSummary =
  | { kind: 'class'; label: string; confidence: number | null; field: string; probabilities: { label: string; p: number }[] }
  | { kind: 'number'; field: string; value: number; text: string }
  | { kind: 'other'; entries: { field: string; text: string }[] };

const CLASS_KEYS = ['predicted_class', 'class', 'label', 'predicted_label', 'prediction', 'category'];
const CONFIDENCE_KEYS = ['confidence', 'probability', 'score', 'proba'];

function isProbabilityMap(v: unknown): v is Record<string, number> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const values = Object.values(v);
  return values.length > 0 && values.every((x) => typeof x === 'number' && x >= 0 && x <= 1);
}

export function formatNumber(n: number, field = ''): string {
  const money = /price|cost|amount|charge|revenue|salary|income|value|usd|dollar/i.test(field);
  const abs = Math.abs(n);
  const digits = Number.isInteger(n) ? 0 : abs >= 1000 ? 0 : abs >= 1 ? 2 : 4;
  const text = n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: money && !Number.isInteger(n) && abs < 1000 ? 2 : 0 });
  return money && abs >= 1 ? `$${text}`.replace('$-', '-$') : text;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '—';
  return JSON.stringify(v);
}

/** The predicted class with its confidence, or the predicted number, or each returned field. */
export function summarizeResult(result: Record<string, unknown>): ResultSummary {
  const classKey = CLASS_KEYS.find((k) => typeof result[k] === 'string' || typeof result[k] === 'boolean');
  if (classKey !== undefined) {
    const confKey = CONFIDENCE_KEYS.find((k) => typeof result[k] === 'number');
    const probsKey = Object.keys(result).find((k) => /prob/i.test(k) && isProbabilityMap(result[k]));
    const probabilities = probsKey
      ? Object.entries(result[probsKey] as Record<string, number>)
          .map(([label, p]) => ({ label, p }))
          .sort((a, b) => b.p - a.p)
      : [];
    const label = String(result[classKey]);
    let confidence = confKey !== undefined ? (result[confKey] as number) : null;
    if (confidence === null) confidence = probabilities.find((p) => p.label === label)?.p ?? null;
    if (confidence !== null && confidence > 1 && confidence <= 100) confidence /= 100;
    return { kind: 'class', label, confidence, field: classKey, probabilities };
  }
  const numbers = Object.entries(result).filter(([, v]) => typeof v === 'number') as [string, number][];
  const first = numbers.find(([k]) => /predict|value|score|estimate|result|output/i.test(k)) ?? numbers[0];
  if (first && numbers.length === 1 && Object.keys(result).length === 1) {
    return { kind: 'number', field: first[0], value: first[1], text: formatNumber(first[1], first[0]) };
  }
  if (first && Object.keys(result).length <= 3 && /predict/i.test(first[0])) {
    return { kind: 'number', field: first[0], value: first[1], text: formatNumber(first[1], first[0]) };
  }
  return { kind: 'other', entries: Object.entries(result).map(([field, v]) => ({ field, text: formatValue(v) })) };
}

/** "predicted_price" → "Predicted price" (the one labelling rule, shared with main's messages). */
export const humanize = fieldLabel;

/** The heading over a predicted value: a class key says nothing a person needs, a named output keeps its name. */
export function outputLabel(field: string): string {
  return CLASS_KEYS.includes(field) ? 'Prediction' : fieldLabel(field);
}

/** "± $41,250 typical error" from the model card's RMSE (or MAE), when it has one. */
export function typicalError(field: string, metrics: Record<string, number> | null | undefined): string | null {
  const entry = Object.entries(metrics ?? {}).find(([k]) => k.toLowerCase() === 'rmse') ?? Object.entries(metrics ?? {}).find(([k]) => k.toLowerCase() === 'mae');
  if (!entry || !Number.isFinite(entry[1]) || entry[1] <= 0) return null;
  return `± ${formatNumber(Math.round(entry[1] * 100) / 100, field)} typical error`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** How old a saved key is, and whether to suggest replacing it (after `rotateAfterDays`, a setting; 90 by default). */
export function keyAge(savedAt: string | null, now: Date = new Date(), rotateAfterDays = 90): { text: string; rotate: boolean; days: number | null } {
  if (!savedAt) return { text: 'date unknown', rotate: false, days: null };
  const t = Date.parse(savedAt);
  if (Number.isNaN(t)) return { text: 'date unknown', rotate: false, days: null };
  const days = Math.max(0, Math.floor((now.getTime() - t) / 86_400_000));
  const text = days === 0 ? 'saved today' : days === 1 ? 'saved yesterday' : `saved ${days} days ago`;
  return { text, rotate: days >= rotateAfterDays, days };
}
