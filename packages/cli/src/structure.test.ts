import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('./', import.meta.url));

/** Every source file under `src/` (tests left out), as a path relative to `src/`. */
function sources(folder = root): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
      ? [relative(root, path)]
      : [];
  });
}

/** The package's own modules `file` imports, as paths relative to `src/` (no extension). */
function localImports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) =>
    relative(root, join(root, file, '..', match[1]!)),
  );
}

/**
 * The floors of the command, top down: the program and the commands use the family adapters;
 * the adapters use the contract, the report, the evaluation and the model calls, which know no
 * family.
 */
const usesFamilies = (file: string) =>
  file.startsWith('commands/') ||
  file.startsWith('families/') ||
  ['program.ts', 'index.ts', 'bin.ts'].includes(file);

describe('@aekit/cli structure', () => {
  it('the modules below the family adapters import nothing from families/', () => {
    const files = sources();
    expect(files).toContain('family-contract.ts');
    expect(files).toContain('report/build-report.ts');
    for (const file of files.filter((candidate) => !usesFamilies(candidate))) {
      for (const imported of localImports(file)) {
        expect(imported.startsWith('families'), `${file} imports ${imported}`).toBe(false);
      }
    }
  });

  it('the commands reach the families only through their list (families/index.ts)', () => {
    for (const file of sources().filter((candidate) => candidate.startsWith('commands/'))) {
      for (const imported of localImports(file)) {
        if (imported.startsWith('families')) expect(imported, file).toBe('families');
      }
    }
  });

  it('the family adapters import no command', () => {
    for (const file of sources().filter((candidate) => candidate.startsWith('families/'))) {
      for (const imported of localImports(file)) {
        expect(imported.startsWith('commands'), `${file} imports ${imported}`).toBe(false);
      }
    }
  });
});
