import { describe, expect, it } from 'vitest';
import { serverRateText } from '../../shared/domain/server-rate';
import { MemorySettings } from './memory';
import { settingsPaceMemory } from './pace-memory';

describe('settingsPaceMemory', () => {
  it('keeps the learned rate per account, forgets it when cleared or after 30 days', () => {
    let t = 1_000_000;
    const settings = new MemorySettings();
    const memory = settingsPaceMemory(settings, () => t);
    expect(memory.get('a')).toBeNull();
    memory.set('a', 9.8);
    memory.set('b', 4);
    expect(memory.get('a')).toBe(9.8);
    expect(memory.get('b')).toBe(4);
    memory.set('b', null);
    expect(memory.get('b')).toBeNull();
    t += 31 * 24 * 3600 * 1000;
    expect(memory.get('a')).toBeNull();
  });

  it('says it in one sentence', () => {
    expect(serverRateText(9.8)).toBe('Plexe accepts about 9.8 requests/s for this key');
    expect(serverRateText(25.3)).toBe('Plexe accepts about 25 requests/s for this key');
    expect(serverRateText(0.333)).toBe('Plexe accepts about 0.33 requests/s for this key');
  });
});
