import type { Evaluation } from '../../../../shared/ipc/evaluate';

/** Pure helpers of the Evaluation view (tested without a page). */

/** "52.3k", "1.2M", "0.25": axis labels that stay short. */
export function shortNumber(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 0 : 1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** How strongly a matrix cell is shaded: 8% for an empty cell up to 60% for the largest. */
export function matrixShade(n: number, matrix: readonly (readonly number[])[]): string {
  const max = Math.max(1, ...matrix.flat());
  return `${Math.round(8 + (52 * n) / max)}%`;
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "Left out: 9 rows without a known outcome and 2 that failed." or "" when none were. */
export function leftOutText(e: Pick<Evaluation, 'leftOut' | 'unreadableValues'>): string {
  const l = e.leftOut;
  const parts: string[] = [];
  if (l.noOutcome > 0) parts.push(`${count(l.noOutcome, 'row', 'rows')} without a known outcome`);
  if (l.failed > 0) parts.push(`${count(l.failed, 'row', 'rows')} that failed`);
  if (l.notScored > 0) parts.push(`${count(l.notScored, 'row', 'rows')} not scored`);
  if (l.unreadable > 0) {
    const examples = e.unreadableValues.slice(0, 3).map((v) => `“${v.value}”`).join(', ');
    parts.push(`${count(l.unreadable, 'row', 'rows')} whose outcome could not be matched to an answer${examples ? ` (${examples})` : ''}`);
  }
  if (parts.length === 0) return 'Every row was compared.';
  const last = parts.pop()!;
  return `Left out: ${parts.length > 0 ? `${parts.join(', ')} and ${last}` : last}.`;
}
