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

/**
 * The build of a package that also has a `./options` entry (its option schemas, loading no
 * TensorFlow.js): code splitting, so both entries share one copy of the modules they have in
 * common — one `InvalidArgumentError` class, one schema object — instead of each bundling its own.
 * @param optionsEntry the source of the `./options` entry.
 */
export function libraryBuildWithOptions(
  optionsEntry = 'src/options.ts',
  options: Partial<Options> = {},
): Options {
  return libraryBuild({
    entry: { index: 'src/index.ts', options: optionsEntry },
    splitting: true,
    ...options,
  });
}
