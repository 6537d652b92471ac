import { describe, expect, it } from 'vitest';
import { modelLabel, modelSubtitle } from './model';

describe('model names', () => {
  const ref = (version: string) => ({ kind: 'model' as const, name: 'house-prices', version });
  it('writes the version with one "v"', () => {
    expect(modelLabel(ref('1'))).toBe('house-prices v1');
    expect(modelLabel(ref('v1'))).toBe('house-prices v1');
  });
  it('repeats nothing the display name already says', () => {
    expect(modelSubtitle({ displayName: 'house-prices v1', ref: ref('1') })).toBeNull();
    expect(modelSubtitle({ displayName: 'house-prices', ref: ref('1') })).toBe('v1');
    expect(modelSubtitle({ displayName: 'House Price Estimator (demo)', ref: ref('1') })).toBe('house-prices v1');
    expect(modelSubtitle({ displayName: 'Old one', ref: { kind: 'deployment', deploymentId: 'dep_1' } })).toBe('deployment dep_1');
  });
});
