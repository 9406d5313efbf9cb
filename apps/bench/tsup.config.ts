import { defineConfig } from 'tsup';

// The benchmark runs the built packages exactly as users get them (no source condition).
export default defineConfig({
  entry: {
    cli: 'src/cli.ts',
    'vae-quality': 'src/vae-quality.ts',
    'families-quality': 'src/families-quality.ts',
    'stacked-quality': 'src/stacked-quality.ts',
  },
  // Native or heavy dependencies load from node_modules at run time.
  external: ['@resvg/resvg-js', 'echarts'],
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: false,
});
