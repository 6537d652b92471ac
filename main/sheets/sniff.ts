import { open, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { basename, extname } from 'node:path';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { ImportError, LIMITS, type ImportNotice } from './types';
import { readZipDirectory, type ZipEntry } from './zip-directory';

/** What the first bytes (and, for text, a UTF-8 check of the whole file) say the file is. */
export type SniffResult =
  | { kind: 'text'; encoding: string; bomBytes: number; size: number; notices: ImportNotice[] }
  | { kind: 'xlsx'; size: number; entries: ZipEntry[]; notices: ImportNotice[] };

const HEAD_BYTES = 64 * 1024;

export function encodingLabel(encoding: string): string {
  switch (encoding) {
    case 'utf-8':
      return 'UTF-8';
    case 'utf-16le':
      return 'UTF-16 (little-endian)';
    case 'utf-16be':
      return 'UTF-16 (big-endian)';
    case 'utf-32le':
      return 'UTF-32 (little-endian)';
    case 'utf-32be':
      return 'UTF-32 (big-endian)';
    case 'windows-1252':
      return 'Windows-1252 (Western European)';
    case 'shift_jis':
      return 'Shift JIS (Japanese)';
    case 'euc-jp':
      return 'EUC-JP (Japanese)';
    case 'gb18030':
      return 'GB18030 (Chinese)';
    case 'big5':
      return 'Big5 (Traditional Chinese)';
    case 'euc-kr':
      return 'EUC-KR (Korean)';
    default:
      return encoding;
  }
}

export async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function startsWith(head: Buffer, bytes: number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

/** Files people mistake for spreadsheets, recognised by their first bytes. */
const MAGIC: { bytes: number[]; at?: number; what: string }[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [...Buffer.from('GIF89a')], what: 'a GIF image' },
  { bytes: [...Buffer.from('GIF87a')], what: 'a GIF image' },
  { bytes: [...Buffer.from('WEBP')], at: 8, what: 'a WebP image' },
  { bytes: [...Buffer.from('WAVE')], at: 8, what: 'a WAV sound file' },
  { bytes: [0x1f, 0x8b, 0x08], what: 'a gzip-compressed file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF executable)' },
  { bytes: [...Buffer.from('SQLite format 3\0')], what: 'an SQLite database' },
  { bytes: [...Buffer.from('{\\rtf')], what: 'a Rich Text (RTF) document' },
  { bytes: [0x66, 0x74, 0x79, 0x70], at: 4, what: 'a video or image file (MP4/MOV/HEIC)' },
];

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGICS = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x07, 0x08],
];

function notSpreadsheet(name: string, what: string): ImportError {
  return new ImportError(
    'not_a_spreadsheet',
    `"${name}" is ${what}, not a spreadsheet. Choose a CSV, TSV or Excel (.xlsx) file.`,
  );
}

/** Decides what kind of file `path` is and, for text, which encoding to read it with. */
export async function sniffFile(path: string): Promise<SniffResult> {
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ImportError('file_unreadable', `"${name}" is a folder, not a file. Choose a spreadsheet file inside it.`);
    size = st.size;
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw unreadable(name, e);
  }
  if (size === 0) throw emptyFile(name);
  let head: Buffer;
  try {
    head = await readHead(path);
  } catch (e) {
    throw unreadable(name, e);
  }
  const notices: ImportNotice[] = [];

  if (ZIP_MAGICS.some((m) => startsWith(head, m))) return sniffZip(path, name, ext, size, notices);
  if (startsWith(head, CFB_MAGIC)) throw await describeCfb(path, name);
  for (const m of MAGIC) {
    if (startsWith(head, m.bytes, m.at ?? 0)) throw notSpreadsheet(name, m.what);
  }

  const bom = detectBom(head);
  let encoding: string;
  let bomBytes = 0;
  if (bom) {
    ({ encoding, bytes: bomBytes } = bom);
    if (size === bomBytes) throw emptyFile(name);
  } else {
    const utf16 = guessBomlessUtf16(head);
    if (utf16) {
      encoding = utf16;
    } else {
      rejectBinary(head, name);
      encoding = await detectByteEncoding(path, head, size);
    }
  }
  if (encoding !== 'utf-8') {
    notices.push({
      kind: 'encoding',
      message:
        `This file was saved as ${encodingLabel(encoding)} and was converted to Unicode.` +
        (encoding === 'windows-1252' ? ' If some letters look wrong, save the file as "CSV UTF-8" and import it again.' : ''),
    });
  } else if (bomBytes > 0) {
    notices.push({ kind: 'encoding', message: 'This file is UTF-8 with a byte-order mark; the mark was removed from the first column name.' });
  }
  if (ext === '.xlsx' || ext === '.xlsm' || ext === '.xls') {
    notices.push({ kind: 'file-type', message: `This file's name ends in ${ext}, but it holds plain text, so it was read as a CSV file.` });
  }
  return { kind: 'text', encoding, bomBytes, size, notices };
}

