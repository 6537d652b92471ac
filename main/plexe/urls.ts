import type { ModelRef } from '../../shared/domain/model';
import { AppError } from '../../shared/ipc/errors';

/** Hosts where plain http is acceptable: the request never leaves this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (m) return Number(m[1]) === 127 && m.slice(1).every((p) => Number(p) <= 255);
  const mapped = /^::ffff:(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(h) ?? /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.exec(h);
  if (mapped) return mapped[1] === undefined || Number(mapped[1]) === 127;
  return false;
}

/**
 * Checks and tidies a base URL typed by a person: https, or http only to this computer (a key
 * sent over plain http to another machine can be read on the way). Returns it without a trailing
 * slash, query or fragment.
 */
export function normalizeBaseUrl(input: string): string {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppError('invalid_base_url', `"${text}" is not a web address. Write it like https://api.plexe.ai`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('invalid_base_url', `The address must start with https:// (it starts with ${url.protocol}//).`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new AppError(
      'insecure_base_url',
      `The address ${url.host} uses http://, which would send your API key unencrypted. Use https:// (plain http is only allowed for this computer, e.g. http://127.0.0.1).`,
    );
  }
  if (url.username || url.password) {
    throw new AppError('invalid_base_url', 'Remove the user name and password from the address; the API key is stored separately.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * A pasted endpoint URL → base URL and model. Accepts
 * `{base}/models/{name}/{version}/infer` (also …/predictions, …/describe, …/status or nothing after the version)
 * and the older `{base}/predict/{deployment_id}`.
 */
export function parseEndpointUrl(input: string): { baseUrl: string; ref: ModelRef } {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('invalid_endpoint', `"${text.slice(0, 200)}" is not a web address. Paste the whole endpoint, e.g. https://api.plexe.ai/models/house-prices/1/infer`);
  }
  const segments = url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  const tail = new Set(['infer', 'predictions', 'describe', 'status']);
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i] === 'models' && i + 2 < segments.length && (i + 3 === segments.length || (i + 4 === segments.length && tail.has(segments[i + 3]!)))) {
      const base = `${url.protocol}//${url.host}/${segments.slice(0, i).map(encodeURIComponent).join('/')}`;
      return { baseUrl: normalizeBaseUrl(base), ref: { kind: 'model', name: segments[i + 1]!, version: segments[i + 2]! } };
    }
    if (segments[i] === 'predict' && i + 2 === segments.length) {
      const base = `${url.protocol}//${url.host}/${segments.slice(0, i).map(encodeURIComponent).join('/')}`;
      return { baseUrl: normalizeBaseUrl(base), ref: { kind: 'deployment', deploymentId: segments[i + 1]! } };
    }
  }
  throw new AppError(
    'invalid_endpoint',
    'This address does not look like a Plexe model endpoint. It should end in /models/NAME/VERSION/infer or /predict/DEPLOYMENT_ID.',
  );
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

export function modelPath(ref: Extract<ModelRef, { kind: 'model' }>, action: 'infer' | 'predictions' | 'describe' | 'status'): string {
  return `/models/${seg(ref.name)}/${seg(ref.version)}/${action}`;
}

export function legacyPredictPath(deploymentId: string): string {
  return `/predict/${seg(deploymentId)}`;
}
