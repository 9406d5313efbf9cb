import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The page reads the families' options from their `./options` entries; only the worker may
// load TensorFlow.js. Checked on the built site: the modules the page loads (its scripts and
// what they import, not the worker they start) hold no tfjs code.
const appRoot = fileURLToPath(new URL('..', import.meta.url));
const dist = join(appRoot, 'dist');

/** String literals of tfjs-core that survive minification: its flag registry and kernel table. */
const tfjsMarkers = ['IS_BROWSER', 'tfjsflags', 'registerKernel'];

/** The built page's modules: the scripts of index.html and, recursively, their imports. */
function pageModules(): Map<string, string> {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\.\/([^"]+\.js)"/g)];
  const modules = new Map<string, string>();
  const pending = entries.map((match) => match[1]!);
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    const code = readFileSync(join(dist, file), 'utf8');
    modules.set(file, code);
    for (const [, specifier] of code.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+\.js)"/g)) {
      pending.push(join(dirname(file), specifier!));
    }
  }
  return modules;
}

describe('the built page', () => {
  it('loads no TensorFlow.js: only the worker holds it', () => {
    // `pnpm test` builds the page first (turbo); build it here when run on its own.
    if (!existsSync(join(dist, 'index.html'))) {
      execFileSync(process.execPath, [join(appRoot, 'node_modules/vite/bin/vite.js'), 'build'], {
        cwd: appRoot,
        stdio: 'inherit',
      });
    }
    const page = pageModules();
    expect(page.size).toBeGreaterThan(0);
    const pageCode = [...page.values()].join('\n');
    // The page has the families' option schemas (sparse's λ label, from @aekit/sparse/options)…
    expect(pageCode).toContain('Penalty weight λ');
    for (const marker of tfjsMarkers) expect(pageCode, marker).not.toContain(marker);
    // …and starts the worker, which has tfjs: the markers do find it where it is.
    const worker = /new URL\(["'`]([^"'`]*worker[^"'`]*\.js)["'`]/.exec(pageCode)?.[1];
    expect(worker).toBeDefined();
    const workerCode = readFileSync(join(dist, 'assets', worker!.replace(/^.*\//, '')), 'utf8');
    for (const marker of tfjsMarkers) expect(workerCode, marker).toContain(marker);
  });
});
