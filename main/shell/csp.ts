/**
 * The renderer's Content-Security-Policy: no remote code, no eval, no inline scripts, and
 * connections only to the app itself (every call to Plexe goes through main).
 * `style-src 'unsafe-inline'` is needed by Svelte's style attributes; scripts stay strict.
 */
export function contentSecurityPolicy(selfOrigin = "'self'"): string {
  return [
    `default-src 'none'`,
    `script-src ${selfOrigin}`,
    `style-src ${selfOrigin} 'unsafe-inline'`,
    `img-src ${selfOrigin} data: blob:`,
    `font-src ${selfOrigin} data:`,
    `connect-src ${selfOrigin}`,
    `worker-src ${selfOrigin} blob:`,
    `base-uri 'none'`,
    `form-action 'none'`,
    `frame-ancestors 'none'`,
    `object-src 'none'`,
  ].join('; ');
}
