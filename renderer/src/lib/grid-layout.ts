/** Column widths and keyboard moves for the data grid, kept apart from the component so they can be tested. */

export interface GridColumn {
  /** Header text. */
  label: string;
  /** Cap for this column's width in pixels (long text is cut and shown whole in the detail pane). */
  max?: number;
  /** Fixed width in pixels (e.g. a checkbox column). */
  width?: number;
  align?: 'start' | 'end';
}

export const MIN_WIDTH = 56;
export const MAX_WIDTH = 320;
/** Horizontal padding of a cell, both sides together, plus a little slack so text measured to a fraction of a pixel is never cut. */
export const CELL_PADDING = 24;

/**
 * One width per column, in whole pixels, from the widest of its header and the sampled cells
 * (measured by `measure`), clamped to [MIN_WIDTH, max]. Header and body both use these numbers,
 * so their columns share x and width by construction.
 */
export function columnWidths(columns: readonly GridColumn[], sample: readonly (readonly string[])[], measure: (text: string, header: boolean) => number): number[] {
  return columns.map((c, j) => {
    if (c.width !== undefined) return c.width;
    let widest = measure(c.label, true);
    for (const row of sample) {
      const cell = row[j];
      if (cell) widest = Math.max(widest, measure(cell, false));
    }
    return Math.ceil(Math.min(c.max ?? MAX_WIDTH, Math.max(MIN_WIDTH, widest + CELL_PADDING)));
  });
}

export interface Focus {
  row: number;
  col: number;
}

/** Where a key moves the focused cell (rows and columns clamped to the grid); null for keys the grid leaves alone. */
export function moveFocus(key: string, at: Focus, rows: number, cols: number, pageRows: number, ctrl = false): Focus | null {
  const clampRow = (r: number) => Math.max(0, Math.min(rows - 1, r));
  const clampCol = (c: number) => Math.max(0, Math.min(cols - 1, c));
  switch (key) {
    case 'ArrowDown':
      return { row: clampRow(at.row + 1), col: at.col };
    case 'ArrowUp':
      return { row: clampRow(at.row - 1), col: at.col };
    case 'ArrowRight':
      return { row: at.row, col: clampCol(at.col + 1) };
    case 'ArrowLeft':
      return { row: at.row, col: clampCol(at.col - 1) };
    case 'PageDown':
      return { row: clampRow(at.row + pageRows), col: at.col };
    case 'PageUp':
      return { row: clampRow(at.row - pageRows), col: at.col };
    case 'Home':
      return ctrl ? { row: 0, col: 0 } : { row: at.row, col: 0 };
    case 'End':
      return ctrl ? { row: clampRow(rows - 1), col: clampCol(cols - 1) } : { row: at.row, col: clampCol(cols - 1) };
    default:
      return null;
  }
}
