import type { ComparisonSummary } from '../../../../shared/ipc/compare';

/** A change with its sign, rounded for reading: "+1,250", "−0.05", "0". */
export function signed(n: number): string {
  const a = Math.abs(n);
  const text = a.toLocaleString('en-US', { maximumFractionDigits: a >= 100 ? 0 : 2 });
  if (text === '0') return '0';
  return `${n > 0 ? '+' : '−'}${text}`;
}

/**
 * The change matrix as a stacked bar chart: one bar per first-model class, split by the class the
 * second model gave the same rows.
 */
export function matrixChartData(s: Pick<ComparisonSummary, 'matrix' | 'firstPrefix' | 'secondPrefix'>, colors: readonly string[]): { labels: string[]; datasets: { label: string; data: number[]; backgroundColor: string }[] } {
  const m = s.matrix;
  if (!m) return { labels: [], datasets: [] };
  return {
    labels: m.classes.map((c) => `${s.firstPrefix} ${c}`),
    datasets: m.classes.map((b, j) => ({
      label: `${s.secondPrefix} ${b}`,
      data: m.cells.map((row) => row[j] ?? 0),
      backgroundColor: colors[j % colors.length] ?? '#888',
    })),
  };
}