function unreadable(name: string, e: unknown): ImportError {
  const code = (e as { code?: string }).code;
  const why =
    code === 'ENOENT'
      ? 'it does not exist (it may have been moved or deleted)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'you do not have permission to read it'
        : code === 'EISDIR'
          ? 'it is a folder'
          : 'the system refused to read it';
  return new ImportError('file_unreadable', `Could not open "${name}": ${why}. Check the file and try again.`);
}

export function emptyFile(name: string): ImportError {
  return new ImportError('empty_file', `"${name}" is empty: it has no header row and no data. Choose the file that holds your data.`);
}

function detectBom(head: Buffer): { encoding: string; bytes: number } | null {
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00])) return { encoding: 'utf-32le', bytes: 4 };
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff])) return { encoding: 'utf-32be', bytes: 4 };
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bytes: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bytes: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bytes: 2 };
  // GB18030 encodes U+FEFF as these four bytes; Chinese Windows tools write them.
  if (startsWith(head, [0x84, 0x31, 0x95, 0x33])) return { encoding: 'gb18030', bytes: 4 };
  return null;
}

/** UTF-16 saved without a byte-order mark: Latin text leaves a zero in every other byte. */
function guessBomlessUtf16(head: Buffer): string | null {
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/**
 * Many control bytes in the first 64 KB: a binary file, whatever its name says. A few stray NULs
 * in otherwise normal text are reported later with their row (nul_bytes) instead.
 */
function rejectBinary(head: Buffer, name: string): void {
  let control = 0;
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a) control++;
  }
  if (control >= 8 && control > head.length * 0.02) {
    throw notSpreadsheet(name, 'a binary file (it contains bytes that never appear in text)');
  }
}

const TRUSTED_CHARDET = new Map([
  ['Shift_JIS', 'shift_jis'],
  ['EUC-JP', 'euc-jp'],
  ['GB18030', 'gb18030'],
  ['Big5', 'big5'],
  ['EUC-KR', 'euc-kr'],
]);

/**
 * No byte-order mark: UTF-8 if every byte of the file is valid UTF-8 (checked over the whole file,
 * because an accented name on row 500,000 matters as much as one on row 2). Otherwise
 * Windows-1252, the legacy default of Western Excel; chardet is trusted only for the multi-byte
 * Asian encodings, whose byte patterns it recognises reliably (its single-byte guesses on short
 * samples are close to random).
 */
async function detectByteEncoding(path: string, head: Buffer, size: number): Promise<string> {
  const invalidAt = size <= head.length ? (isUtf8(head) ? -1 : 0) : await firstInvalidUtf8(path);
  if (invalidAt < 0) return 'utf-8';
  const sample = size <= head.length ? head : await readWindow(path, invalidAt);
  const best = chardet.analyse(sample)[0];
  const trusted = best ? TRUSTED_CHARDET.get(best.name) : undefined;
  if (best && trusted && best.confidence >= 50 && iconv.encodingExists(trusted)) return trusted;
  return 'windows-1252';
}

