/**
 * Line endings outside quoted values. papaparse splits rows on one newline string, so a file whose
 * rows end differently (LF after the header and CRLF after the rows, a stray CR, `\r\r\n` from text
 * converted twice) would fold rows together or leave `\r`/`\n` inside cells. Such text is rewritten
 * so that every line ending outside quotes is the file's main one; line breaks inside quoted values
 * are kept as they are.
 */

export type Newline = '\n' | '\r\n' | '\r';

const BAD_FOR_CRLF = /\r(?!\n)|(?<!\r)\n/;

/** True when every line ending in `text` is already `newline` (a quick check, no quote tracking). */
export function hasOnlyNewline(text: string, newline: Newline): boolean {
  if (newline === '\n') return text.indexOf('\r') === -1;
  if (newline === '\r') return text.indexOf('\n') === -1;
  return !BAD_FOR_CRLF.test(text);
}

const SEPARATOR_CODES = new Set([44, 59, 9, 124]);

/**
 * Rewrites every line ending outside quoted values — `\r+\n` (a run of CRs before an LF counts as
 * one ending), a lone `\r` or a lone `\n` — as `newline`. `text` must start outside a quoted value
 * (at the start of a row). A quote opens a quoted value only at the start of a cell, as in
 * papaparse; `delimiter` names the cell separator (any common one when not known yet).
 */
export function normalizeLineEndings(text: string, newline: Newline, delimiter?: string): string {
  const sep = delimiter && delimiter.length === 1 ? delimiter.charCodeAt(0) : -1;
  const isSep = (c: number): boolean => (sep >= 0 ? c === sep : SEPARATOR_CODES.has(c));
  const out: string[] = [];
  let from = 0;
  let inQuotes = false;
  const special = /["\r\n]/g;
  let m: RegExpExecArray | null;
  while ((m = special.exec(text)) !== null) {
    const i = m.index;
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) special.lastIndex = i + 2;
        else inQuotes = false;
      }
      continue;
    }
    if (c === 34) {
      const prev = i === 0 ? 10 : text.charCodeAt(i - 1);
      if (prev === 10 || prev === 13 || isSep(prev)) inQuotes = true;
      continue;
    }
    // A line ending outside quotes: `\r+\n`, or a lone `\r`, or `\n`.
    let end = i + 1;
    if (c === 13) {
      let j = i;
      while (text.charCodeAt(j) === 13) j++;
      end = text.charCodeAt(j) === 10 ? j + 1 : i + 1;
    }
    out.push(text.slice(from, i), newline);
    from = end;
    special.lastIndex = end;
  }
  out.push(text.slice(from));
  return out.join('');
}

/** The most common line ending outside quoted values (`\r\r\n` counts as CRLF). */
export function detectNewline(head: string): Newline {
  let inQuotes = false;
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 34) inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (c === 13) {
        let j = i;
        while (head.charCodeAt(j) === 13) j++;
        if (head.charCodeAt(j) === 10) {
          crlf++;
          i = j;
        } else cr++;
      } else if (c === 10) lf++;
    }
  }
  if (crlf >= lf && crlf >= cr && crlf > 0) return '\r\n';
  if (cr > lf) return '\r';
  return '\n';
}
