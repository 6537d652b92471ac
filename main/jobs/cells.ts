/**
 * How a row's cells are stored (`job_rows.cells`). Usually the cells joined by the unit separator
 * (U+001F) behind one leading U+001F — several times cheaper to write and read than JSON, which
 * matters at a million rows. A row whose text itself holds U+001E or U+001F (never seen in real
 * spreadsheets, but possible) is stored as a JSON array instead, which always starts with `[`.
 * Neither form ever holds a raw U+001E, so the import can pass a whole batch as one string with
 * rows separated by U+001E.
 */
export const CELL_SEP = '\u001f';
export const ROW_SEP = '\u001e';

export function encodeCells(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v.indexOf(CELL_SEP) !== -1 || v.indexOf(ROW_SEP) !== -1) return JSON.stringify(values);
  }
  return CELL_SEP + values.join(CELL_SEP);
}

export function decodeCells(text: string): string[] {
  return text.charCodeAt(0) === 31 ? text.slice(1).split(CELL_SEP) : (JSON.parse(text) as string[]);
}
