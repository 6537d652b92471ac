import { describe, expect, it } from 'vitest';
import { CELL_PADDING, columnWidths, MAX_WIDTH, MIN_WIDTH, moveFocus } from './grid-layout';

const measure = (t: string) => t.length * 8;

describe('columnWidths', () => {
  it('fits the widest of header and cells, within the bounds, one number per column', () => {
    const w = columnWidths([{ label: 'Tenure (months)' }, { label: 'id' }, { label: 'error', max: 200 }, { label: 'x', width: 40 }], [['3', 'L-1', 'a'.repeat(100), ''], ['12', 'L-100000', 'b', '']], measure);
    expect(w).toEqual([15 * 8 + CELL_PADDING, 8 * 8 + CELL_PADDING, 200, 40]);
    expect(columnWidths([{ label: 'c' }], [['z'.repeat(1000)]], measure)).toEqual([MAX_WIDTH]);
    expect(columnWidths([{ label: '' }], [], measure)).toEqual([MIN_WIDTH]);
  });
});

describe('moveFocus', () => {
  const at = { row: 5, col: 2 };
  it('moves by arrows, pages and Home/End, clamped to the grid', () => {
    expect(moveFocus('ArrowDown', at, 10, 4, 8)).toEqual({ row: 6, col: 2 });
    expect(moveFocus('ArrowUp', { row: 0, col: 0 }, 10, 4, 8)).toEqual({ row: 0, col: 0 });
    expect(moveFocus('ArrowRight', { row: 1, col: 3 }, 10, 4, 8)).toEqual({ row: 1, col: 3 });
    expect(moveFocus('ArrowLeft', at, 10, 4, 8)).toEqual({ row: 5, col: 1 });
    expect(moveFocus('PageDown', at, 10, 4, 8)).toEqual({ row: 9, col: 2 });
    expect(moveFocus('PageUp', at, 10, 4, 8)).toEqual({ row: 0, col: 2 });
    expect(moveFocus('Home', at, 10, 4, 8)).toEqual({ row: 5, col: 0 });
    expect(moveFocus('End', at, 10, 4, 8, true)).toEqual({ row: 9, col: 3 });
    expect(moveFocus('a', at, 10, 4, 8)).toBeNull();
  });
});
