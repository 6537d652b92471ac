import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from './csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function securityHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * Resolves a request path inside the built renderer folder, refusing anything that escapes it.
 * Returns null when the path is outside or missing.
 */
export function resolveRendererPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = normalize(join(root, relative));
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  if (!full.startsWith(base)) return null;
  return full;
}

/** Answers one request for the renderer's files, with the CSP on every answer. */
export async function rendererResponse(root: string, pathname: string): Promise<{ status: number; headers: Record<string, string>; body: Buffer | string }> {
  const file = resolveRendererPath(root, pathname);
  if (!file) return { status: 404, headers: securityHeaders('text/plain; charset=utf-8'), body: 'Not found' };
  try {
    const body = await readFile(file);
    return { status: 200, headers: securityHeaders(TYPES[extname(file)] ?? 'application/octet-stream'), body };
  } catch {
    return { status: 404, headers: securityHeaders('text/plain; charset=utf-8'), body: 'Not found' };
  }
}
