import { describe, expect, it } from 'vitest';
import { matrixChartData, signed } from './compare-view';

describe('comparison view helpers', () => {
  it('writes a change with its sign', () => {
    expect(signed(1250)).toBe('+1,250');
    expect(signed(-0.051)).toBe('−0.05');
    expect(signed(0)).toBe('0');
    expect(signed(-0.001)).toBe('0');
  });

  it('turns the change matrix into one stacked bar per first answer, split by the second', () => {
    const d = matrixChartData({ firstPrefix: 'v1', secondPrefix: 'v2', matrix: { classes: ['stay', 'churn'], cells: [[50, 7], [3, 40]] } }, ['red', 'blue']);
    expect(d.labels).toEqual(['v1 stay', 'v1 churn']);
    expect(d.datasets).toEqual([
      { label: 'v2 stay', data: [50, 3], backgroundColor: 'red' },
      { label: 'v2 churn', data: [7, 40], backgroundColor: 'blue' },
    ]);
    expect(matrixChartData({ firstPrefix: 'a', secondPrefix: 'b', matrix: null }, [])).toEqual({ labels: [], datasets: [] });
  });
});
