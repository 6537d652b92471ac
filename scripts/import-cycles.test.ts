import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findImportCycles } from './import-cycles';

describe('import cycles', () => {
  it('there are none in main/, shared/ or sandbox/', () => {
    expect(findImportCycles(['main', 'shared', 'sandbox'])).toEqual([]);
  });

  it('are found, type-only imports included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexe-cycles-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'src/a.ts'), "import { b } from './b';\nexport const a = b;\n");
      writeFileSync(join(dir, 'src/b.ts'), "import type { C } from './c';\nexport const b = 1 as unknown as C;\n");
      writeFileSync(join(dir, 'src/c.ts'), "import { a } from './a';\nexport type C = typeof a;\n");
      writeFileSync(join(dir, 'src/d.ts'), "import { a } from './a';\nimport x from 'some-package';\nexport const d = [a, x];\n");
      expect(findImportCycles(['src'], dir)).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
