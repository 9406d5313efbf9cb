import type { Options } from 'tsup';

/**
 * The build every published @aekit package shares: ESM + CJS + type declarations for each
 * entry, source maps, no minification (users' bundlers minify), Node 20 as the floor.
 */
export function libraryBuild(options: Partial<Options> = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // tsup's declaration build sets `baseUrl`, which TypeScript 6 deprecates.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    // Each package's build script empties dist/ first; several configs may write into it.
    clean: false,
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    treeshake: true,
    ...options,
  };
}
