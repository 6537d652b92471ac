import { describe, expect, it } from 'vitest';
import { MemorySettings } from '../store/memory';
import { createEngine } from '../engine';
import { PlexeClient } from '../plexe/client';
import { readEngineSettings, registerSettingsIpc } from './settings';

describe('engine settings channels', () => {
  it('start from the engine defaults, keep changes, and reset', async () => {
    const settings = new MemorySettings();
    const h = registerSettingsIpc({ settings });
    expect(await h['settings:get-engine'](undefined)).toEqual({ attempts: 5, timeoutMs: 30_000, backoffBaseMs: 500, backoffCapMs: 30_000, batchSize: 50, retryAfterCapMs: 3_600_000, maxAnswerBytes: 16 * 1024 * 1024 });
    expect(await h['settings:set-engine']({ timeoutMs: 5_000, attempts: 2 })).toMatchObject({ timeoutMs: 5_000, attempts: 2, batchSize: 50 });
    expect(readEngineSettings(settings).timeoutMs).toBe(5_000);
    expect(await h['settings:reset-engine'](undefined)).toMatchObject({ timeoutMs: 30_000, attempts: 5 });
  });

  it('refuses a longest wait shorter than the first wait, naming the field', async () => {
    const h = registerSettingsIpc({ settings: new MemorySettings() });
    expect(() => h['settings:set-engine']({ backoffBaseMs: 5_000, backoffCapMs: 1_000 })).toThrow(/longest wait/);
  });

  it('are what the engine uses on its next call', async () => {
    const settings = new MemorySettings();
    const engine = createEngine({ client: new PlexeClient({ fetch: globalThis.fetch }), settings: () => readEngineSettings(settings) });
    expect(engine.settings().timeoutMs).toBe(30_000);
    registerSettingsIpc({ settings })['settings:set-engine']({ timeoutMs: 2_000 });
    expect(engine.settings().timeoutMs).toBe(2_000);
  });
});
