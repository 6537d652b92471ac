import { describe, expect, it } from 'vitest';
import { isSecretField, REDACTED, redact, redactString, SecretRegistry } from './redact';

const KEY = 'plx_live_9f8e7d6c5b4a3210ZZ';

function fresh(): SecretRegistry {
  return new SecretRegistry();
}

describe('redact', () => {
  it('blanks values under secret-named fields, whatever their spelling', () => {
    const out = redact(
      {
        key: KEY,
        apiKey: KEY,
        api_key: KEY,
        'x-api-key': KEY,
        'X-API-Key': KEY,
        Authorization: `Bearer ${KEY}`,
        password: 'hunter22',
        token: 't0ken-value',
        keyHint: '…ZZ',
        model: 'churn',
      },
      fresh(),
    ) as Record<string, unknown>;
    expect(out['keyHint']).toBe('…ZZ');
    expect(out['model']).toBe('churn');
    for (const k of ['key', 'apiKey', 'api_key', 'x-api-key', 'X-API-Key', 'Authorization', 'password', 'token']) {
      expect(out[k], k).toBe(REDACTED);
    }
    expect(JSON.stringify(out)).not.toContain('9f8e7d6c');
  });

  it('walks nested objects, arrays, Maps, Headers and errors', () => {
    const registry = fresh();
    const err = new Error(`request failed with x-api-key: ${KEY}`) as Error & { requestId?: string; config?: unknown };
    err.requestId = 'req_123';
    err.config = { headers: { 'x-api-key': KEY } };
    const value = {
      request: { headers: new Headers({ 'x-api-key': KEY, accept: 'application/json' }) },
      pairs: [['Authorization', `Bearer ${KEY}`], ['accept', 'json']],
      map: new Map([['apiKey', KEY]]),
      list: [{ nested: { deeper: { password: 'p4ssword!' } } }],
      err,
    };
    const text = JSON.stringify(redact(value, registry));
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('p4ssword');
    expect(text).toContain('req_123');
    expect(text).toContain('application/json');
    expect(text).toContain('request failed');
  });

  it('scrubs free text: headers, Bearer tokens, query strings, URL passwords, JSON dumps', () => {
    const r = fresh();
    expect(redactString(`x-api-key: ${KEY}`, r)).toBe(`x-api-key: ${REDACTED}`);
    expect(redactString(`Authorization: Bearer ${KEY}`, r)).toBe(`Authorization: ${REDACTED}`);
    expect(redactString(`sent bearer ${KEY} to server`, r)).toBe(`sent bearer ${REDACTED} to server`);
    expect(redactString(`https://api.plexe.ai/x?api_key=${KEY}&limit=5`, r)).toBe(`https://api.plexe.ai/x?api_key=${REDACTED}&limit=5`);
    expect(redactString(`SANDBOX http://127.0.0.1:5000 key=${KEY}`, r)).toBe(`SANDBOX http://127.0.0.1:5000 key=${REDACTED}`);
    expect(redactString(`proxy http://bob:s3cretpw@proxy.local:8080`, r)).toBe(`proxy http://bob:${REDACTED}@proxy.local:8080`);
    expect(redactString(JSON.stringify({ 'x-api-key': KEY, n: 1 }), r)).not.toContain(KEY);
    expect(redactString(JSON.stringify(JSON.stringify({ apiKey: KEY })), r)).not.toContain(KEY);
  });

  it('leaves ordinary text alone', () => {
    const r = fresh();
    const plain = 'Row 12, column "age": expected a number. The key hint is …abcd; 3 tokens left; Basic plan.';
    expect(redactString(plain, r)).toBe(plain);
    expect(redact({ rows: 3, keyHint: 'abcd', profile: 'Work' }, r)).toEqual({ rows: 3, keyHint: 'abcd', profile: 'Work' });
  });

  it('replaces registered secrets anywhere, including inside words and stacks', () => {
    const r = fresh();
    r.add(KEY);
    r.add('abc'); // too short to be treated as a secret: would shred ordinary text
    expect(r.size).toBe(1);
    expect(redactString(`weird place:${KEY}trailing`, r)).toBe(`weird place:${REDACTED}trailing`);
    const e = new Error('boom');
    e.stack = `Error: boom\n    at call (${KEY})`;
    expect(JSON.stringify(redact({ e }, r))).not.toContain(KEY);
    expect(redactString('abc', r)).toBe('abc');
    r.remove(KEY);
    expect(redactString(KEY, r)).toBe(KEY);
  });

  it('survives cycles, deep nesting, binary data and odd values without throwing', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    const out = redact({ a, deep, buf: Buffer.from('xyz'), big: 10n, fn: () => 1, date: new Date(0), sym: Symbol('s') }, fresh());
    const text = JSON.stringify(out);
    expect(text).toContain('[circular]');
    expect(text).toContain('[too deep]');
    expect(text).toContain('[binary 3 bytes]');
    expect(text).toContain('1970-01-01T00:00:00.000Z');
    // the same object twice (not a cycle) is written twice
    const shared = { v: 1 };
    expect(redact({ x: shared, y: shared }, fresh())).toEqual({ x: { v: 1 }, y: { v: 1 } });
  });

  it('knows the secret field names', () => {
    expect(isSecretField('X-Api-Key')).toBe(true);
    expect(isSecretField('api key')).toBe(true);
    expect(isSecretField('proxy-authorization')).toBe(true);
    expect(isSecretField('keyHint')).toBe(false);
    expect(isSecretField('keyboard')).toBe(false);
  });
});
