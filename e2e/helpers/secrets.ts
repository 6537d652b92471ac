import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** One way a key can be written down: its name and the bytes to look for. */
export interface SecretForm {
  form: string;
  bytes: Buffer;
}

/** Where a key was found, with enough context to find it again. */
export interface SecretHit {
  where: string;
  form: string;
  offset: number;
  context: string;
}

/**
 * Base64 of `key` as it appears inside any longer base64 text, whatever the key's position:
 * for each of the three alignments, the 3-byte groups that lie wholly inside the key encode the
 * same way regardless of the bytes around them.
 */
function base64Inner(key: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  const out: string[] = [];
  for (let skip = 0; skip < 3; skip++) {
    const part = key.subarray(skip);
    const whole = part.subarray(0, part.length - (part.length % 3));
    if (whole.length >= 9) out.push(whole.toString(alphabet));
  }
  return out;
}

/**
 * Every form of `key` the scan looks for: as typed, its middle part (what no "…abcd" mask
 * shows), URL- and form-encoded, base64 and base64url at any alignment, hex, and UTF-16LE.
 */
export function secretForms(key: string): SecretForm[] {
  const raw = Buffer.from(key, 'utf8');
  const forms: [string, string | Buffer][] = [
    ['as typed', key],
    ['middle part (without its first 6 and last 4 characters)', key.slice(6, -4)],
    ['URL-encoded', encodeURIComponent(key)],
    ['form-encoded', new URLSearchParams({ k: key }).toString().slice(2)],
    ['hex', raw.toString('hex')],
    ['hex (upper case)', raw.toString('hex').toUpperCase()],
    ['UTF-16LE', Buffer.from(key, 'utf16le')],
    ...base64Inner(raw, 'base64').map((b, i): [string, string] => [`base64 (alignment ${i})`, b]),
    ...base64Inner(raw, 'base64url').map((b, i): [string, string] => [`base64url (alignment ${i})`, b]),
  ];
  const seen = new Set<string>();
  const result: SecretForm[] = [];
  for (const [form, value] of forms) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (bytes.length < 8) throw new Error(`the key is too short to scan for reliably (${form})`);
    const id = bytes.toString('hex');
    if (seen.has(id)) continue;
    seen.add(id);
    result.push({ form, bytes });
  }
  return result;
}

function printable(buf: Buffer): string {
  return buf.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

/** Every occurrence of every form in `data`; `where` names the place in the report. */
export function scanBytes(where: string, data: Buffer | string, forms: SecretForm[]): SecretHit[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const hits: SecretHit[] = [];
  for (const { form, bytes } of forms) {
    for (let at = buf.indexOf(bytes); at !== -1; at = buf.indexOf(bytes, at + 1)) {
      hits.push({ where, form, offset: at, context: printable(buf.subarray(Math.max(0, at - 40), Math.min(buf.length, at + bytes.length + 40))) });
    }
  }
  return hits;
}

/** Every regular file under `dir`, recursively (paths in a stable order). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Scans every file under `dir`; hits are named by their path relative to `dir` (prefixed by `label`). */
export function scanDir(label: string, dir: string, forms: SecretForm[]): { files: { path: string; bytes: number }[]; hits: SecretHit[] } {
  const files: { path: string; bytes: number }[] = [];
  const hits: SecretHit[] = [];
  for (const path of listFiles(dir)) {
    const data = readFileSync(path);
    files.push({ path: relative(dir, path), bytes: statSync(path).size });
    hits.push(...scanBytes(`${label}/${relative(dir, path)}`, data, forms));
  }
  return { files, hits };
}

/** A readable list of hits for an assertion message (empty when there are none). */
export function describeHits(hits: SecretHit[]): string {
  return hits.map((h) => `the key (${h.form}) is in ${h.where} at offset ${h.offset}: …${h.context}…`).join('\n');
}
