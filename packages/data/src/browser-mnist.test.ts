import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import * as browser from './browser';
import { loadMnist } from './index';

// The browser build imports the mnist package's digit files, which the application's bundler
// serves. Vitest's own JSON transform takes over a second per 2 MB file, so here each import
// returns the file parsed by JSON.parse, as a bundler's module would.
const { digitModule } = vi.hoisted(() => ({
  digitModule: async (digit: number) => {
    const { readFileSync: read } = await import('node:fs');
    const { createRequire: requireFrom } = await import('node:module');
    const path = requireFrom(import.meta.url).resolve(`mnist/src/digits/${digit}.json`);
    return { default: JSON.parse(read(path, 'utf8')) as unknown };
  },
}));
vi.mock('mnist/src/digits/0.json', () => digitModule(0));
vi.mock('mnist/src/digits/1.json', () => digitModule(1));
vi.mock('mnist/src/digits/2.json', () => digitModule(2));
vi.mock('mnist/src/digits/3.json', () => digitModule(3));
vi.mock('mnist/src/digits/4.json', () => digitModule(4));
vi.mock('mnist/src/digits/5.json', () => digitModule(5));
vi.mock('mnist/src/digits/6.json', () => digitModule(6));
vi.mock('mnist/src/digits/7.json', () => digitModule(7));
vi.mock('mnist/src/digits/8.json', () => digitModule(8));
vi.mock('mnist/src/digits/9.json', () => digitModule(9));

describe('loadMnist in the browser build', () => {
  it('imports files that exist in the mnist package', () => {
    const source = readFileSync(new URL('./browser.ts', import.meta.url), 'utf8');
    const specifiers = [...source.matchAll(/import\('(mnist\/[^']+)'\)/g)].map(
      (match) => match[1]!,
    );
    expect(specifiers).toEqual(Array.from({ length: 10 }, (_, d) => `mnist/src/digits/${d}.json`));
    const require = createRequire(import.meta.url);
    for (const specifier of specifiers) expect(() => require.resolve(specifier)).not.toThrow();
  });

  it('gives the same split as in Node', async () => {
    const node = await loadMnist({ seed: 5 });
    const inBrowser = await browser.loadMnist({ seed: 5 });
    expect(inBrowser.train.labels).toEqual(node.train.labels);
    expect(inBrowser.test.labels).toEqual(node.test.labels);
    for (const index of [0, 1234, 7999]) {
      expect(inBrowser.train.sampleAt(index).x).toEqual(node.train.sampleAt(index).x);
    }
    expect(inBrowser.test.sampleAt(1999).x).toEqual(node.test.sampleAt(1999).x);
  });
});
