import { defineConfig } from 'tsup';
import { libraryBuild } from '../../scripts/tsup-preset';

export default defineConfig([
  // The library (ESM + CJS): runCli and the family adapter types.
  libraryBuild({ platform: 'node' }),
  // The `aekit` executable (ESM, with its #! line).
  {
    ...libraryBuild({ platform: 'node' }),
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    dts: false,
  },
]);
