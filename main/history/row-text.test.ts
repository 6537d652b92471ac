import { describe, expect, it } from 'vitest';
import { nodeFromPaths, shapeNode } from './row-text';
import { flattenPaths } from './store';

describe('shape structure from recorded paths', () => {
  it('is the structure of the object the paths were recorded from', () => {
    const objects: Record<string, unknown>[] = [
      {},
      { a: 1 },
      { a: { b: 1, c: { d: 'x', e: [] } }, f: {}, 'g.h': null, i: { j: { k: true } } },
      { 'a.b': 1, a: { b: 2 } },
    ];
    for (const o of objects) expect(nodeFromPaths(flattenPaths(o))).toEqual(shapeNode(o));
  });

  it('is null for a list no object gives, so those rows go the export long way', () => {
    expect(nodeFromPaths([['a'], ['b'], ['a']])).toBeNull();
    expect(nodeFromPaths([['a'], ['a', 'b']])).toBeNull();
    expect(nodeFromPaths([['a', 'b'], ['a']])).toBeNull();
    expect(nodeFromPaths([[]])).toBeNull();
  });
});
