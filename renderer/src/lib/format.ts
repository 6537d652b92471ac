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

/** How a number is shown: as money, as a share (0.82 → "82%"), or plain. */
export type NumberUnit = 'currency' | 'percent' | null;

const MONEY_FIELD = /price|cost|amount|charge|revenue|salary|income|value|usd|dollar/i;
const PERCENT_FIELD = /confidence|probabilit|proba\b|^p_|likelihood|certainty/i;
const MONEY_WORDS = /\b(?:in|of|as) (?:US dollars|dollars|USD|euros|EUR|pounds|GBP)\b|\$|€|£/i;

/**
 * The unit of a model's output field: money when the model card says its prediction is in a
 * currency ("estimates a sale price in US dollars") or the field's name says so (price, cost,
 * revenue…), a share for confidences and probabilities, nothing otherwise. The one rule for the
 * form, results, charts, history and Monitoring.
 */
export function resultUnit(field: string, modelDescription?: string | null): NumberUnit {
  const name = field.split('.').pop() ?? field;
  if (PERCENT_FIELD.test(field)) return 'percent';
  if (MONEY_FIELD.test(name)) return 'currency';
  if (modelDescription && MONEY_WORDS.test(modelDescription) && /predict|estimate|forecast|^value$|^result$|^output$/i.test(name)) return 'currency';
  return null;
}

function plain(n: number, money: boolean): string {
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 0.0001) return n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
  const digits = Number.isInteger(n) ? 0 : abs >= 1000 ? 0 : abs >= 1 ? 2 : 4;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: money && !Number.isInteger(n) && abs < 1000 && abs >= 1 ? 2 : 0 });
}

/**
 * One number as a person reads it: grouped thousands and never an exponent ("1,050,000", not
 * "1.05e+6"); money with its sign ("$389,480", "$12.50"); a share of 0–1 as a percentage ("82.4%").
 * The unit is the field's (see resultUnit) unless given.
 */
export function formatNumber(n: number, field = '', unit: NumberUnit = resultUnit(field)): string {
  if (!Number.isFinite(n)) return String(n);
  if (unit === 'percent' && n >= 0 && n <= 1) return `${(n * 100).toLocaleString('en-US', { maximumFractionDigits: 1 })}%`;
  const money = unit === 'currency';
  const text = plain(n, money);
  return money && Math.abs(n) >= 1 ? `$${text}`.replace('$-', '-$') : text;
}

/** A histogram bin or any range: "$984,000 – $1,123,000", "80% – 90%". */
export function formatRange(from: number, to: number, field = '', unit: NumberUnit = resultUnit(field)): string {
  return from === to ? formatNumber(from, field, unit) : `${formatNumber(from, field, unit)} – ${formatNumber(to, field, unit)}`;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '—';
  return JSON.stringify(v);
}

/** A value of a model's output field, in the field's unit (results grid, history, Monitoring). */
export function formatResultValue(v: unknown, field: string, unit: NumberUnit = resultUnit(field)): string {
  return typeof v === 'number' ? formatNumber(v, field, unit) : formatValue(v);
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
  return { kind: 'other', entries: Object.entries(result).map(([field, v]) => ({ field, text: formatResultValue(v, field) })) };
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

/** A chart bin's label: a numeric bin's range (or value) in the field's unit, any other bin's own label. */
export function binLabel(bin: { label: string; from?: number | undefined; to?: number | undefined }, field: string, unit: NumberUnit = resultUnit(field)): string {
  return bin.from !== undefined && bin.to !== undefined ? formatRange(bin.from, bin.to, field, unit) : bin.label;
}
