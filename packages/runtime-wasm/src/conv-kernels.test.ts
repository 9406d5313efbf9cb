import { conv2d64, type Window64, window64 } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compiledConvCalls, minimumForwardChannels } from './conv-kernels';
import { initBackend } from './index';
import { backendMemory, setSimdKernels } from './simd-kernels';

// The convolution kernels on wasm (csrc/aekit-kernels.c: im2col + the compiled product) against
// the float64 reference of @aekit/test-utils (written from the definition), and against the cpu
// backend: forward, the filter and input gradients, and tf.grad through conv2d and
// conv2dTranspose.

function uniformValues(count: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const values = new Float64Array(count);
  for (let index = 0; index < count; index += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Multiples of 2⁻¹⁶ in [−½, ½): exact in float32, so both sides see the same inputs.
    values[index] = Math.floor((state / 2 ** 32) * 65536) / 65536 - 0.5;
  }
  return values;
}

type Padding = 'same' | 'valid' | number;

interface ConvCase {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pad: Padding;
}

interface Geometry extends ConvCase {
  readonly outHeight: number;
  readonly outWidth: number;
  readonly window: Window64;
}

function geometryOf(c: ConvCase): Geometry {
  const window = window64(
    [c.batch, c.height, c.width, c.inChannels],
    [c.kernel, c.kernel],
    [c.stride, c.stride],
    c.pad,
  );
  return { ...c, outHeight: window.outSize[0], outWidth: window.outSize[1], window };
}

const sizes = (g: Geometry) => ({
  x: g.batch * g.height * g.width * g.inChannels,
  w: g.kernel * g.kernel * g.inChannels * g.outChannels,
  y: g.batch * g.outHeight * g.outWidth * g.outChannels,
});

/** The forward pass and both gradients of Σ dy ⊙ conv(x, w), in float64 (`@aekit/test-utils`). */
function reference64(g: Geometry, inputs: Inputs) {
  const { y, dx, dw } = conv2d64(inputs.x, inputs.w, null, g.window, g.outChannels, inputs.dy);
  return { forward: y, dx: dx!, dw: dw! };
}

/**
 * max |actual − expected| / max |expected|. Each output is a float32 sum of up to
 * kH·kW·inC (forward), kH·kW·outC (input gradient) or N·oH·oW (filter gradient) products of
 * values in [−½, ½]; its rounding error grows like √length·2⁻²⁴ relative to the typical
 * output, far below 1e-5 of the largest output for the lengths here (≤ 25 000).
 */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let error = 0;
  let scale = 0;
  for (let index = 0; index < expected.length; index += 1) {
    error = Math.max(error, Math.abs(actual[index]! - expected[index]!));
    scale = Math.max(scale, Math.abs(expected[index]!));
  }
  expect(scale).toBeGreaterThan(0);
  return error / scale;
}

const tolerance = 1e-5;

interface Results {
  forward: Float32Array;
  dx: Float32Array;
  dw: Float32Array;
  /** conv2dTranspose(dy, w) to the input's shape (= the input gradient). */
  transposed: Float32Array;
  /** Gradients of Σ u ⊙ conv2dTranspose(z, w) with respect to z and to w. */
  dz: Float32Array;
  dwTransposed: Float32Array;
}

interface Inputs {
  x: Float64Array;
  w: Float64Array;
  dy: Float64Array;
}

function inputsFor(g: Geometry, seed: number): Inputs {
  const size = sizes(g);
  return {
    x: uniformValues(size.x, seed),
    w: uniformValues(size.w, seed + 1),
    dy: uniformValues(size.y, seed + 2),
  };
}

/** Every result on the active backend; checks that no tensor is left behind. */
function compute(g: Geometry, inputs: Inputs): Results {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(Float32Array.from(inputs.x), [g.batch, g.height, g.width, g.inChannels]);
  const w = tf.tensor4d(Float32Array.from(inputs.w), [
    g.kernel,
    g.kernel,
    g.inChannels,
    g.outChannels,
  ]);
  const dy = tf.tensor4d(Float32Array.from(inputs.dy), [
    g.batch,
    g.outHeight,
    g.outWidth,
    g.outChannels,
  ]);
  const xShape = x.shape;
  const tensors = tf.tidy(() => {
    const forward = tf.conv2d(x, w, g.stride, g.pad);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, g.stride, g.pad), dy)),
    )([x, w]);
    const transposed = tf.conv2dTranspose(dy, w, xShape, g.stride, g.pad);
    // u plays x's part: Σ u ⊙ conv2dTranspose(z, w) = Σ z ⊙ conv2d(u, w).
    const [dz, dwTransposed] = tf.grads((z: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(tf.conv2dTranspose(z as tf.Tensor4D, b as tf.Tensor4D, xShape, g.stride, g.pad), x),
      ),
    )([dy, w]);
    return [forward, dx!, dw!, transposed, dz!, dwTransposed!];
  });
  // Read outside tidy (tidy walks a returned typed array).
  const [forward, dx, dw, transposed, dz, dwTransposed] = tensors.map(
    (t) => t.dataSync() as Float32Array,
  ) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  tf.dispose([...tensors, x, w, dy]);
  expect(tf.memory().numTensors).toBe(before);
  return { forward, dx, dw, transposed, dz, dwTransposed };
}

