import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { median, timeInterleaved } from './measure';
import { markdownTable } from './table';

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

describe('markdownTable', () => {
  it('pads columns to their widest cell', () => {
    expect(markdownTable(['a', 'bb'], [['ccc', 'd']])).toBe(
      '| a   | bb |\n| --- | -- |\n| ccc | d  |',
    );
  });
});

describe('pnpm bench --json', () => {
  it('prints one JSON object with every matMul row and the data benchmarks', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--json', '--quick'], {
      timeout: 120_000,
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
        'wasm/patched/plain',
        'wasm/patched/transposeA',
        'wasm/patched/transposeB',
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
    expect(result.summary.wasmTransposedToPlain.patched.transposeA).toBeGreaterThan(0);
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
  });
});
