import type { FieldSpec } from '../../../shared/domain/model';
import { coerceInput, type FieldProblem } from '../../../shared/domain/schema-convert';

/**
 * What the form's controls hold: text for number/text/choice inputs (so "12." while typing is not
 * lost), a boolean for yes/no switches, '' for an optional yes/no left unset.
 */
export type RawValue = string | boolean;
export type RawValues = Record<string, RawValue>;

/** The typed values to send and every problem with them, keyed by field name. */
export function readForm(fields: readonly FieldSpec[], raw: RawValues): { values: Record<string, unknown>; problems: Map<string, string> } {
  const { values, problems } = coerceInput(fields, raw);
  const known = new Set(fields.map((f) => f.name));
  for (const k of Object.keys(values)) if (!known.has(k)) delete values[k];
  return { values, problems: problemMap(problems) };
}

export function problemMap(problems: readonly FieldProblem[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of problems) if (!out.has(p.field)) out.set(p.field, p.message);
  return out;
}

/** Typed values (from a pasted JSON object, an example, the last prediction) → what the controls show. */
export function toRaw(fields: readonly FieldSpec[], values: Record<string, unknown>): RawValues {
  const raw: RawValues = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.type === 'boolean') {
      if (typeof v === 'boolean') raw[f.name] = v;
      else if (typeof v === 'string' && /^(true|yes|y|1)$/i.test(v.trim())) raw[f.name] = true;
      else if (typeof v === 'string' && /^(false|no|n|0)$/i.test(v.trim())) raw[f.name] = false;
      else raw[f.name] = f.required ? false : '';
    } else if (v === undefined || v === null) {
      raw[f.name] = '';
    } else if (typeof v === 'object') {
      raw[f.name] = JSON.stringify(v);
    } else {
      raw[f.name] = String(v);
    }
  }
  return raw;
}

/** Empty controls for a schema: switches off, everything else blank. */
export function emptyRaw(fields: readonly FieldSpec[]): RawValues {
  return toRaw(fields, {});
}

export interface PastedValues {
  raw: RawValues;
  /** Keys in the pasted object that match no field (ignored, but said). */
  unknown: string[];
  /** Fields the pasted object did not mention (left as they were). */
  missing: string[];
}

/**
 * A JSON object a colleague handed over → the form's values. Accepts a bare object or an object
 * wrapped as `{"input": {...}}` / `{"features": {...}}` (the way request logs often show it).
 * Throws an Error with a plain message when the text is not usable.
 */
export function parsePastedJson(fields: readonly FieldSpec[], text: string, current: RawValues): PastedValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim());
  } catch {
    throw new Error('This is not valid JSON. Paste an object such as {"age": 42, "city": "Leeds"}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('Paste one JSON object with a value for each field, such as {"age": 42} (not a list or a single value).');
  }
  let obj = parsed as Record<string, unknown>;
  const names = new Set(fields.map((f) => f.name));
  for (const wrapper of ['input', 'features', 'inputs', 'data']) {
    const inner = obj[wrapper];
    if (!names.has(wrapper) && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      obj = inner as Record<string, unknown>;
      break;
    }
  }
  const matched = fields.filter((f) => f.name in obj);
  if (matched.length === 0) {
    throw new Error(`None of the pasted keys match this model's fields (${fields.map((f) => f.name).join(', ')}).`);
  }
  const fresh = toRaw(matched, obj);
  return {
    raw: { ...current, ...fresh },
    unknown: Object.keys(obj).filter((k) => !names.has(k)),
    missing: fields.filter((f) => !(f.name in obj)).map((f) => f.name),
  };
}

/**
 * Realistic values for common feature names when the schema gives no range (Plexe's flat
 * describe says only "float" or "int"): a house has 3 bedrooms, not 1 square foot.
 */
const TYPICAL_NUMBERS: [RegExp, number][] = [
  [/sq(uare)?_?(f(oo|ee)?t(age)?|m(etres|eters)?)|floor_?area|living_?area|\barea\b|size/i, 1500],
  [/bed_?rooms?|\bbeds?\b/i, 3],
  [/bath_?rooms?|\bbaths?\b/i, 2],
  [/rooms?|floors?|stor(e)?ys?|garages?|cars?|children|kids|dependents/i, 2],
  [/credit_?score|fico/i, 680],
  [/\bage\b|age_?years/i, 40],
  [/year_?built|\byear\b/i, 2000],
  [/tenure|months?/i, 24],
  [/employment|years?|experience/i, 5],
  [/income|salary|revenue|earnings/i, 50000],
  [/loan|amount|balance|price|cost|value/i, 10000],
  [/charges?|bill|fee|payment/i, 65],
  [/calls?|visits?|tickets?|complaints?|count|number|num_|qty|quantity/i, 2],
  [/percent|pct|rate|ratio/i, 5],
  [/score|rating/i, 7],
];

/** A realistic, round number for a field: inside its min/max, typical for its name, else a small positive value. */
function niceNumber(f: FieldSpec): number {
  const lo = f.min;
  const hi = f.max;
  const typical = TYPICAL_NUMBERS.find(([re]) => re.test(f.name))?.[1];
  let n: number;
  if (typical !== undefined && (lo === undefined || typical >= lo) && (hi === undefined || typical <= hi)) n = typical;
  else if (lo !== undefined && hi !== undefined) {
    // A value near the low end of a wide range looks more like real data than the midpoint of 0..1e7.
    const span = hi - lo;
    n = lo + span * (span > 1000 ? 0.1 : 0.5);
  } else if (lo !== undefined) n = lo === 0 ? 1 : lo * 2;
  else if (hi !== undefined) n = Math.min(hi, 1);
  else n = 1;
  n = roundNicely(n);
  if (lo !== undefined && n < lo) n = lo;
  if (hi !== undefined && n > hi) n = hi;
  return f.type === 'integer' ? Math.round(n) : n;
}

/** 1,437 → 1,400; 63.7 → 64: examples read like values people type. */
function roundNicely(n: number): number {
  const abs = Math.abs(n);
  if (abs >= 1000) {
    const step = 10 ** (Math.floor(Math.log10(abs)) - 1);
    return Math.round(n / step) * step;
  }
  return abs >= 10 ? Math.round(n) : Number(n.toFixed(2));
}

/** A stand-in for free text: never empty when the field is required. */
function exampleText(f: FieldSpec): string {
  if (/e-?mail/i.test(f.name)) return 'alex@example.com';
  if (/country/i.test(f.name)) return 'US';
  if (/city|town/i.test(f.name)) return 'Springfield';
  if (/name/i.test(f.name)) return 'Alex Example';
  return f.required ? 'example' : '';
}

/**
 * An example input for a schema so the form can be tried at once: a remembered example when there
 * is one (the demo models' first sample row, or the last input this model accepted), else a
 * plausible value per field — inside its min/max, one of its allowed values, a typical value for
 * its name and type. A required field is never left empty.
 */
export function exampleValues(fields: readonly FieldSpec[], known?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (known && f.name in known && known[f.name] !== null && known[f.name] !== undefined && known[f.name] !== '') {
      out[f.name] = known[f.name];
      continue;
    }
    switch (f.type) {
      case 'number':
      case 'integer':
        out[f.name] = niceNumber(f);
        break;
      case 'choice':
        out[f.name] = f.choices?.[0] ?? '';
        break;
      case 'boolean':
        out[f.name] = false;
        break;
      case 'text':
        out[f.name] = exampleText(f);
        break;
    }
  }
  return out;
}
