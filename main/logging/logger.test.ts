import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorRing } from './error-ring';
import { createFileSink, rotate } from './file-sink';
import { createAppLogging } from './index';
import { MemorySink, RedactingLogger } from './logger';
import { knownSecrets, registerSecret, SecretRegistry } from './redact';
import { writeFileSync } from 'node:fs';

const KEY = 'plx_live_RECOGNISABLE_KEY_0123456789';
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'plexe-log-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  knownSecrets.clear();
});

function readAll(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('RedactingLogger', () => {
  it('a recognisable key never reaches the log file, however it is passed', () => {
    const dir = tempDir();
    const { logger, file } = createAppLogging({ dir });
    registerSecret(KEY);
    logger.info(`saving key ${KEY}`);
    logger.info('request', { headers: { 'x-api-key': KEY, Authorization: `Bearer ${KEY}` }, url: `https://api.plexe.ai/m?api_key=${KEY}` });
    logger.warn('retrying', { note: `the key ${KEY} was sent`, attempt: 2 });
    logger.error('failed', { error: new Error(`401 for ${KEY}`), requestId: 'req_abc' });
    const text = readFileSync(file.path, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(4);
    expect(text).toMatch(/\[info\] +saving key \[redacted\]/);
    expect(text).toContain('req_abc');
    expect(text).not.toContain('RECOGNISABLE');
  });

  it('catches secret-named fields even for a key nobody registered', () => {
    const dir = tempDir();
    const { logger, file } = createAppLogging({ dir });
    logger.info('saved', { apiKey: KEY, profile: 'Work' });
    logger.info(`raw dump x-api-key: ${KEY}`);
    const text = readFileSync(file.path, 'utf8');
    expect(text).toContain('Work');
    expect(text).not.toContain('RECOGNISABLE');
  });

  it('keeps recent errors (with request ids) for diagnostics, redacted and bounded', () => {
    const sink = new MemorySink();
    const registry = new SecretRegistry();
    registry.add(KEY);
    const logger = new RedactingLogger({ sinks: [sink], errors: new ErrorRing(3), secrets: registry, now: () => new Date('2026-01-02T03:04:05Z') });
    logger.info('fine');
    logger.warn('slow down', { requestId: 'req_w', code: 'rate_limit_exceeded' });
    logger.warn('no id');
    logger.error('predict failed', { error: { code: 'prediction_error', message: `bad ${KEY}`, requestId: 'req_1' }, channel: 'predict:run-one' });
    logger.error('second');
    logger.error('third');
    const recent = logger.errors.recent();
    expect(recent).toHaveLength(3);
    expect(recent[0]).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      message: 'predict failed: bad [redacted]',
      requestId: 'req_1',
      code: 'prediction_error',
      where: 'predict:run-one',
    });
    expect(recent.map((e) => e.message)).toEqual(['predict failed: bad [redacted]', 'second', 'third']);
    expect(logger.errors.recent(1)[0]?.message).toBe('third');
    expect(sink.text()).not.toContain('RECOGNISABLE');
  });

  it('a failing sink never breaks the caller', () => {
    const good = new MemorySink();
    const logger = new RedactingLogger({ sinks: [{ write: () => { throw new Error('disk full'); } }, good] });
    expect(() => logger.error('x', { a: 1 })).not.toThrow();
    expect(good.lines).toHaveLength(1);
  });
});

describe('rotating file', () => {
  it('rotates past maxSize and keeps only N old files', () => {
    const dir = tempDir();
    const sink = createFileSink({ dir, maxSize: 400, keep: 2 });
    const logger = new RedactingLogger({ sinks: [sink] });
    for (let i = 0; i < 40; i++) logger.info(`line ${i} ${'x'.repeat(60)}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const f of files) expect(readFileSync(join(dir, f)).length).toBeLessThan(400 + 200);
    expect(readFileSync(join(dir, 'main.log'), 'utf8')).toContain('line 39');
    expect(readAll(dir)).not.toContain('line 0 ');
  });

  it('rotate shifts numbered files and drops the oldest', () => {
    const dir = tempDir();
    const p = join(dir, 'app.log');
    writeFileSync(p, 'current');
    writeFileSync(join(dir, 'app.1.log'), 'one');
    writeFileSync(join(dir, 'app.2.log'), 'two');
    rotate(p, 2);
    expect(readdirSync(dir).sort()).toEqual(['app.1.log', 'app.2.log']);
    expect(readFileSync(join(dir, 'app.1.log'), 'utf8')).toBe('current');
    expect(readFileSync(join(dir, 'app.2.log'), 'utf8')).toBe('one');
  });
});
