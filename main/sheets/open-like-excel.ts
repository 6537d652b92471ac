import iconv from 'iconv-lite';
import Papa from 'papaparse';

/**
 * Opens CSV bytes the way Excel does on double-click, for the tests of every CSV export: a
 * byte-order mark decides the encoding (UTF-8, UTF-16); without one Excel takes the computer's
 * ANSI code page (Windows-1252 in Western Europe and the US), so UTF-8 accents come out as "Ã±".
 * The separator is the list separator of the computer's region (a comma in the US, a semicolon in
 * most of Europe) unless the file starts with a "sep=" line. Returns the cells Excel would show.
 */
export function openLikeExcel(bytes: Buffer, computer: { listSeparator: ',' | ';'; ansiCodePage?: string }): string[][] {
  let encoding = computer.ansiCodePage ?? 'windows-1252';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) [encoding, start] = ['utf-8', 3];
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  let text = iconv.decode(bytes.subarray(start), encoding);
  let separator: string = computer.listSeparator;
  const sep = /^sep=(.)\r?\n/.exec(text);
  if (sep) {
    separator = sep[1]!;
    text = text.slice(sep[0].length);
  }
  const parsed = Papa.parse<string[]>(text, { delimiter: separator, newline: text.includes('\r\n') ? '\r\n' : '\n', skipEmptyLines: true, quoteChar: '"' });
  if (parsed.errors.length > 0) throw new Error(`Excel would not read this file cleanly: ${parsed.errors[0]!.message} (row ${parsed.errors[0]!.row})`);
  return parsed.data;
}
