/**
 * How one value becomes one .xlsx cell value, by the column's kind. Text always goes out as inline
 * rich text (`t="inlineStr"`), never as a plain JS string or an object exceljs could read as a
 * formula, hyperlink or error: whatever a text cell holds, Excel shows it as typed.
 */

export type XlsxColumnKind = 'number' | 'date' | 'text' | 'boolean' | 'auto';

/** What exceljs gets for one cell: a number, boolean, Date, inline text, or null for an empty cell. */
export type XlsxCellValue = number | boolean | Date | { richText: [{ text: string }] } | null;

/** Excel refuses a cell longer than this many characters. */
export const MAX_CELL_CHARS = 32_767;

/** Excel's first date (1900-01-01); earlier instants have no serial number and are written as text. */
const EXCEL_EPOCH_MS = Date.UTC(1900, 0, 1);
/** Excel's last date (9999-12-31 23:59:59.999). */
const EXCEL_END_MS = Date.UTC(10000, 0, 1) - 1;

/** A decimal number as a person types it; a leading zero before another digit ("00123") is an identifier, not a number. */
const PLAIN_NUMBER = /^[+-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^[+-]?(?:0|[1-9]\d*)?\.\d+(?:[eE][+-]?\d+)?$/;
/** ISO dates: `2024-03-05`, `2024-03-05T14:30`, `2024-03-05 14:30:00.5`, with `Z` or `±hh:mm` optional. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Plain decimal text that a double holds exactly as typed: at most 15 significant digits, so a long
 * account or card number is never rounded (Excel keeps only 15 too).
 */
export function isExactNumber(value: string): boolean {
  if (!PLAIN_NUMBER.test(value)) return false;
  const mantissa = value.replace(/[eE].*$/, '').replace(/[^\d]/g, '').replace(/^0+/, '');
  return mantissa.replace(/0+$/, '').length <= 15 && Number.isFinite(Number(value));
}

/** Result of converting one value; `cut` says the text was shortened to Excel's cell limit. */
export interface ConvertedCell {
  value: XlsxCellValue;
  /** The date's format: date only or date and time; undefined for anything else. */
  dateFormat?: 'date' | 'datetime';
  cut?: boolean;
}

function text(value: string): ConvertedCell {
  if (value === '') return { value: null };
  if (value.length > MAX_CELL_CHARS) return { value: { richText: [{ text: value.slice(0, MAX_CELL_CHARS) }] }, cut: true };
  return { value: { richText: [{ text: value }] } };
}

function inExcelRange(ms: number): boolean {
  return ms >= EXCEL_EPOCH_MS && ms <= EXCEL_END_MS;
}

function dateCell(date: Date, dateOnly: boolean): ConvertedCell | null {
  const ms = date.getTime();
  if (Number.isNaN(ms) || !inExcelRange(ms)) return null;
  return { value: date, dateFormat: dateOnly ? 'date' : 'datetime' };
}

/**
 * An ISO date string as a Date. Without a zone the wall-clock time is kept as written (it is stored as
 * UTC, which is how exceljs turns a Date into Excel's zone-less serial); with one it is converted to UTC.
 */
export function parseIsoDate(value: string): { date: Date; dateOnly: boolean } | null {
  const m = ISO_DATE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo) - 1;
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const ms = frac === undefined ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  let t = Date.UTC(year, month, day, hour, minute, second, ms);
  const check = new Date(Date.UTC(year, month, day));
  // Reject 2024-02-30 and 25:00 rather than let Date roll them over.
  if (check.getUTCMonth() !== month || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return { date: new Date(t), dateOnly: h === undefined };
}

/** Any value as the text a person would read: JSON for objects and arrays, ISO for dates. */
export function valueText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return '';
    case 'object':
      if (value === null) return '';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
      return JSON.stringify(value) ?? '';
    default:
      return String(value);
  }
}

/**
 * One value as a cell of a column of `kind`:
 * - number: JS numbers, and text that is a plain decimal number without a leading zero and with at most
 *   15 significant digits ("85.09", "-3e2");
 * - date: Date objects and ISO date text between 1900 and 9999;
 * - boolean: JS booleans, and the text true/false in any case;
 * - auto: by the value's JS type (number, boolean, Date), text stays text;
 * - text: always text.
 * Whatever does not fit its column's kind is written as text, so nothing is lost; null, undefined and
 * the empty string are empty cells; non-finite numbers are written as their text ("NaN").
 */
export function toCell(value: unknown, kind: XlsxColumnKind): ConvertedCell {
  if (value === null || value === undefined || value === '') return { value: null };
  if (kind === 'text') return text(valueText(value));
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : text(String(value));
  if (typeof value === 'boolean') return { value };
  if (value instanceof Date) return dateCell(value, false) ?? text(valueText(value));
  if (typeof value === 'string') {
    if (kind === 'number' && isExactNumber(value.trim())) return { value: Number(value.trim()) };
    if (kind === 'boolean') {
      const lower = value.trim().toLowerCase();
      if (lower === 'true') return { value: true };
      if (lower === 'false') return { value: false };
    }
    if (kind === 'date') {
      const parsed = parseIsoDate(value);
      const cell = parsed && dateCell(parsed.date, parsed.dateOnly);
      if (cell) return cell;
    }
    return text(value);
  }
  return text(valueText(value));
}
