/**
 * How a row's cells are stored (`job_rows.cells`). Usually the cells joined by the unit separator
 * (U+001F) behind one leading U+001F — cheaper to write and read than JSON. A row whose text itself holds U+001E or U+001F (never seen in real
 * spreadsheets, but possible) is stored as a JSON array instead, which always starts with `[`.
 * Neither form ever holds a raw U+001E, so the import can pass a whole batch as one string with
 * rows separated by U+001E.
 */
export const CELL_SEP = '\u001f';
export const ROW_SEP = '\u001e';

export function encodeCells(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  // Joined first, then checked once: as many separators as cells means no cell held one itself.
  let text = '';
  for (let i = 0; i < values.length; i++) text += CELL_SEP + values[i]!;
  let n = 0;
  for (let i = text.indexOf(CELL_SEP); i !== -1; i = text.indexOf(CELL_SEP, i + 1)) n++;
  return n === values.length && text.indexOf(ROW_SEP) === -1 ? text : JSON.stringify(values);
}

/** encodeCells for values known to hold neither separator (BatchFacts.noUnitSeparators). */
export function joinCells(values: readonly string[]): string {
  return values.length === 0 ? '[]' : CELL_SEP + values.join(CELL_SEP);
}

export function decodeCells(text: string): string[] {
  return text.charCodeAt(0) === 31 ? text.slice(1).split(CELL_SEP) : (JSON.parse(text) as string[]);
}
