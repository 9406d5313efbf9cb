import { InvalidArgumentError } from '@aekit/core';
import {
  conv2d64,
  convTranspose2d64,
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  uniforms,
  window64,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  applyConv2d,
  applyConvTranspose2d,
  type ConvPadding,
  type ConvParams,
  conv2dOutputSize,
  convTranspose2dOutputSizes,
  convVariables,
  disposeConv,
  initConv2d,
  initConvTranspose2d,
} from './conv';
import { initialValues } from './initializers';

/** One convolution to test: `[batch, height, width, inC]` → `outC` with a k×k kernel. */
interface Case {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly inC: number;
  readonly outC: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: ConvPadding;
}

// Held-out shapes: stride 1 and 2, same, valid and numeric padding, odd sizes, 1/3/5/32/64
// channels, 1×1, 3×3 and 5×5 kernels, batch 1 to 3 (batch 128 once below).
const cases: readonly Case[] = [
  { batch: 2, height: 13, width: 11, inC: 3, outC: 5, kernel: 3, stride: 1, padding: 'same' },
  { batch: 1, height: 13, width: 11, inC: 1, outC: 32, kernel: 3, stride: 2, padding: 'same' },
  { batch: 2, height: 13, width: 11, inC: 5, outC: 3, kernel: 5, stride: 2, padding: 'valid' },
  { batch: 3, height: 9, width: 9, inC: 32, outC: 1, kernel: 1, stride: 1, padding: 'valid' },
  { batch: 2, height: 14, width: 14, inC: 1, outC: 4, kernel: 3, stride: 2, padding: 1 },
  { batch: 1, height: 8, width: 7, inC: 64, outC: 3, kernel: 3, stride: 2, padding: 'same' },
  { batch: 2, height: 7, width: 7, inC: 3, outC: 64, kernel: 5, stride: 1, padding: 2 },
];

const label = (c: Case) =>
  `${c.batch}×${c.height}×${c.width}×${c.inC} → ${c.outC}, ${c.kernel}×${c.kernel}, stride ${c.stride}, padding ${c.padding}`;

/** Max |a − b| over max |b|: the error relative to the result's scale. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let error = 0;
  let scale = 0;
  for (let index = 0; index < expected.length; index += 1) {
    error = Math.max(error, Math.abs(actual[index]! - expected[index]!));
    scale = Math.max(scale, Math.abs(expected[index]!));
  }
  return error / scale;
}

function values(tensor: tf.Tensor): Float32Array {
  return tensor.dataSync() as Float32Array;
}

/** A layer with a non-zero bias, an input and an upstream gradient, all seeded. */
function fixture(c: Case, transposed: boolean, seed: number) {
  const params = transposed
    ? initConvTranspose2d(c.outC, c.inC, { seed, kernelSize: c.kernel })
    : initConv2d(c.inC, c.outC, { seed, kernelSize: c.kernel });
  // The convolution's geometry: the transposed layer reads the conv's output size and writes
  // the image it read.
  const geometry = window64(
    [c.batch, c.height, c.width, c.inC],
    [c.kernel, c.kernel],
    [c.stride, c.stride],
    c.padding,
  );
  const [outH, outW] = geometry.outSize;
  const inShape: [number, number, number, number] = transposed
    ? [c.batch, outH, outW, c.outC]
    : [c.batch, c.height, c.width, c.inC];
  const outShape: [number, number, number, number] = transposed
    ? [c.batch, c.height, c.width, c.inC]
    : [c.batch, outH, outW, c.outC];
  const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor4d(uniforms(size(inShape), seed + 1), inShape);
  const g = tf.tensor4d(uniforms(size(outShape), seed + 2), outShape);
  return { params, geometry, x, g, outShape };
}

function reference(
  c: Case,
  transposed: boolean,
  fx: ReturnType<typeof fixture>,
  withGradient: boolean,
) {
  const w = values(fx.params.W);
  const b = values(fx.params.b!);
  const g = withGradient ? values(fx.g) : undefined;
  return transposed
    ? convTranspose2d64(values(fx.x), w, b, fx.geometry, c.outC, g)
    : conv2d64(values(fx.x), w, b, fx.geometry, c.outC, g);
}

function apply(c: Case, transposed: boolean, params: ConvParams, x: tf.Tensor4D) {
  return transposed
    ? applyConvTranspose2d(params, x, {
        stride: c.stride,
        padding: c.padding,
        outputSize: [c.height, c.width],
      })
    : applyConv2d(params, x, { stride: c.stride, padding: c.padding });
}

function disposeFixture(fx: ReturnType<typeof fixture>): void {
  disposeConv(fx.params);
  fx.x.dispose();
  fx.g.dispose();
}