// Held-out shapes (none is a benchmark layer): odd sizes, strides 1 and 2, 'same', 'valid' and a
// numeric pad, 1/3/5/32/64 channels, 1×1, 3×3 and 5×5 kernels, batch 1 to 128.
const cases: ConvCase[] = [
  {
    batch: 1,
    height: 13,
    width: 11,
    inChannels: 1,
    outChannels: 3,
    kernel: 3,
    stride: 1,
    pad: 'same',
  },
  {
    batch: 1,
    height: 13,
    width: 11,
    inChannels: 3,
    outChannels: 5,
    kernel: 3,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 2,
    height: 13,
    width: 11,
    inChannels: 5,
    outChannels: 32,
    kernel: 5,
    stride: 2,
    pad: 'valid',
  },
  {
    batch: 1,
    height: 13,
    width: 11,
    inChannels: 32,
    outChannels: 64,
    kernel: 1,
    stride: 1,
    pad: 'valid',
  },
  {
    batch: 2,
    height: 12,
    width: 9,
    inChannels: 64,
    outChannels: 3,
    kernel: 1,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 1,
    height: 13,
    width: 11,
    inChannels: 3,
    outChannels: 64,
    kernel: 5,
    stride: 1,
    pad: 'valid',
  },
  {
    batch: 3,
    height: 9,
    width: 13,
    inChannels: 32,
    outChannels: 5,
    kernel: 5,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 2,
    height: 11,
    width: 13,
    inChannels: 64,
    outChannels: 32,
    kernel: 3,
    stride: 2,
    pad: 1,
  },
  // A window wider and taller than the input: cut on both sides.
  {
    batch: 2,
    height: 4,
    width: 3,
    inChannels: 3,
    outChannels: 5,
    kernel: 5,
    stride: 1,
    pad: 'same',
  },
  {
    batch: 1,
    height: 13,
    width: 11,
    inChannels: 5,
    outChannels: 1,
    kernel: 3,
    stride: 1,
    pad: 'valid',
  },
  {
    batch: 128,
    height: 13,
    width: 11,
    inChannels: 1,
    outChannels: 32,
    kernel: 3,
    stride: 2,
    pad: 'same',
  },
  {
    batch: 128,
    height: 4,
    width: 5,
    inChannels: 32,
    outChannels: 64,
    kernel: 3,
    stride: 2,
    pad: 'same',
  },
];

const label = (c: ConvCase) =>
  `${c.batch}×${c.height}×${c.width}×${c.inChannels} → ${c.outChannels}, ${c.kernel}×${c.kernel} stride ${c.stride} pad ${c.pad}`;

describe('convolution kernels on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterEach(async () => {
    setSimdKernels(true);
    await initBackend({ backend: 'wasm' });
  });

  it.each(cases.map((c, index) => [label(c), c, index] as const))(
    '%s: against float64 and cpu',
    async (_, c, index) => {
      const g = geometryOf(c);
      const inputs = inputsFor(g, 1000 + 17 * index);
      const calls = compiledConvCalls();
      const wasm = compute(g, inputs);
      // Served by the compiled kernels: 3 Conv2DBackpropInput (conv2d's dx, both
      // conv2dTranspose forwards), 2 Conv2DBackpropFilter and, from 4 input channels on (below,
      // the stock kernel is faster), 3 Conv2D (the forward, inside tf.grads, conv2dTranspose's dz).
      expect(compiledConvCalls() - calls).toBe(c.inChannels < minimumForwardChannels ? 5 : 8);

      const { forward, dx, dw } = reference64(g, inputs);
      expect(relativeError(wasm.forward, forward)).toBeLessThanOrEqual(tolerance);
      expect(relativeError(wasm.dx, dx)).toBeLessThanOrEqual(tolerance);
      expect(relativeError(wasm.dw, dw)).toBeLessThanOrEqual(tolerance);
      expect(relativeError(wasm.transposed, dx)).toBeLessThanOrEqual(tolerance);
      // Σ x ⊙ conv2dTranspose(z, w) = Σ z ⊙ conv(x, w): ∂/∂z = conv(x, w), ∂/∂w = dW(x, z).
      expect(relativeError(wasm.dz, forward)).toBeLessThanOrEqual(tolerance);
      expect(relativeError(wasm.dwTransposed, dw)).toBeLessThanOrEqual(tolerance);

      await initBackend({ backend: 'cpu' });
      const cpu = compute(g, inputs);
      for (const key of Object.keys(cpu) as (keyof Results)[]) {
        // Both sides are float32 sums of the same terms in different orders.
        expect(relativeError(wasm[key], cpu[key]), key).toBeLessThanOrEqual(2 * tolerance);
      }
    },
    60_000,
  );

  it('computes the filter gradient without the compiled kernels (a JavaScript loop)', () => {
    const g = geometryOf(cases[6]!);
    const inputs = inputsFor(g, 77);
    setSimdKernels(false);
    const calls = compiledConvCalls();
    const results = compute(g, inputs);
    expect(compiledConvCalls()).toBe(calls);
    const { dw } = reference64(g, inputs);
    expect(relativeError(results.dw, dw)).toBeLessThanOrEqual(tolerance);
    expect(relativeError(results.dwTransposed, dw)).toBeLessThanOrEqual(tolerance);
  });

  it('reuses one scratch buffer: repeated calls do not grow the wasm heap', () => {
    const g = geometryOf({
      batch: 16,
      height: 14,
      width: 14,
      inChannels: 32,
      outChannels: 64,
      kernel: 3,
      stride: 2,
      pad: 'same',
    });
    const inputs = inputsFor(g, 5);
    compute(g, inputs);
    const memory = backendMemory(tf.backend())!;
    const bytes = memory.buffer.byteLength;
    for (let round = 0; round < 10; round += 1) compute(g, inputs);
    expect(memory.buffer.byteLength).toBe(bytes);
  });
});
