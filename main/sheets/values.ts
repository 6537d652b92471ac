import type { FieldSpec } from '../../shared/domain/model';

/**
 * Reading category values and numbers as people type them. Category values match an allowed value
 * ignoring case, spacing, punctuation and hyphens; what still matches nothing can be mapped by the
 * person (a value map). Numbers with currency signs, thousands separators, a unit word or a decimal
 * comma are read per column: the way a column writes its numbers is decided once, on a sample of
 * its values, never guessed row by row.
 */

/** "Month-to-month", "month to month", " MONTH_TO_MONTH." → "monthtomonth". */
export function choiceKey(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Field → (value as written → allowed value). Keys are matched by `choiceKey`, so spelling variants of a mapped value follow it. */
export type ValueMaps = Record<string, Record<string, string>>;

/** A lookup from any spelling to the allowed value, for one category field (with the person's value map, if any). */
export function choiceMatcher(f: FieldSpec, map?: Readonly<Record<string, string>>): (value: string) => string | null {
  const choices = f.choices ?? [];
  const byKey = new Map<string, string | null>();
  for (const c of choices) {
    const k = choiceKey(c);
    // Two allowed values that differ only in punctuation ("A-B" and "AB") would be ambiguous.
    byKey.set(k, byKey.has(k) && byKey.get(k) !== c ? null : c);
  }
  const mapped = new Map<string, string>();
  for (const [from, to] of Object.entries(map ?? {})) if (choices.includes(to)) mapped.set(choiceKey(from), to);
  return (value) => {
    if (choices.includes(value)) return value;
    const k = choiceKey(value);
    if (k === '') return null;
    return mapped.get(k) ?? byKey.get(k) ?? null;
  };
}

// ---------------------------------------------------------------------------------------------
// Numbers, decided per column.
// ---------------------------------------------------------------------------------------------

/** How one column writes its numbers, decided on a sample. */
export interface NumberFormat {
  /** The decimal mark; '.' unless the sample shows a decimal comma (or thousands written with dots). */
  decimal: '.' | ',';
  /** A unit or currency word written after (or before) the numbers, removed before reading ("USD", "sq ft", "bed"). */
  unit: string | null;
}

const CURRENCY_SIGNS = '$€£¥₹';
/** A number with optional currency sign, sign, groups and decimals, then an optional unit word. */
const SHAPE = new RegExp(
  `^\\(?([+-]?)\\s*([${CURRENCY_SIGNS}]?)\\s*([+-]?)(\\d[\\d.,\\u00a0\\u202f' ]*|[.,]\\d+)\\s*([${CURRENCY_SIGNS}]?)\\)?\\s*([\\p{L}][\\p{L}.² /]*)?$`,
  'u',
);

function splitUnit(text: string): { number: string; unit: string | null } | null {
  const m = SHAPE.exec(text.trim());
  if (!m) return null;
  const unit = m[6] ? m[6].trim().replace(/\.$/, '').toLowerCase() : null;
  const number = text.trim().slice(0, m[6] ? text.trim().length - m[6].length : undefined).trim();
  return { number, unit: unit === '' ? null : unit };
}

/** The unit's stem, so "bed" and "beds", "sq ft" and "sq. ft." count as one unit. */
function unitStem(unit: string): string {
  const k = unit.replace(/[^\p{L}²]+/gu, '');
  return k.length > 3 && k.endsWith('s') ? k.slice(0, -1) : k;
}

const DECIMAL_COMMA_EVIDENCE = [/^\d+,\d{1,2}$/, /^\d+,\d{4,}$/, /^\d{1,3}(\.\d{3})+,\d+$/, /^\d{1,3}(\.\d{3}){2,}$/];
const DECIMAL_POINT_EVIDENCE = [/^\d+\.\d{1,2}$/, /^\d+\.\d{4,}$/, /^\d{1,3}(,\d{3})+\.\d+$/, /^\d{1,3}(,\d{3}){2,}$/];

/**
 * Decides how a column writes its numbers from sample values: the decimal mark (a comma only when
 * some value can only be read with one, such as "3,5" or "1.950,5", and none with a decimal point;
 * `fallbackDecimal` when no value shows either, e.g. the mark the sheet's other columns show) and a
 * unit word, when all values that have one share it. Null when the sample holds no numbers.
 */
export function decideNumberFormat(sample: readonly string[], fallbackDecimal: '.' | ',' = '.'): NumberFormat | null {
  let comma = 0;
  let point = 0;
  let numbers = 0;
  const units = new Map<string, { n: number; spelling: string }>();
  for (const raw of sample) {
    const parts = splitUnit(raw);
    if (!parts) continue;
    numbers++;
    const digits = parts.number.replace(/[^\d.,]/g, '');
    if (DECIMAL_COMMA_EVIDENCE.some((r) => r.test(digits))) comma++;
    if (DECIMAL_POINT_EVIDENCE.some((r) => r.test(digits))) point++;
    if (parts.unit) {
      const stem = unitStem(parts.unit);
      const u = units.get(stem);
      if (u) u.n++;
      else units.set(stem, { n: 1, spelling: parts.unit });
    }
  }
  if (numbers === 0) return null;
  let unit: string | null = null;
  const withUnit = [...units.values()].reduce((s, u) => s + u.n, 0);
  const top = [...units.entries()].sort((a, b) => b[1].n - a[1].n)[0];
  if (top && top[1].n === withUnit) unit = top[0];
  return { decimal: comma > 0 && point === 0 ? ',' : point > 0 ? '.' : fallbackDecimal, unit };
}

/** The decimal mark a column's sample shows unambiguously ("3,5", "1.950,5" or "2.5", "1,950.5"), or null. */
export function decimalEvidence(sample: readonly string[]): '.' | ',' | null {
  let comma = 0;
  let point = 0;
  for (const raw of sample) {
    const parts = splitUnit(raw);
    if (!parts) continue;
    const digits = parts.number.replace(/[^\d.,]/g, '');
    if (DECIMAL_COMMA_EVIDENCE.some((r) => r.test(digits))) comma++;
    if (DECIMAL_POINT_EVIDENCE.some((r) => r.test(digits))) point++;
  }
  return comma > 0 && point === 0 ? ',' : point > 0 && comma === 0 ? '.' : null;
}

const GROUP_CHARS = /[\u00a0\u202f' ]/g;

/**
 * Reads `text` as a number written the column's way, or null. Accepts currency signs before or
 * after, accounting negatives "(1,200)", the column's unit word, and thousands groups that fit the
 * decimal mark; refuses percentages and anything else (a stray letter, two decimal marks).
 */
export function readNumber(text: string, format: NumberFormat): number | null {
  const parts = splitUnit(text);
  if (!parts) return null;
  if (parts.unit && (format.unit === null || unitStem(parts.unit) !== format.unit)) return null;
  let s = parts.number;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  s = s.replace(new RegExp(`[${CURRENCY_SIGNS}]`, 'g'), '').trim();
  let sign = '';
  while (s.startsWith('-') || s.startsWith('+')) {
    if (sign !== '') return null;
    sign = s[0]!;
    s = s.slice(1).trim();
  }
  s = s.replace(GROUP_CHARS, '');
  const [dec, group] = format.decimal === '.' ? ['.', ','] : [',', '.'];
  const grouped = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+(\\${dec}\\d+)?$`);
  const plain = new RegExp(`^(\\d+(\\${dec}\\d*)?|\\${dec}\\d+)$`);
  let normalized: string;
  if (grouped.test(s)) normalized = s.split(group).join('');
  else if (plain.test(s)) normalized = s;
  else return null;
  if (dec === ',') normalized = normalized.replace(',', '.');
  const n = Number(normalized);
  if (!Number.isFinite(n)) return null;
  const signed = sign === '-' ? -n : n;
  return negative ? -signed : signed;
}

/** What was done to a column's numbers, in plain words; null when nothing needed saying. */
export function describeNumberFormat(column: string, f: NumberFormat): string | null {
  const parts: string[] = [];
  if (f.decimal === ',') parts.push('a comma is its decimal mark (dots group thousands)');
  if (f.unit) parts.push(`the unit "${f.unit}" after the numbers was removed`);
  if (parts.length === 0) return null;
  return `Column "${column}": ${parts.join('; ')}.`;
}
