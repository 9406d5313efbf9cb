#!/usr/bin/env node
/**
 * A quick micro-benchmark (not a test; the bench rows are `pnpm bench --only conv`): GFLOP/s of
 * the convolution kernels on `wasm` at batch 128, on the layers of a convolutional VAE on 28×28
 * images and their transposed mirrors, with aekit's compiled kernels, with the stock wasm
 * kernels (`setSimdKernels(false)`; the stock backend has no filter gradient, so that column is
 * aekit's JavaScript fallback), and the compiled matrix product alone on the im2col shape.
 *
 *   node scripts/bench-conv.mjs            (from packages/runtime-wasm; needs no build)
 *
 * The package's TypeScript sources are bundled with esbuild into a temporary module first.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = join(packageDir, 'scripts', '.bench-conv.bundle.mjs');

await build({
  stdin: {
    contents: [
      "export { initBackend } from './src/index.ts';",
      "export { setSimdKernels } from './src/simd-kernels.ts';",
      "export * as tf from '@tensorflow/tfjs-core';",
    ].join('\n'),
    resolveDir: packageDir,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: bundlePath,
  conditions: ['@aekit/source'],
  logLevel: 'warning',
  plugins: [
    {
      // tfjs stays external (one engine for the bundle and this script); its extension-less
      // ESM gradient modules are bundled in, as the package's Node build does.
      name: 'tfjs-external',
      setup(context) {
        context.onResolve({ filter: /^@tensorflow\/tfjs-[a-z-]+$/ }, (args) => ({
          path: args.path,
          external: true,
        }));
      },
    },
  ],
});
const { initBackend, setSimdKernels, tf } = await import(pathToFileURL(bundlePath).href);
rmSync(bundlePath);

const batch = 128;

/**
 * Median milliseconds per call of each contender: after a warm-up, 7 rounds in which each runs
 * for ≥ 50 ms, in an order that rotates from round to round so that machine drift falls on all.
 */
function timeInterleaved(contenders) {
  const names = Object.keys(contenders);
  const calls = {};
  for (const name of names) {
    contenders[name]();
    const start = performance.now();
    contenders[name]();
    calls[name] = Math.max(1, Math.ceil(50 / Math.max(performance.now() - start, 0.01)));
  }
  const windows = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < 7; round += 1) {
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(round + offset) % names.length];
      const begin = performance.now();
      for (let call = 0; call < calls[name]; call += 1) contenders[name]();
      windows[name].push((performance.now() - begin) / calls[name]);
    }
  }
  return Object.fromEntries(names.map((name) => [name, windows[name].sort((x, y) => x - y)[3]]));
}

/**
 * Convolutions x [batch, size, size, inC] → [batch, ⌈size/2⌉, ⌈size/2⌉, outC], 3×3 stride 2
 * 'same'. The mirrored transposed convolution of a layer runs the same three kernels in other
 * roles: its forward pass is the layer's dInput, its dInput the layer's forward pass, its
 * dFilter the layer's dFilter. The last is the 28×28 64→32 conv2dTranspose.
 */
const layers = [
  { name: '28×28×1→32', size: 28, inC: 1, outC: 32, stride: 2 },
  { name: '14×14×32→64', size: 14, inC: 32, outC: 64, stride: 2 },
  { name: '28×28×32→64', size: 28, inC: 32, outC: 64, stride: 2 },
];

const pad = 'same';
const rowsOf = (layer) => batch * Math.ceil(layer.size / layer.stride) ** 2;

function bench(layer) {
  const out = Math.ceil(layer.size / layer.stride);
  const rows = rowsOf(layer);
  const columns = 9 * layer.inC;
  const flops = 2 * rows * columns * layer.outC;
  const x = tf.randomNormal([batch, layer.size, layer.size, layer.inC], 0, 1, 'float32', 1);
  const w = tf.randomNormal([3, 3, layer.inC, layer.outC], 0, 1, 'float32', 2);
  const dy = tf.randomNormal([batch, out, out, layer.outC], 0, 1, 'float32', 3);
  const col = tf.randomNormal([rows, columns], 0, 1, 'float32', 4);
  const w2 = tf.reshape(w, [columns, layer.outC]);
  const dy2 = tf.reshape(dy, [rows, layer.outC]);
  const kernels = {
    forward: () => tf.conv2d(x, w, layer.stride, pad),
    dFilter: () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: layer.stride, pad, dataFormat: 'NHWC', filterShape: w.shape },
        ),
    dInput: () => tf.conv2dTranspose(dy, w, x.shape, layer.stride, pad),
  };
  const products = {
    forward: () => tf.matMul(col, w2),
    dFilter: () => tf.matMul(col, dy2, true, false),
    dInput: () => tf.matMul(dy2, w2, false, true),
  };
  const gflops = (ms) => (flops / ms / 1e6).toFixed(1).padStart(6);
  for (const kernel of ['forward', 'dFilter', 'dInput']) {
    const run = (f, compiled) => () => {
      setSimdKernels(compiled);
      f().dispose();
    };
    const { aekit, stock, product } = timeInterleaved({
      aekit: run(kernels[kernel], true),
      stock: run(kernels[kernel], false),
      product: run(products[kernel], true),
    });
    setSimdKernels(true);
    const role = { forward: 'Conv2D', dFilter: 'BackpropFilter', dInput: 'BackpropInput/convT' }[
      kernel
    ];
    console.log(
      `${layer.name.padEnd(12)} ${role.padEnd(20)} aekit ${gflops(aekit)}  stock ${gflops(stock)}${kernel === 'dFilter' ? ' (JS fallback)' : '              '}  gemm ${gflops(product)}  GFLOP/s  (${(flops / 1e6).toFixed(0)} MFLOP, aekit/gemm ${((product / aekit) * 100).toFixed(0)}%)`,
    );
  }
  tf.dispose([x, w, dy, col, w2, dy2]);
}

await initBackend({ backend: 'wasm' });
const only = process.argv[2];
for (const layer of layers) if (only === undefined || layer.name.includes(only)) bench(layer);
