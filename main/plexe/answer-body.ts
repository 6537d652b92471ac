/**
 * Reading an answer from a server that may be hostile: bounded in size (checked on Content-Length
 * before reading and counted while reading), bounded in nesting (checked before parsing, without
 * recursion), and scrubbed of secrets before anything else sees the text.
 */
import { REDACTED } from '../logging/redact';

export const DEFAULT_MAX_ANSWER_BYTES = 16 * 1024 * 1024;
export const MAX_ANSWER_DEPTH = 64;

export class AnswerTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`answer larger than ${limitBytes} bytes`);
  }
}

/** The declared length, when the header is a plain number. */
function declaredLength(res: Response): number | null {
  const v = res.headers.get('content-length');
  if (v === null || !/^\s*\d+\s*$/.test(v)) return null;
  return Number(v);
}

/**
 * The body as UTF-8 text, at most `limit` bytes. Past the limit it throws AnswerTooLarge after
 * calling `drop` (which aborts the request, so the transport closes the connection instead of
 * draining the rest).
 */
export async function readCapped(res: Response, limit: number, drop: () => void): Promise<string> {
  const declared = declaredLength(res);
  if (declared !== null && declared > limit) {
    drop();
    throw new AnswerTooLarge(limit);
  }
  const stream = res.body;
  if (!stream) {
    // A transport without a body stream (test doubles): the text is checked once it is read.
    const text = await res.text();
    if (Buffer.byteLength(text) > limit) throw new AnswerTooLarge(limit);
    return text;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      chunks.length = 0;
      drop();
      reader.cancel().catch(() => {});
      throw new AnswerTooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength).toString('utf8');
  return Buffer.concat(chunks, total).toString('utf8');
}

/** True when JSON text opens more than `max` arrays/objects inside each other (a single pass, no recursion). */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** Anything that removes registered secrets from text (the key store's registry in the app). */
export interface SecretScrubber {
  scrub(text: string): string;
}

/** The key of this call and every registered secret, removed from the text. */
export function scrubSecrets(text: string, key: string, registry: SecretScrubber | undefined): string {
  let out = key.length >= 4 && text.includes(key) ? text.split(key).join(REDACTED) : text;
  if (registry) out = registry.scrub(out);
  return out;
}
