/** One benchmark figure, printed as one JSON line by `npm run bench`. */
export interface BenchFigure {
  bench: string;
  value: number;
  unit: string;
  /** The same measure for the thing we compare against, taken in the same run; null when none. */
  baseline: number | null;
  /** value ÷ baseline (or the figure's own ratio to its target, as notes say); null when none. */
  ratio: number | null;
  notes: string;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
