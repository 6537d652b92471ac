import { describe, expect, it } from 'vitest';
import { isLoopbackHost, normalizeBaseUrl, parseEndpointUrl } from './urls';

describe('base URLs', () => {
  it('accepts https and tidies it', () => {
    expect(normalizeBaseUrl('https://api.plexe.ai/')).toBe('https://api.plexe.ai');
    expect(normalizeBaseUrl('api.plexe.ai')).toBe('https://api.plexe.ai');
    expect(normalizeBaseUrl(' https://gw.example.com/plexe/v1/?x=1#y ')).toBe('https://gw.example.com/plexe/v1');
  });
  it('allows http only for loopback', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(normalizeBaseUrl('http://127.4.5.6:1')).toBe('http://127.4.5.6:1');
    expect(normalizeBaseUrl('http://localhost:3000/')).toBe('http://localhost:3000');
    expect(normalizeBaseUrl('http://[::1]:9000')).toBe('http://[::1]:9000');
    expect(() => normalizeBaseUrl('http://api.plexe.ai')).toThrow(/unencrypted/);
    expect(() => normalizeBaseUrl('http://10.0.0.5')).toThrow(/https/);
    expect(() => normalizeBaseUrl('http://127.example.com')).toThrow(/https/);
    expect(() => normalizeBaseUrl('ftp://x.org')).toThrow(/must start with https/);
    expect(() => normalizeBaseUrl('https://user:pw@x.org')).toThrow(/user name/);
    expect(() => normalizeBaseUrl('https://')).toThrow(/not a web address/);
  });
  it('knows loopback hosts', () => {
    expect(['127.0.0.1', 'localhost', '[::1]', '::1', 'app.localhost'].every(isLoopbackHost)).toBe(true);
    expect(['128.0.0.1', '127.0.0.256', 'example.com', '::2'].some(isLoopbackHost)).toBe(false);
  });
});

describe('pasted endpoint URLs', () => {
  it('reads the /models/{name}/{version}/infer form', () => {
    expect(parseEndpointUrl('https://api.plexe.ai/models/house-prices/1/infer')).toEqual({ baseUrl: 'https://api.plexe.ai', ref: { kind: 'model', name: 'house-prices', version: '1' } });
    expect(parseEndpointUrl('https://gw.corp/plexe/models/churn%20v/v2/predictions')).toEqual({ baseUrl: 'https://gw.corp/plexe', ref: { kind: 'model', name: 'churn v', version: 'v2' } });
    expect(parseEndpointUrl('http://127.0.0.1:5/models/a/3').ref).toEqual({ kind: 'model', name: 'a', version: '3' });
  });
  it('reads the older /predict/{id} form', () => {
    expect(parseEndpointUrl('https://api.plexe.ai/predict/dep_123')).toEqual({ baseUrl: 'https://api.plexe.ai', ref: { kind: 'deployment', deploymentId: 'dep_123' } });
  });
  it('explains what is wrong', () => {
    expect(() => parseEndpointUrl('house-prices')).toThrow(/not a web address/);
    expect(() => parseEndpointUrl('https://api.plexe.ai/docs')).toThrow(/\/models\/NAME\/VERSION\/infer/);
    expect(() => parseEndpointUrl('http://api.plexe.ai/models/a/1/infer')).toThrow(/unencrypted/);
  });
});
