import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { convFlops, convPasses, convVaeLayers, im2colShape, kernelOf } from './conv';

describe('conv layer geometry', () => {
  it('counts 2·N·Ho·Wo·9·Cin·Cout on the small side of each layer', () => {
    const [conv1, conv2, deconv1, deconv2, output] = convVaeLayers;
    expect(convFlops(conv1!, 128)).toBe(2 * 128 * 14 * 14 * 9 * 1 * 32);
    expect(convFlops(conv2!, 128)).toBe(2 * 128 * 7 * 7 * 9 * 32 * 64);
    // A transposed convolution costs what the convolution it mirrors costs (counted on its
    // small side, its input): 7×7×64 → 14×14×64, then 14×14×64 → 28×28×32.
    expect(convFlops(deconv1!, 128)).toBe(2 * 128 * 7 * 7 * 9 * 64 * 64);
    expect(convFlops(deconv2!, 2)).toBe(2 * 2 * 14 * 14 * 9 * 32 * 64);
    expect(convFlops(output!, 1)).toBe(2 * 28 * 28 * 9 * 32);
    expect(im2colShape(deconv1!, 128)).toEqual({ m: 128 * 49, k: 576, n: 64 });
    expect(im2colShape(conv1!, 128)).toEqual({ m: 128 * 196, k: 9, n: 32 });
  });

  it('runs a transposed layer forward on the input-gradient kernel, and back on Conv2D', () => {
    const [conv1, , deconv1] = convVaeLayers;
    expect(convPasses.map((pass) => kernelOf(conv1!, pass))).toEqual([
      'Conv2D',
      'Conv2DBackpropInput',
      'Conv2DBackpropFilter',
    ]);
    expect(convPasses.map((pass) => kernelOf(deconv1!, pass))).toEqual([
      'Conv2DBackpropInput',
      'Conv2D',
      'Conv2DBackpropFilter',
    ]);
  });
});

/** Every number in `value` with its path, for the finiteness checks. */
function numbersOf(value: unknown, path = ''): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => numbersOf(item, `${path}.${key}`));
}

describe('pnpm bench --only conv --json --quick', () => {
  // Starts one PyTorch process per setting where torch is; the rest runs in seconds.
  it('prints every layer and pass, the training rows and a loss check that agrees', {
    timeout: 180_000,
  }, async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, '--only', 'conv', '--json', '--quick'],
      { timeout: 170_000 },
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { conv, quick } = JSON.parse(lines[0]!);
    expect(quick).toBe(true);
    const keys = conv.layers.map(
      (row: { layer: string; pass: string }) => `${row.layer}/${row.pass}`,
    );
    expect(keys).toEqual(
      convVaeLayers.flatMap((layer) => convPasses.map((pass) => `${layer.name}/${pass}`)),
    );
    const withPyTorch = conv.pytorch.available;
    for (const row of conv.layers) {
      expect(row.gflop).toBeCloseTo(
        convFlops(convVaeLayers.find((layer) => layer.name === row.layer)!, row.batch) / 1e9,
        12,
      );
      // The stock wasm backend has no filter gradient; it has the other two kernels.
      expect(row.stock === null).toBe(row.pass === 'filterGradient');
      expect(row.pytorch === null).toBe(!withPyTorch);
      if (withPyTorch) {
        // The best setting of the row is the fastest of those timed.
        const medians = Object.values(row.pytorchSettings).map(
          (timing) => (timing as { median: number }).median,
        );
        expect(row.pytorch.gflops.median).toBe(Math.max(...medians));
      }
      expect(row.ratioToMatMul).toBeCloseTo(row.aekit.median / row.matMul.gflops.median, 10);
      expect(row.meetsTarget).toBe(row.ratioToMatMul >= 0.6);
      // A NaN would print as null and slip past the scan below: each measurement is named here.
      for (const measured of [row.aekit, row.stock, row.cpu.gflops, row.pytorch?.gflops])
        if (measured !== null && measured !== undefined) expect(measured.median).toBeGreaterThan(0);
      expect(row.matMul.gflops.median).toBeGreaterThan(0);
    }
    for (const row of conv.training.rows) expect(row.samplesPerSecond.median).toBeGreaterThan(0);
    const contenders = conv.training.rows.map((row: { contender: string }) => row.contender);
    expect(contenders[0]).toBe('aekit wasm');
    expect(contenders.at(-1)).toBe('tfjs cpu');
    if (withPyTorch) {
      expect(contenders.slice(1, -1)).toEqual(
        conv.pytorch.settings.map((setting: { name: string }) => setting.name),
      );
      expect(conv.pytorch.bestOneThread).toMatch(/^PyTorch 1 thread/);
      expect(conv.training.aekitOverPyTorchOneThread).toBeGreaterThan(0);
      expect(typeof conv.pytorch.mkldnn).toBe('boolean');
    } else {
      expect(contenders).toEqual(['aekit wasm', 'tfjs cpu']);
      expect(conv.pytorch.reason).toMatch(/python3-torch/);
    }
    const { lossCheck } = conv.training;
    expect(lossCheck.forward.relativeDifference).toBeLessThanOrEqual(lossCheck.relativeTolerance);
    expect(lossCheck.steps.maxRelativeDifference).toBeLessThanOrEqual(lossCheck.relativeTolerance);
    expect(lossCheck.steps.wasm).toHaveLength(2);
    // Every other number is a measurement, a size or a loss: finite and positive.
    const numbers = numbersOf(conv).filter(([path]) => !/Difference$/.test(path));
    expect(numbers.length).toBeGreaterThan(15 * 10);
    for (const [path, value] of numbers) {
      expect(Number.isFinite(value) && value > 0, `${path} = ${value}`).toBe(true);
    }
  });
});
