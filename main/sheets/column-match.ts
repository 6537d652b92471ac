import type { FieldSpec } from '../../shared/domain/model';
import { choiceKey } from './values';

/**
 * Matching spreadsheet columns to model fields, each match with the reason it was made (the mapping
 * screen shows it, the CLI prints it). Names are compared after normalising: case, spaces and
 * punctuation, a unit in parentheses or after the name, a trailing "?", common short forms and
 * plurals. Category fields can also be matched by the values of a column (on a sample of rows).
 */

export type MatchHow = 'remembered' | 'exact' | 'name' | 'short-form' | 'description' | 'extra-word' | 'values';

export interface ColumnMatch {
  field: string;
  /** 0-based column index, or null when no column matched. */
  column: number | null;
  how: MatchHow | null;
  /** Plain words for the person, e.g. `"Sq. Ft." is a common short form of square_footage`. */
  reason: string;
}

export interface MatchOptions {
  /** A sample of data rows (the first hundred or so), for matching category fields by their values. */
  sampleRows?: readonly (readonly string[])[];
  /** Field → column name confirmed earlier for this model (see mapping-memory). */
  remembered?: Readonly<Record<string, string | null>>;
}

/** Words that name a unit or a period when they follow a name ("Price USD", "Tenure months"). */
const UNIT_WORDS = new Set([
  'usd', 'eur', 'gbp', 'jpy', 'inr', 'cad', 'aud', 'chf', 'dollar', 'dollars', 'euro', 'euros', 'pound', 'pounds',
  'month', 'months', 'mo', 'mos', 'year', 'years', 'yr', 'yrs', 'day', 'days', 'week', 'weeks', 'hour', 'hours', 'hrs', 'min', 'mins', 'minutes', 'sec', 'secs', 'seconds',
  'kg', 'kgs', 'g', 'lb', 'lbs', 'km', 'm', 'cm', 'mm', 'mi', 'miles', 'ft', 'in', 'pct', 'percent', 'sqm', 'm2', 'ms', 'gb', 'mb', 'kb',
]);

/** Short forms people write in headers → the words they stand for (applied to the whole word list first). */
const PHRASES: [RegExp, string][] = [
  [/\b(sq ft|sqft|sq feet|square feet|square foot|square footage|sf)\b/g, 'squarefootage'],
  [/\b(sq m|sqm|square meters|square metres|m2)\b/g, 'squaremeters'],
  [/\b(no of|num of|number of|nr of|count of)\b/g, 'number of'],
  [/\bdate of birth\b|\bdob\b/g, 'birthdate'],
  [/\bzip code\b|\bzipcode\b|\bpostal code\b|\bpostcode\b|\bzip\b/g, 'postcode'],
  [/\be mail\b/g, 'email'],
];

const WORDS: Record<string, string> = {
  bed: 'bedroom', beds: 'bedroom', br: 'bedroom', bdr: 'bedroom', bdrm: 'bedroom', bdrms: 'bedroom', bedrooms: 'bedroom',
  bath: 'bathroom', baths: 'bathroom', ba: 'bathroom', bths: 'bathroom', bathrooms: 'bathroom',
  qty: 'quantity', amt: 'amount', avg: 'average', pct: 'percent', perc: 'percent', dept: 'department', addr: 'address',
  tel: 'phone', ph: 'phone', telephone: 'phone', yr: 'year', yrs: 'year', mo: 'month', mos: 'month', mth: 'month', mths: 'month',
  cnt: 'count', num: 'number', no: 'number', nr: 'number', nbr: 'number', desc: 'description', temp: 'temperature', max: 'maximum', min: 'minimum',
  cust: 'customer', acct: 'account', prev: 'previous', tot: 'total', lat: 'latitude', lng: 'longitude', lon: 'longitude',
};

