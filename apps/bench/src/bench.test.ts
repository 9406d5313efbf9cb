import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { median, spread, timeInterleaved } from './measure';
import { markdownTable } from './table';
import { timeWindows } from './vae-training';

describe('measure', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('runs every contender warmup + windows × calls times, in rotating order', () => {
    const order: string[] = [];
    const timings = timeInterleaved(
      { a: () => order.push('a'), b: () => order.push('b'), c: () => order.push('c') },
      { warmup: 1, windows: 3, callsPerWindow: 2 },
    );
    expect(order.slice(0, 3)).toEqual(['a', 'b', 'c']);
    expect(order.slice(3).join('')).toBe('aabbcc' + 'bbccaa' + 'ccaabb');
    expect(timings.a!.windowsMs).toHaveLength(3);
  });
});

describe('spread', () => {
  it('gives the median, the smallest and the largest value', () => {
    expect(spread([3, 9, 1, 4])).toEqual({ median: 3.5, min: 1, max: 9 });
  });
});

describe('timeWindows', () => {
  it('warms up, sizes windows from a probe and rotates the order of contenders', async () => {
    const calls: string[] = [];
    // A contender whose step takes `seconds`, as it reports it (no clock involved).
    const contender = (name: string, seconds: number) => ({
      samplesPerStep: 10,
      prepare: async () => {
        calls.push(`${name} prepare`);
      },
      run: async (steps: number) => {
        calls.push(`${name} ${steps}`);
        return steps * seconds;
      },
      dispose: async () => {},
    });
    const timings = await timeWindows(
      { a: contender('a', 0.01), b: contender('b', 0.1) },
      { windows: 2, windowSeconds: 1 },
    );
    // Window steps: 1 s / 0.01 s = 100 for a, 1 s / 0.1 s = 10 for b.
    expect(timings.a!.stepsPerWindow).toBe(100);
    expect(timings.b!.stepsPerWindow).toBe(10);
    expect(timings.a!.windows).toEqual([1000, 1000]);
    expect(timings.b!.samplesPerSecond).toEqual({ median: 100, min: 100, max: 100 });
    expect(calls.filter((call) => !call.endsWith('prepare'))).toEqual([
      'a 1',
      'a 3',
      'b 1',
      'b 3', // warm-up and probe
      'a 100',
      'b 10', // round 1
      'b 10',
      'a 100', // round 2: rotated
    ]);
  });
});

describe('markdownTable', () => {
  it('refuses a row whose cells do not match the columns', () => {
    expect(() => markdownTable(['a', 'b'], [['1', '2', '3']])).toThrow(
      'markdownTable: row 0 has 3 cells for 2 columns.',
    );
  });

  it('pads columns to their widest cell', () => {
    expect(markdownTable(['a', 'bb'], [['ccc', 'd']])).toBe(
      '| a   | bb |\n| --- | -- |\n| ccc | d  |',
    );
  });
});

