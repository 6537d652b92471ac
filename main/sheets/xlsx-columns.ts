import { isExactNumber, parseIsoDate, type XlsxColumnKind } from './xlsx-cells';
import type { XlsxColumn } from './xlsx-writer';

/**
 * The kind of each input column, judged from a sample of its rows (the first page of the job, say):
 * number when every non-empty value is a number or plain decimal text without a leading zero, date
 * when every one is a date or ISO date text, boolean when every one is true/false, text otherwise
 * (and for a column with no values). One "00123" in the sample keeps the whole column text, so an
 * identifier column never loses its zeros; a later value that does not fit is still written as text.
 */
export function guessColumnKinds(sample: Iterable<readonly unknown[]>, count: number): XlsxColumnKind[] {
  const fits = Array.from({ length: count }, () => ({ number: true, date: true, boolean: true, seen: false }));
  for (const row of sample) {
    for (let c = 0; c < count; c++) {
      const v = row[c];
      if (v === null || v === undefined || v === '') continue;
      const f = fits[c]!;
      f.seen = true;
      const s = typeof v === 'string' ? v.trim() : null;
      if (f.number && !(typeof v === 'number' || (s !== null && isExactNumber(s)))) f.number = false;
      if (f.date && !(v instanceof Date || (s !== null && parseIsoDate(s) !== null))) f.date = false;
      if (f.boolean && !(typeof v === 'boolean' || (s !== null && /^(true|false)$/i.test(s)))) f.boolean = false;
    }
  }
  return fits.map((f) => (!f.seen ? 'text' : f.number ? 'number' : f.date ? 'date' : f.boolean ? 'boolean' : 'text'));
}

/**
 * The columns of a results workbook from the export's header (input columns, result fields, then
 * status, error and request_id): the input columns with their kinds, each result field written by its
 * value's own type, the last three as text.
 */
export function xlsxColumns(header: readonly string[], inputKinds: readonly XlsxColumnKind[]): XlsxColumn[] {
  const tail = 3;
  if (header.length < inputKinds.length + tail) {
    throw new Error(`The export header has ${header.length} columns, fewer than the ${inputKinds.length} input columns plus status, error and request_id.`);
  }
  return header.map((name, i) => ({ name, kind: i < inputKinds.length ? inputKinds[i]! : i >= header.length - tail ? 'text' : 'auto' }));
}
