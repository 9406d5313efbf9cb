import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = dirname(fileURLToPath(import.meta.url));

/** The modules `entry` imports, directly or through this package's own files. */
function importsOf(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(srcDir, file), 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const specifier = match[1]!;
      if (specifier.startsWith('./')) visit(`${specifier.slice(2)}.ts`);
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the browser entry', () => {
  it('imports no Node built-in, directly or indirectly', () => {
    const { files, packages } = importsOf('browser.ts');
    expect(files.has('node-platform.ts')).toBe(false);
    const builtins = [...packages].filter(
      (name) => name.startsWith('node:') || builtinModules.includes(name.split('/')[0]!),
    );
    expect(builtins).toEqual([]);
    expect([...packages].sort()).toEqual(
      [
        '@aekit/core',
        '@tensorflow/tfjs-core',
        'fflate',
        'papaparse',
        ...Array.from({ length: 10 }, (_, d) => `mnist/src/digits/${d}.json`),
      ].sort(),
    );
    // The Node entry, by contrast, does use them.
    expect([...importsOf('index.ts').packages].some((name) => name.startsWith('node:'))).toBe(true);
  });

  it('is what bundlers pick under the browser condition', () => {
    const manifest = JSON.parse(readFileSync(join(srcDir, '..', 'package.json'), 'utf8'));
    const conditions = Object.keys(manifest.exports['.']);
    expect(conditions.indexOf('browser')).toBeLessThan(conditions.indexOf('import'));
    expect(manifest.exports['.'].browser.default).toBe('./dist/browser/index.js');
  });
});
