import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';

const folder = new URL('./', import.meta.url);
const sources = readdirSync(folder).filter(
  (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
);

/** The package's own modules each source file imports (`./x` → `x.ts`), types included. */
function localImports(name: string): string[] {
  const text = readFileSync(new URL(name, folder), 'utf8');
  return [...text.matchAll(/from '\.\/([^']+)'/g)].map((match) => `${match[1]}.ts`);
}

describe('@aekit/stacked structure', () => {
  it('depends on no trainer: families use @aekit/core, @aekit/layers and other families only', () => {
    expect(Object.keys(packageJson.dependencies)).not.toContain('@aekit/train');
    for (const name of sources) {
      expect(readFileSync(new URL(name, folder), 'utf8'), name).not.toMatch(
        /^(?:import|export)[^;]*'@aekit\/train'/m,
      );
    }
  });

  it('has no import circle among its modules', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (name: string, path: readonly string[]): void => {
      if (state.get(name) === 'done') return;
      expect(state.get(name), `import circle: ${[...path, name].join(' → ')}`).not.toBe('visiting');
      state.set(name, 'visiting');
      for (const imported of localImports(name)) visit(imported, [...path, name]);
      state.set(name, 'done');
    };
    expect(sources).toContain('stacked.ts');
    for (const name of sources) visit(name, []);
    expect(localImports('stacked.ts')).toContain('stacked-classifier.ts');
  });
});