describe('pnpm bench --json', () => {
  // Long under load: it runs every benchmark once, with two to four PyTorch processes where
  // torch is.
  it('prints one JSON object with every matMul row and the data benchmarks', {
    timeout: 300_000,
  }, async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--json', '--quick'], {
      timeout: 290_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result.matMul.shape).toEqual({ m: 128, k: 784, n: 400 });
    const keys = result.matMul.rows.map(
      (row: { backend: string; kernels: string; variant: string }) =>
        `${row.backend}/${row.kernels}/${row.variant}`,
    );
    expect(keys.sort()).toEqual(
      [
        'cpu/stock/plain',
        'cpu/stock/transposeA',
        'cpu/stock/transposeB',
        'wasm/compiled/plain',
        'wasm/compiled/transposeA',
        'wasm/compiled/transposeB',
        'wasm/transposes/plain',
        'wasm/transposes/transposeA',
        'wasm/transposes/transposeB',
        'wasm/stock/plain',
        'wasm/stock/transposeA',
        'wasm/stock/transposeB',
      ].sort(),
    );
    for (const row of result.matMul.rows) expect(row.gflops).toBeGreaterThan(0);
    expect(result.fusedDense.shape).toEqual({ batch: 128, inDim: 784, outDim: 400 });
    expect(result.fusedDense.rows).toHaveLength(2 * 3 * 5);
    for (const row of result.fusedDense.rows) {
      expect(row.speedup).toBeCloseTo(row.separateMs / row.fusedMs, 10);
      expect(row.fusedMs).toBeGreaterThan(0);
    }
    expect(result.summary.wasmTransposedToPlain.compiled.transposeA).toBeGreaterThan(0);
    expect(result.summary.wasmTransposedToPlain.transposes.transposeB).toBeGreaterThan(0);
    expect(result.data.mnist).toMatchObject({ trainSamples: 8000, testSamples: 2000 });
    expect(result.data.mnist.loadMs).toBeGreaterThan(0);
    // Fashion-MNIST is installed in CI (.ci/run); elsewhere the benchmark may report it absent.
    const fashion = result.data.fashionMnist;
    if (process.env.CI === 'true' || fashion.available) {
      expect(fashion).toMatchObject({ available: true, trainSamples: 60000, testSamples: 10000 });
      expect(fashion.loadMs).toBeGreaterThan(0);
      expect(fashion.sampleMB).toBeCloseTo(54.88, 2);
      expect(fashion.rssAfterMB).toBeGreaterThan(fashion.rssBeforeMB);
      for (const epoch of fashion.epochs) {
        expect(epoch).toMatchObject({ batches: 469, batchSize: 128, leakedTensors: 0 });
      }
    } else {
      expect(fashion.reason).toMatch(/dataset-fashion-mnist/);
    }
    const vae = result.vaeTraining;
    expect(vae.available).toBe(true);
    const contenders = vae.training.map((row: { contender: string }) => row.contender);
    expect(contenders.slice(0, 5)).toEqual([
      'aekit wasm',
      'aekit wasm, 2 workers',
      'aekit wasm, XNNPACK products',
      'tfjs wasm (stock)',
      'aekit cpu',
    ]);
    // PyTorch where python3 can import torch (Debian's python3-torch, with OpenBLAS in CI),
    // skipped with a reason elsewhere.
    if (vae.pytorch.available) {
      const tried = vae.pytorch.settings.map((setting: { name: string }) => setting.name);
      const overridden =
        process.env.OPENBLAS_CORETYPE !== undefined || process.env.OPENBLAS_L2_SIZE !== undefined;
      expect(tried).toEqual(
        overridden
          ? [
              'PyTorch 1 thread',
              'PyTorch 1 thread, OpenBLAS overrides unset',
              'PyTorch 2 threads',
              'PyTorch 2 threads, OpenBLAS overrides unset',
            ]
          : ['PyTorch 1 thread', 'PyTorch 2 threads'],
      );
      // Timed: the settings whose fixed-seed losses agree with the first's (here: all of them).
      expect(contenders.slice(5)).toEqual(tried);
      for (const setting of vae.pytorch.settings) {
        expect(setting.lossesAgree).toBe(true);
        expect(setting.maxRelativeLossDifference).toBeLessThanOrEqual(
          vae.pytorch.lossCheck.relativeTolerance,
        );
      }
      expect(vae.pytorch.blas.kind).toBe('OpenBLAS');
      expect(vae.pytorch.noRatio).toBeNull();
      // The best setting (used for the sweeps and the full run) is the fastest PyTorch row.
      const fastest = vae.training
        .filter((row: { contender: string }) => row.contender.startsWith('PyTorch'))
        .sort(
          (
            a: { samplesPerSecond: { median: number } },
            b: { samplesPerSecond: { median: number } },
          ) => b.samplesPerSecond.median - a.samplesPerSecond.median,
        )[0].contender;
      expect(fastest).toBe(vae.pytorch.best);
      expect(fastest).toMatch(new RegExp(`^PyTorch ${vae.pytorch.bestThreads} thread`));
      for (const row of vae.training) expect(row.ratioToPyTorch).toBeGreaterThan(0);
    } else {
      expect(contenders).toHaveLength(5);
      expect(vae.pytorch.reason).toMatch(/python3-torch/);
      for (const row of vae.training) expect(row.ratioToPyTorch).toBeNull();
      expect(result.summary.targets.noPyTorchRatio).toBe(vae.pytorch.reason);
    }
    for (const row of [...vae.training, ...vae.encoding]) {
      expect(row.samplesPerSecond.median).toBeGreaterThan(0);
      expect(row.samplesPerSecond.min).toBeLessThanOrEqual(row.samplesPerSecond.median);
      expect(row.windows.length).toBeGreaterThan(0);
    }
    expect(vae.encoding.map((row: { contender: string }) => row.contender).slice(0, 2)).toEqual([
      'aekit wasm',
      'tfjs wasm (stock)',
    ]);
    expect(vae.scaling.hidden.map((point: { hidden: number }) => point.hidden)).toEqual([100, 200]);
    expect(vae.scaling.batch.map((point: { batchSize: number }) => point.batchSize)).toEqual([
      32, 64,
    ]);
    for (const point of [...vae.scaling.hidden, ...vae.scaling.batch]) {
      expect(point.samplesPerSecond['aekit wasm']).toBeGreaterThan(0);
    }
    for (const point of vae.scaling.batch) {
      expect(point.samplesPerSecond['aekit wasm, 2 workers']).toBeGreaterThan(0);
    }
    const profiles = vae.profile.map((row: { contender: string }) => row.contender);
    expect(profiles).toEqual(['aekit wasm', 'aekit wasm, XNNPACK products', 'tfjs wasm (stock)']);
    for (const row of vae.profile) {
      expect(row.kernelsPerStep).toBeGreaterThan(10);
      expect(row.matMulMsPerStep).toBeLessThanOrEqual(row.kernelMsPerStep);
      // 11 matMuls per step: 2·(784·400 + 400·40 + 20·400 + 400·784)·128 flops forward, twice
      // that for the weight gradients, and 2·(40·400 + 400·784 + 20·400)·128 for the inputs'.
      const forward = 2 * (784 * 400 + 400 * 40 + 20 * 400 + 400 * 784) * 128;
      const inputs = 2 * (40 * 400 + 400 * 784 + 20 * 400) * 128;
      expect(row.matMulMflopPerStep).toBeCloseTo((2 * forward + inputs) / 1e6, 6);
    }
    // The plot is a PNG file.
    const png = readFileSync(vae.plot);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { aekitWasmOverStock, aekitWasmSamplesPerSecond } = result.summary.targets;
    expect(aekitWasmOverStock).toBeCloseTo(
      aekitWasmSamplesPerSecond /
        vae.training.find((row: { contender: string }) => row.contender === 'tfjs wasm (stock)')
          .samplesPerSecond.median,
      10,
    );
    expect(result.fullRun).toBeNull();
    // The convolution rows (conv.test.ts checks them in detail).
    expect(result.conv.layers).toHaveLength(5 * 3);
    expect(result.conv.training.rows[0].samplesPerSecond.median).toBeGreaterThan(0);
  });
});
