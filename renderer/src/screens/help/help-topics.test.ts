import { describe, expect, it } from 'vitest';
import { ERROR_TEXTS } from '../../../../shared/domain/error-texts';
import { HELP_TOPICS, searchHelp } from './help-topics';

describe('help topics', () => {
  it('finds the rate limit, and keys by the words people use', () => {
    expect(searchHelp('rate limit')[0]!.id).toBe('rate-limit');
    expect(searchHelp('ROTATE key').map((t) => t.id)).toContain('key-rotate');
    expect(searchHelp('429').map((t) => t.id)).toContain('error-rate_limit_exceeded');
    expect(searchHelp('no such words here')).toEqual([]);
    expect(searchHelp('  ')).toHaveLength(HELP_TOPICS.length);
  });
  it('has an entry for every error text, with the words the panels show', () => {
    for (const t of ERROR_TEXTS) {
      const topic = HELP_TOPICS.find((h) => h.id === `error-${t.codes[0]}`);
      expect(topic?.paragraphs).toEqual([t.means, `What to do: ${t.todo}`]);
    }
  });
});
