import { describe, expect, it } from 'vitest';
import { cleanFields, moveField, parseChoices, schemaProblems } from './schema-edit';

describe('schema editing', () => {
  it('parses allowed values', () => {
    expect(parseChoices(' a, b ,, a ,c')).toEqual(['a', 'b', 'c']);
  });
  it('names every problem', () => {
    expect(schemaProblems([])).toEqual(['Add at least one field.']);
    const p = schemaProblems([
      { name: '', type: 'number', required: true },
      { name: 'x', type: 'choice', required: true, choices: [] },
      { name: 'x', type: 'number', required: true, min: 5, max: 1 },
    ]);
    expect(p).toEqual([
      'Field 1 needs a name.',
      '"x" is a choice: list its allowed values, separated by commas.',
      'Two fields are called "x"; names must be different.',
      '"x": the minimum (5) is larger than the maximum (1).',
    ]);
  });
  it('drops settings that do not fit the type', () => {
    expect(cleanFields([{ name: ' a ', type: 'text', required: false, min: 1, choices: ['x'], description: ' ' }])).toEqual([{ name: 'a', type: 'text', required: false }]);
  });
  it('moves fields up and down', () => {
    expect(moveField(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'c', 'b']);
    expect(moveField(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });
});
