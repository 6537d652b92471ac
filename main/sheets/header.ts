import type { SheetHeader } from './types';

/**
 * Makes every column name non-empty and unique so later steps can key on it: an empty name
 * becomes `column_3` (its 1-based position), a repeated one `price_2`, `price_3`… Names are
 * compared case-insensitively, because "Price" and "price" would collide in most tools.
 */
export function makeHeader(cells: readonly string[]): SheetHeader {
  const trimmed = cells.map((c) => c.trim());
  const taken = new Set<string>();
  // Non-empty names keep their spelling where possible, so reserve all first-occurrences up front.
  const firstIndex = new Map<string, number>();
  trimmed.forEach((name, i) => {
    const key = name.toLowerCase();
    if (name !== '' && !firstIndex.has(key)) firstIndex.set(key, i);
  });
  for (const key of firstIndex.keys()) taken.add(key);

  const columns: string[] = [];
  const renamed: SheetHeader['renamed'] = [];
  trimmed.forEach((name, i) => {
    if (name !== '' && firstIndex.get(name.toLowerCase()) === i) {
      columns.push(name);
      return;
    }
    const stem = name === '' ? `column_${i + 1}` : name;
    let candidate = stem;
    for (let n = name === '' ? 1 : 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem}_${n}`;
    taken.add(candidate.toLowerCase());
    columns.push(candidate);
    renamed.push({ index: i, original: cells[i] ?? '', name: candidate });
  });
  return { columns, renamed };
}

export function describeRenames(h: SheetHeader): string | null {
  if (h.renamed.length === 0) return null;
  const shown = h.renamed.slice(0, 5).map((r) => (r.original.trim() === '' ? `column ${r.index + 1} had no name and is now "${r.name}"` : `a repeated "${r.original.trim()}" (column ${r.index + 1}) is now "${r.name}"`));
  const more = h.renamed.length > 5 ? `, and ${h.renamed.length - 5} more` : '';
  return `Some column names were empty or repeated, so they were renamed: ${shown.join('; ')}${more}.`;
}
