/**
 * Finding the header row below title, note and blank rows. Looks only at the first non-blank rows
 * (a sample), never at the whole file.
 */

/** Rows of two or more filled cells looked at before the header is chosen. */
export const HEADER_SAMPLE_ROWS = 30;
/** Non-blank rows held at most, however many title or comment lines come first. */
export const MAX_HEADER_SAMPLE_ROWS = 250;

const NUMBER_LIKE = /^[+-]?[$€£¥₹]?\s?(\d+([.,\s]\d+)*|\.\d+)\s?%?$/;

export function filledCells(cells: readonly string[]): number {
  let n = 0;
  for (const c of cells) if (c.trim() !== '') n++;
  return n;
}

/** Cells up to the last non-empty one. */
function usedWidth(cells: readonly string[]): number {
  for (let i = cells.length - 1; i >= 0; i--) if (cells[i]!.trim() !== '') return i + 1;
  return 0;
}

function textShare(cells: readonly string[]): number {
  let filled = 0;
  let text = 0;
  for (const c of cells) {
    const s = c.trim();
    if (s === '') continue;
    filled++;
    if (!NUMBER_LIKE.test(s)) text++;
  }
  return filled === 0 ? 0 : text / filled;
}

/**
 * Index (in `rows`, the non-blank rows at the top of the sheet) of the header row. The data's width
 * is the most common used width among the rows of two or more filled cells (ties to the wider); the header is the first row
 * that fills at least half of that width (and at least two cells) with mostly text and is followed
 * by a row. Title and note rows (one or two cells) are passed over. When no row qualifies the first
 * row is the header, as before.
 */
export function chooseHeaderIndex(rows: readonly (readonly string[])[]): number {
  if (rows.length < 2) return 0;
  const counts = new Map<number, number>();
  for (const r of rows) {
    if (filledCells(r) < 2) continue;
    const w = usedWidth(r);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  let width = 0;
  let best = 0;
  for (const [w, n] of counts) if (n > best || (n === best && w > width)) [width, best] = [w, n];
  if (width < 2) return 0;
  const need = Math.max(2, Math.ceil(width / 2));
  const last = rows.length - 1;
  let firstFull = -1;
  for (let i = 0; i < last; i++) {
    const r = rows[i]!;
    if (filledCells(r) < need) continue;
    if (firstFull < 0) firstFull = i;
    if (textShare(r) > 0.5) return i;
  }
  return firstFull >= 0 ? firstFull : 0;
}
