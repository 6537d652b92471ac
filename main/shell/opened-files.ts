import { extname } from 'node:path';

const SPREADSHEETS = new Set(['.csv', '.tsv', '.txt', '.xlsx']);

/** The spreadsheet paths in a command line the OS built for "Open with Plexe Desktop". */
export function spreadsheetArgs(argv: readonly string[]): string[] {
  return argv.slice(1).filter((a) => !a.startsWith('-') && SPREADSHEETS.has(extname(a).toLowerCase()));
}