async function readWindow(path: string, around: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const start = Math.max(0, around - 32 * 1024);
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Byte offset of the first chunk holding invalid UTF-8, or -1 when the whole file is valid. */
async function firstInvalidUtf8(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1024 * 1024 + 4);
    let carry = 0;
    let offset = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, offset);
      const end = carry + bytesRead;
      if (bytesRead === 0) return carry > 0 && !isUtf8(buf.subarray(0, carry)) ? offset - carry : -1;
      // Hold back a character cut in two by the chunk boundary.
      let cut = end;
      for (let i = end - 1; i >= Math.max(0, end - 4); i--) {
        const b = buf[i]!;
        if ((b & 0xc0) === 0x80) continue;
        if (b >= 0xc0) cut = i;
        break;
      }
      if (!isUtf8(buf.subarray(0, cut))) return offset - carry;
      buf.copy(buf, 0, cut, end);
      offset += bytesRead;
      carry = end - cut;
    }
  } finally {
    await fh.close();
  }
}

async function sniffZip(path: string, name: string, ext: string, size: number, notices: ImportNotice[]): Promise<SniffResult> {
  const entries = await readZipDirectory(path).catch(() => null);
  if (!entries) {
    if (ext === '.xlsx' || ext === '.xlsm') {
      throw new ImportError('bad_xlsx', `"${name}" is damaged: it should be a ZIP archive inside, but the archive cannot be read (it may be cut short). Open it in Excel, save it again, and import the new copy.`);
    }
    throw notSpreadsheet(name, 'a damaged ZIP archive');
  }
  const names = new Set(entries.map((e) => e.name));
  if (names.has('xl/workbook.xml')) {
    if (size > LIMITS.maxXlsxBytes || entries.reduce((s, e) => s + e.uncompressedSize, 0) > LIMITS.maxXlsxUncompressedBytes) {
      throw new ImportError(
        'xlsx_too_large',
        `"${name}" is too large to import as an Excel workbook (${(size / 1e6).toFixed(0)} MB). Save the sheet as CSV in Excel ("CSV UTF-8") and import the CSV: CSV files of any size are read a little at a time.`,
      );
    }
    if (ext !== '.xlsx' && ext !== '.xlsm') {
      notices.push({ kind: 'file-type', message: `This file's name ends in ${ext || 'nothing'}, but it is an Excel workbook, so it was read as one.` });
    }
    return { kind: 'xlsx', size, entries, notices };
  }
  const what = [...names].some((n) => n.startsWith('word/'))
    ? 'a Word document'
    : [...names].some((n) => n.startsWith('ppt/'))
      ? 'a PowerPoint presentation'
      : names.has('mimetype') && names.has('content.xml')
        ? 'an OpenDocument file (LibreOffice/OpenOffice; save it as .xlsx or CSV first)'
        : 'a ZIP archive of other files';
  if (ext === '.xlsx' || ext === '.xlsm') {
    throw new ImportError(
      'bad_xlsx',
      `"${name}" is not a real Excel workbook: it is ${what} (it has no workbook inside). Open the original in Excel and save it as .xlsx or CSV.`,
    );
  }
  throw notSpreadsheet(name, what);
}

/**
 * A Compound File (D0 CF 11 E0): Excel saves password-protected workbooks in this container (with
 * "EncryptionInfo" and "EncryptedPackage" streams); Excel 97–2003 .xls files use it too.
 */
async function describeCfb(path: string, name: string): Promise<ImportError> {
  const marker = Buffer.from('EncryptionInfo', 'utf16le');
  const marker2 = Buffer.from('EncryptedPackage', 'utf16le');
  const fh = await open(path, 'r');
  let encrypted = false;
  try {
    const buf = Buffer.alloc(1024 * 1024);
    let offset = 0;
    let prev = Buffer.alloc(0);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) break;
      const window = Buffer.concat([prev, buf.subarray(0, bytesRead)]);
      if (window.includes(marker) || window.includes(marker2)) {
        encrypted = true;
        break;
      }
      prev = window.subarray(Math.max(0, window.length - 64));
      offset += bytesRead;
    }
  } finally {
    await fh.close();
  }
  if (encrypted) {
    return new ImportError(
      'password_protected',
      `This workbook is password-protected ("${name}"), so it cannot be read. Open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt with Password, then clear it) or save a copy as CSV, and import that.`,
    );
  }
  return new ImportError(
    'legacy_xls',
    `"${name}" is an old-style Excel 97–2003 workbook (.xls) or another older Office document. Open it in Excel and save it as .xlsx or "CSV UTF-8", then import that file.`,
  );
}