// float32 sums of up to 64·25 products: 1e-5 of the result's scale is a few ulps per term.
const tolerance = 1e-5;

describeBackends(['cpu', 'wasm'], 'applyConv2d and applyConvTranspose2d', () => {
  for (const transposed of [false, true]) {
    const name = transposed ? 'applyConvTranspose2d' : 'applyConv2d';
    for (const [index, c] of cases.entries()) {
      it(`${name} equals the float64 definition: ${label(c)}`, () => {
        const fx = fixture(c, transposed, 100 + index);
        const y = apply(c, transposed, fx.params, fx.x);
        expect(y.shape).toEqual(fx.outShape);
        expect(relativeError(values(y), reference(c, transposed, fx, false).y)).toBeLessThan(
          tolerance,
        );
        y.dispose();
        disposeFixture(fx);
      });

      it(`${name}'s gradients equal the float64 definition: ${label(c)}`, () => {
        const fx = fixture(c, transposed, 200 + index);
        const { W, b } = fx.params;
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(apply(c, transposed, fx.params, fx.x), fx.g)),
          [W, b!],
        );
        const dx = tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(apply(c, transposed, fx.params, x as tf.Tensor4D), fx.g)),
        )(fx.x);
        const expected = reference(c, transposed, fx, true);
        expect(relativeError(values(dx), expected.dx!)).toBeLessThan(tolerance);
        expect(relativeError(values(grads[W.name]!), expected.dw!)).toBeLessThan(tolerance);
        expect(relativeError(values(grads[b!.name]!), expected.db!)).toBeLessThan(tolerance);
        tf.dispose([value, dx, grads[W.name]!, grads[b!.name]!]);
        disposeFixture(fx);
      });
    }
  }

  it('takes a batch of 128 with 32 channels at stride 2, as a convolutional VAE does', () => {
    const c: Case = {
      batch: 128,
      height: 14,
      width: 14,
      inC: 32,
      outC: 8,
      kernel: 3,
      stride: 2,
      padding: 'same',
    };
    const fx = fixture(c, false, 7);
    const dw = tf.grad((w: tf.Tensor) =>
      tf.sum(
        tf.mul(
          applyConv2d({ W: w as tf.Variable<tf.Rank.R4>, b: fx.params.b }, fx.x, { stride: 2 }),
          fx.g,
        ),
      ),
    )(fx.params.W);
    expect(relativeError(values(dw), reference(c, false, fx, true).dw!)).toBeLessThan(tolerance);
    dw.dispose();
    disposeFixture(fx);
  });

  it('applies the activation after the bias and leaves no tensor behind', async () => {
    const c = cases[0]!;
    const fx = fixture(c, false, 9);
    const up = initConvTranspose2d(c.outC, c.inC, { seed: 1, bias: false });
    await expectNoLeaks(() => {
      const linear = applyConv2d(fx.params, fx.x);
      const relu = applyConv2d(fx.params, fx.x, { activation: 'relu' });
      const expected = tf.relu(linear);
      expectAllClose(relu, expected, { atol: 0, rtol: 0 });
      const back = applyConvTranspose2d(up, linear);
      expect(back.shape).toEqual([c.batch, c.height, c.width, c.inC]);
      tf.dispose([linear, relu, expected, back]);
    });
    disposeConv(up);
    disposeFixture(fx);
  });
});

describe('conv2dOutputSize and convTranspose2dOutputSizes', () => {
  it('give the sizes tfjs computes, for every padding rule', () => {
    for (const c of cases) {
      const [outH, outW] = conv2dOutputSize([c.height, c.width], c.kernel, {
        stride: c.stride,
        padding: c.padding,
      });
      const geometry = window64(
        [1, c.height, c.width, 1],
        [c.kernel, c.kernel],
        [c.stride, c.stride],
        c.padding,
      );
      expect([outH, outW]).toEqual(geometry.outSize);
      // Every size in the transposed range convolves back to the same output, and no other.
      const { smallest, largest } = convTranspose2dOutputSizes([outH, outW], c.kernel, {
        stride: c.stride,
        padding: c.padding,
      });
      expect(smallest[0]).toBeLessThanOrEqual(c.height);
      expect(largest[0]).toBeGreaterThanOrEqual(c.height);
      for (let size = smallest[0] - 1; size <= largest[0] + 1; size += 1) {
        if (size < c.kernel - 2 * (typeof c.padding === 'number' ? c.padding : 0)) continue;
        if (size < 1) continue;
        const back = conv2dOutputSize([size, size], c.kernel, {
          stride: c.stride,
          padding: c.padding,
        })[0];
        expect(back === outH, `size ${size} of ${label(c)}`).toBe(
          size >= smallest[0] && size <= largest[0],
        );
      }
    }
  });

  it('answer PyTorch’s output_padding question: 14 → 28 or 27 at stride 2', () => {
    expect(convTranspose2dOutputSizes([14, 14], 3, { stride: 2, padding: 1 })).toEqual({
      smallest: [27, 27],
      largest: [28, 28],
    });
    expect(convTranspose2dOutputSizes([14, 14], 3, { stride: 2, padding: 'same' })).toEqual({
      smallest: [27, 27],
      largest: [28, 28],
    });
  });
});

