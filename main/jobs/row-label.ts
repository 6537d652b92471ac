import type { FieldMapping } from '../../shared/ipc/jobs';

/** At most this many columns identify a row in the history (a wide sheet keeps its first ones). */
export const MAX_IDENTIFYING_COLUMNS = 20;
/** A cell kept in a row label is cut to this many characters. */
const MAX_CELL_CHARS = 200;

/**
 * The columns that tell a row apart when none were chosen: those not sent to the model (e.g. customer
 * id and name), in file order. Without a mapping every column is sent, so none is left over.
 */
export function defaultIdentifyingColumns(columns: readonly string[], mapping: FieldMapping | null): string[] {
  if (mapping === null) return [];
  const sent = new Set(Object.values(mapping).filter((c): c is string => c !== null));
  return columns.filter((c) => !sent.has(c)).slice(0, MAX_IDENTIFYING_COLUMNS);
}

/** The job's identifying columns: the chosen ones that still exist, or the default. */
export function identifyingColumns(job: { columns: readonly string[]; mapping: FieldMapping | null; settings: { identifyingColumns?: readonly string[] | undefined } }): string[] {
  const chosen = job.settings.identifyingColumns;
  if (chosen === undefined) return defaultIdentifyingColumns(job.columns, job.mapping);
  const known = new Set(job.columns);
  return [...new Set(chosen)].filter((c) => known.has(c)).slice(0, MAX_IDENTIFYING_COLUMNS);
}

/**
 * Builds a row's label from its cells (in file order): column → cell for the identifying columns,
 * blank cells left out; null when nothing identifies the row.
 */
export function rowLabeller(columns: readonly string[], chosen: readonly string[]): (cells: readonly string[]) => Record<string, string> | null {
  const picks = chosen.map((name) => ({ name, index: columns.indexOf(name) })).filter((p) => p.index >= 0);
  if (picks.length === 0) return () => null;
  return (cells) => {
    let label: Record<string, string> | null = null;
    for (const p of picks) {
      const cell = cells[p.index];
      if (cell === undefined || cell.trim() === '') continue;
      label ??= {};
      label[p.name] = cell.length > MAX_CELL_CHARS ? cell.slice(0, MAX_CELL_CHARS) : cell;
    }
    return label;
  };
}