/** Words a column name may add to a field's name without changing what it means ("Contract Type" ↔ contract). */
const EXTRA_WORDS = new Set(['type', 'kind', 'category', 'status', 'name', 'code', 'value', 'flag', 'level', 'group', 'class', 'amount', 'total']);

function singular(w: string): string {
  if (w.length <= 3) return w;
  if (w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (/(xes|ches|shes|sses)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) return w.slice(0, -1);
  return w;
}

/** The name in plain lower-case words: parts in brackets, a trailing "?", punctuation and camelCase undone. */
export function nameWords(name: string): string[] {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, ' ')
    .replace(/&/g, ' and ')
    .replace(/#/g, ' number ')
    .replace(/%/g, ' percent ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return s === '' ? [] : s.split(' ');
}

/** Words without a unit at the end ("tenure months" → "tenure"); a name that is only a unit keeps it. */
function dropUnits(words: string[]): string[] {
  const out = [...words];
  while (out.length > 1 && UNIT_WORDS.has(out[out.length - 1]!)) out.pop();
  while (out.length > 1 && out[out.length - 2] === 'in' && UNIT_WORDS.has(out[out.length - 1]!)) out.splice(-2);
  if (out.length > 1 && out[out.length - 1] === 'in') out.pop();
  return out;
}

/** Case, spaces, punctuation, bracketed units and a trailing "?" ignored: "Tenure (months)" → "tenure". */
export function plainKey(name: string): string {
  return nameWords(name).join(' ');
}

/** Also short forms, units after the name and plurals: "Sq. Ft." → "squarefootage", "Beds" → "bedroom". */
export function canonicalKey(name: string): string {
  let text = nameWords(name).join(' ');
  for (const [re, to] of PHRASES) text = text.replace(re, to);
  return dropUnits(text.split(' ').filter((w) => w !== ''))
    .map((w) => singular(WORDS[w] ?? w))
    .map((w) => WORDS[w] ?? w)
    .join(' ');
}

const SCORE: Record<MatchHow, number> = { remembered: 100, exact: 90, name: 80, 'short-form': 70, description: 60, 'extra-word': 50, values: 40 };

interface Candidate {
  field: string;
  column: number;
  how: MatchHow;
  score: number;
  reason: string;
}

const q = (s: string): string => `"${s}"`;

function nameCandidate(column: string, index: number, f: FieldSpec): Candidate | null {
  const make = (how: MatchHow, reason: string, bonus = 0): Candidate => ({ field: f.name, column: index, how, score: SCORE[how] + bonus, reason });
  if (column.trim() === f.name) return make('exact', `the column is named ${f.name}`);
  const colPlain = plainKey(column);
  const fieldPlain = plainKey(f.name);
  if (colPlain !== '' && (colPlain === fieldPlain || colPlain.replace(/ /g, '') === fieldPlain.replace(/ /g, ''))) {
    return make('name', `${q(column.trim())} is ${f.name} written with other case, spaces or punctuation${/[([{]/.test(column) ? ' (the part in brackets is taken as a unit)' : ''}`);
  }
  const colKey = canonicalKey(column);
  const fieldKey = canonicalKey(f.name);
  if (colKey !== '' && colKey === fieldKey) return make('short-form', `${q(column.trim())} is a common short form, plural or unit-suffixed spelling of ${f.name}`);
  if (f.description) {
    const descKey = canonicalKey(f.description);
    if (colKey !== '' && colKey === descKey) return make('description', `${q(column.trim())} matches the field's description ("${f.description}")`);
    const descWords = new Set(descKey.split(' '));
    const colWords = colKey.split(' ');
    if (colWords.length >= 2 && colWords.every((w) => descWords.has(w))) {
      return make('description', `the words of ${q(column.trim())} all appear in the field's description ("${f.description}")`, -5);
    }
  }
  const colWords = colKey.split(' ');
  const fieldWords = fieldKey.split(' ');
  if (fieldKey !== '' && colWords.length === fieldWords.length + 1) {
    const extra = colWords.find((w) => !fieldWords.includes(w));
    if (extra && EXTRA_WORDS.has(extra) && fieldWords.every((w) => colWords.includes(w))) {
      return make('extra-word', `${q(column.trim())} is ${f.name} with the word "${extra}" added`);
    }
  }
  if (fieldKey !== '' && fieldWords.length === colWords.length + 1) {
    const extra = fieldWords.find((w) => !colWords.includes(w));
    if (extra && EXTRA_WORDS.has(extra) && colWords.every((w) => fieldWords.includes(w))) {
      return make('extra-word', `${q(column.trim())} is ${f.name} without the word "${extra}"`);
    }
  }
  return null;
}

/** Share of a column's non-blank sample values that are allowed values of `f` (ignoring case, spacing, punctuation). */
export function allowedShare(f: FieldSpec, sample: readonly (readonly string[])[], column: number): { share: number; filled: number } {
  const allowed = new Set((f.choices ?? []).map(choiceKey));
  let filled = 0;
  let hits = 0;
  for (const r of sample) {
    const v = (r[column] ?? '').trim();
    if (v === '') continue;
    filled++;
    if (allowed.has(choiceKey(v))) hits++;
  }
  return { share: filled === 0 ? 0 : hits / filled, filled };
}

/** A category column must have this share of allowed values (and a few filled cells) to match by values. */
const VALUES_MIN_SHARE = 0.8;
const VALUES_MIN_FILLED = 3;

/**
 * Matches columns to fields. Every pair that could match gets a score (remembered > exact name >
 * normalised name > short form/plural/unit > description > an extra word like "type" > values),
 * and pairs are taken best first, so each field gets at most one column and each column feeds at
 * most one field. Ties go to the field listed first, then to the left-most column.
 */
export function matchColumns(columns: readonly string[], fields: readonly FieldSpec[], opts: MatchOptions = {}): ColumnMatch[] {
  const candidates: Candidate[] = [];
  fields.forEach((f) => {
    const remembered = opts.remembered?.[f.name];
    if (remembered) {
      const i = columns.indexOf(remembered);
      if (i >= 0) candidates.push({ field: f.name, column: i, how: 'remembered', score: SCORE.remembered, reason: `you matched ${q(remembered)} to ${f.name} before for this model` });
    }
    columns.forEach((c, i) => {
      const cand = nameCandidate(c, i, f);
      if (cand) candidates.push(cand);
    });
    if (f.type === 'choice' && (f.choices?.length ?? 0) > 0 && opts.sampleRows && opts.sampleRows.length > 0) {
      columns.forEach((c, i) => {
        const { share, filled } = allowedShare(f, opts.sampleRows!, i);
        if (filled >= VALUES_MIN_FILLED && share >= VALUES_MIN_SHARE) {
          candidates.push({
            field: f.name,
            column: i,
            how: 'values',
            score: SCORE.values + share,
            reason: `${Math.round(share * 100)}% of the values in ${q(c.trim())} are allowed values of ${f.name} (${(f.choices ?? []).slice(0, 4).join(', ')}${(f.choices?.length ?? 0) > 4 ? ', …' : ''})`,
          });
        }
      });
    }
  });
  const order = new Map(fields.map((f, i) => [f.name, i]));
  candidates.sort((a, b) => b.score - a.score || order.get(a.field)! - order.get(b.field)! || a.column - b.column);
  const byField = new Map<string, Candidate>();
  const usedColumns = new Set<number>();
  for (const c of candidates) {
    if (byField.has(c.field) || usedColumns.has(c.column)) continue;
    byField.set(c.field, c);
    usedColumns.add(c.column);
  }
  return fields.map((f) => {
    const c = byField.get(f.name);
    return c ? { field: f.name, column: c.column, how: c.how, reason: c.reason } : { field: f.name, column: null, how: null, reason: 'no column has a similar name' };
  });
}