describe('initConv2d and initConvTranspose2d', () => {
  it('draw PyTorch’s default U(−1/√fanIn, 1/√fanIn) for filter and bias, from the seed', () => {
    const conv = initConv2d(16, 32, { seed: 3 });
    const bound = 1 / Math.sqrt(3 * 3 * 16);
    const w = values(conv.W);
    expect(conv.W.shape).toEqual([3, 3, 16, 32]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // The variance of U(−l, l) is l²/3; 4,608 draws put the estimate within a few per cent.
    const variance = w.reduce((sum, v) => sum + v * v, 0) / w.length;
    expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.93);
    expect(variance / ((bound * bound) / 3)).toBeLessThan(1.07);
    const bias = values(conv.b!);
    expect(bias.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(bound);
    const again = initConv2d(16, 32, { seed: 3 });
    expect(values(again.W)).toEqual(w);
    disposeConv(conv);
    disposeConv(again);

    // A transposed convolution's bound comes from its output channels, as PyTorch's does.
    const up = initConvTranspose2d(64, 2, { seed: 4, kernelSize: [3, 5] });
    expect(up.W.shape).toEqual([3, 5, 2, 64]);
    expect(Math.max(...values(up.W).map(Math.abs))).toBeGreaterThan(0.9 / Math.sqrt(64 * 15));
    expect(Math.max(...values(up.W).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(2 * 15));
    disposeConv(up);
  });

  it('use the library initialisers with a filter’s fans and a zero bias', () => {
    const conv = initConv2d(3, 8, { seed: 5, kernelSize: 5, init: 'heNormal' });
    expect(values(conv.W)).toEqual(initialValues([5, 5, 3, 8], 'heNormal', 5));
    expect(Array.from(values(conv.b!))).toEqual(new Array(8).fill(0));
    expect(Object.keys(convVariables(conv, 'encoder.conv0'))).toEqual([
      'encoder.conv0.W',
      'encoder.conv0.b',
    ]);
    disposeConv(conv);
    const noBias = initConv2d(3, 8, { seed: 5, bias: false });
    expect(noBias.b).toBeNull();
    expect(Object.keys(convVariables(noBias, 'c'))).toEqual(['c.W']);
    disposeConv(noBias);
  });
});

describe('convolution arguments', () => {
  it('are rejected by name, with the rule and the value', () => {
    expect(() => initConv2d(0, 3, { seed: 1 })).toThrow(
      "initConv2d: 'inChannels' must be a positive integer, got 0.",
    );
    expect(() =>
      initConv2d(1, 3, { seed: 1, kernelSize: [3] as unknown as [number, number] }),
    ).toThrow(
      "initConv2d: 'options.kernelSize' must be a positive integer or [rows, columns] of positive integers, got [3].",
    );
    expect(() => initConv2d(1, 3, { seed: 1, init: 'orthogonal' as 'zeros' })).toThrow(
      InvalidArgumentError,
    );
    const params = initConv2d(2, 3, { seed: 1, kernelSize: 5 });
    const x = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
    expect(() => applyConv2d(params, x, { padding: 'valid' })).toThrow(
      'applyConv2d: \'x\' must be an image at least as large as the 5×5 kernel with padding "valid", got "4×4".',
    );
    expect(() => applyConv2d(params, x, { padding: 'full' as 'same' })).toThrow(
      `applyConv2d: 'options.padding' must be one of 'same', 'valid', got "full".`,
    );
    const wrong = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
    expect(() => applyConv2d(params, wrong)).toThrow(/applyConv2d: 'x'/);
    const up = initConvTranspose2d(3, 2, { seed: 1 });
    const code = tf.zeros([1, 7, 7, 3]) as tf.Tensor4D;
    expect(() => applyConvTranspose2d(up, code, { stride: 2, outputSize: [15, 14] })).toThrow(
      "applyConvTranspose2d: 'options.outputSize' must be rows in 13…14 and columns in 13…14 (the images whose convolution with this kernel, stride and padding is 7×7), got [15, 14].",
    );
    tf.dispose([x, wrong, code]);
    disposeConv(params);
    disposeConv(up);
  });
});
