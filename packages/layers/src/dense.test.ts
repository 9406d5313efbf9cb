import { createRng, denseKernelName, ShapeMismatchError } from '@aekit/core';
import { initBackend } from '@aekit/runtime-wasm';
import {
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  selectedBackends,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type ActivationName, activationNames } from './activations';
import { applyDense, type DenseParams, denseVariables, disposeDense, initDense } from './dense';
import { initialValues } from './initializers';

// Float64 activations and their derivatives, from the definitions (leakyRelu slope 0.2).
const act: Record<ActivationName, (z: number) => number> = {
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  relu: (z) => Math.max(0, z),
  tanh: (z) => Math.tanh(z),
  softplus: (z) => Math.log1p(Math.exp(z)),
  leakyRelu: (z) => (z >= 0 ? z : 0.2 * z),
  elu: (z) => (z > 0 ? z : Math.expm1(z)),
  linear: (z) => z,
};
const derivative: Record<ActivationName, (z: number) => number> = {
  sigmoid: (z) => act.sigmoid(z) * (1 - act.sigmoid(z)),
  relu: (z) => (z > 0 ? 1 : 0),
  tanh: (z) => 1 - Math.tanh(z) ** 2,
  softplus: (z) => 1 / (1 + Math.exp(-z)),
  leakyRelu: (z) => (z >= 0 ? 1 : 0.2),
  elu: (z) => (z > 0 ? 1 : Math.exp(z)),
  linear: () => 1,
};

/** z = x·W + b (or x·Wᵀ + b) in float64 from float32 inputs; row-major. */
function preActivation(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
  batch: number,
  inDim: number,
  outDim: number,
  transposeW: boolean,
): number[] {
  const z: number[] = [];
  for (let row = 0; row < batch; row += 1) {
    for (let col = 0; col < outDim; col += 1) {
      let sum = b[col]!;
      for (let k = 0; k < inDim; k += 1) {
        const weight = transposeW ? w[col * inDim + k]! : w[k * outDim + col]!;
        sum += x[row * inDim + k]! * weight;
      }
      z.push(sum);
    }
  }
  return z;
}

const batch = 5;
const inDim = 7;
const outDim = 3;

function fixture(seed: number, transposeW = false) {
  const dense = initDense(transposeW ? outDim : inDim, transposeW ? inDim : outDim, { seed });
  dense.b.dispose();
  // A non-zero bias of its own, so its role is tested too.
  const b = tf.variable(tf.tensor1d(createRng(seed + 1).normalArray(outDim, 0, 0.5)));
  const params = { W: dense.W, b } as DenseParams;
  const x = tf.tensor2d(createRng(seed + 2).normalArray(batch * inDim), [batch, inDim]);
  const z = preActivation(
    x.dataSync() as Float32Array,
    params.W.dataSync() as Float32Array,
    params.b.dataSync() as Float32Array,
    batch,
    inDim,
    outDim,
    transposeW,
  );
  return { params, x, z };
}

describe('initDense', () => {
  it('gives bit-identical weights on cpu and wasm for the same seed', async () => {
    const drawn: Float32Array[] = [];
    for (const backend of selectedBackends(['cpu', 'wasm'])) {
      await initBackend({ backend });
      const params = initDense(50, 30, { seed: 99, init: 'heNormal' });
      drawn.push(params.W.dataSync() as Float32Array);
      expect(Array.from(params.b.dataSync())).toEqual(new Array(30).fill(0));
      disposeDense(params);
    }
    for (const values of drawn) expect(values).toEqual(initialValues([50, 30], 'heNormal', 99));
  });

  it('rejects bad dimensions and options by name', () => {
    expect(() => initDense(0, 3, { seed: 1 })).toThrow(
      "initDense: 'inDim' must be a positive integer, got 0.",
    );
    expect(() => initDense(2, 3, {} as { seed: number })).toThrow(
      "initDense: 'options.seed' must be an integer in [0, 4294967295], got undefined.",
    );
    expect(() => initDense(2, 3, { seed: 1, init: 'ones' as 'zeros' })).toThrow(
      `initDense: 'options.init' must be one of 'fanInUniform', 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'zeros', got "ones".`,
    );
  });
});

describeBackends(['cpu', 'wasm'], 'applyDense', (backend) => {
  it.each(activationNames)('%s(x·W + b) matches a float64 reference', (name) => {
    const { params, x, z } = fixture(10);
    const y = applyDense(params, x, name);
    expect(y.shape).toEqual([batch, outDim]);
    // Sums of 7 float32 products: 1e-5 relative plus 2e-6 absolute covers their rounding.
    expectAllClose(y.dataSync(), z.map(act[name]), { rtol: 1e-5, atol: 2e-6 });
    tf.dispose([x, y]);
    disposeDense(params);
  });

  it('multiplies by Wᵀ with transposeW (a tied decoder layer)', () => {
    const { params, x, z } = fixture(20, true);
    expect(params.W.shape).toEqual([outDim, inDim]);
    const y = applyDense(params, x, 'sigmoid', { transposeW: true });
    expectAllClose(y.dataSync(), z.map(act.sigmoid), { rtol: 1e-5, atol: 2e-6 });
    tf.dispose([x, y]);
    disposeDense(params);
  });

  it(`fuses bias and activation ${backend === 'wasm' ? 'in forward passes only' : 'nowhere'}`, async () => {
    const { params, x } = fixture(30);
    const forward = await tf.profile(() => applyDense(params, x, 'relu'));
    const kernels = forward.kernelNames;
    if (backend === 'wasm') expect(kernels).toContain('_FusedMatMul');
    else expect(kernels).not.toContain('_FusedMatMul');
    // Softplus has no fused form: separate ops on every backend.
    const softplus = await tf.profile(() => applyDense(params, x, 'softplus'));
    expect(softplus.kernelNames).not.toContain('_FusedMatMul');
    // Under a gradient tape, separate ops (measured faster there).
    let gradients: { value: tf.Scalar; grads: tf.NamedTensorMap } | undefined;
    const gradient = await tf.profile(() => {
      gradients = tf.variableGrads(() => tf.sum(applyDense(params, x, 'relu')));
      return [gradients.value, ...Object.values(gradients.grads)];
    });
    expect(gradient.kernelNames).not.toContain('_FusedMatMul');
    expect(gradients).toBeDefined();
    tf.dispose([forward.result, softplus.result, gradient.result]);
    tf.dispose(x);
    disposeDense(params);
  });

  it("runs relu and linear layers as @aekit/runtime-wasm's dense kernel under a gradient tape", async () => {
    const { params, x } = fixture(50);
    for (const name of ['relu', 'linear'] as const) {
      const profile = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(applyDense(params, x, name)));
        return [value, ...Object.values(grads)];
      });
      // One kernel forward; backward only ∂W (one product), since x is data.
      expect(profile.kernelNames).toContain(denseKernelName);
      expect(profile.kernelNames).not.toContain('Add');
      expect(profile.kernels.filter((kernel) => kernel.name === 'BatchMatMul')).toHaveLength(1);
      tf.dispose(profile.result);
    }
    const tanh = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(applyDense(params, x, 'tanh')));
      return [value, ...Object.values(grads)];
    });
    expect(tanh.kernelNames).not.toContain(denseKernelName);
    tf.dispose([tanh.result, x]);
    disposeDense(params);
  });

  it.each([
    ['sigmoid', false],
    ['leakyRelu', false],
    ['elu', true],
    ['tanh', true],
    ['relu', false],
    ['relu', true],
    ['linear', false],
    ['linear', true],
  ] as const)('gradients of Σ %s(x·W + b) match float64 (transposeW %s)', (name, transposeW) => {
    const { params, x, z } = fixture(40, transposeW);
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(applyDense(params, x, name, { transposeW })),
    );
    // dL/dz = act'(z); dL/dW[k][j] = Σ_rows x[row][k]·act'(z[row][j]); dL/db[j] = Σ_rows act'(z).
    const xValues = x.dataSync();
    const expectedW = new Array<number>(inDim * outDim).fill(0);
    const expectedB = new Array<number>(outDim).fill(0);
    for (let row = 0; row < batch; row += 1) {
      for (let col = 0; col < outDim; col += 1) {
        const dz = derivative[name](z[row * outDim + col]!);
        expectedB[col]! += dz;
        for (let k = 0; k < inDim; k += 1) {
          const index = transposeW ? col * inDim + k : k * outDim + col;
          expectedW[index]! += xValues[row * inDim + k]! * dz;
        }
      }
    }
    // Reductions over the batch: rtol 1e-4 (house rule for reductions).
    expectAllClose(grads[params.W.name]!.dataSync(), expectedW, { rtol: 1e-4, atol: 1e-5 });
    expectAllClose(grads[params.b.name]!.dataSync(), expectedB, { rtol: 1e-4, atol: 1e-5 });
    tf.dispose([value, x, ...Object.values(grads)]);
    disposeDense(params);
  });

  it('rejects an input or bias of the wrong shape', () => {
    const params = initDense(4, 2, { seed: 1 });
    const x = tf.zeros([3, 5]) as tf.Tensor2D;
    expect(() => applyDense(params, x)).toThrow(ShapeMismatchError);
    expect(() => applyDense(params, x)).toThrow(
      "applyDense: 'x' must have shape [*, 4], got [3, 5].",
    );
    const wrongBias = { W: params.W, b: tf.variable(tf.zeros([3])) as tf.Variable<tf.Rank.R1> };
    expect(() => applyDense(wrongBias, tf.zeros([1, 4]) as tf.Tensor2D)).toThrow(
      "applyDense: 'params.b' must have shape [2], got [3].",
    );
    expect(() => applyDense(params, x, 'gelu' as 'relu')).toThrow(/applyDense: 'activation'/);
    tf.dispose([x, wrongBias.b]);
    disposeDense(params);
  });

  it('names its variables, frees them, and does not leak', async () => {
    const params = initDense(4, 2, { seed: 1 });
    expect(Object.keys(denseVariables(params, 'encoder.0'))).toEqual([
      'encoder.0.W',
      'encoder.0.b',
    ]);
    expect(denseVariables(params, 'encoder.0')['encoder.0.W']).toBe(params.W);
    const x = tf.ones([3, 4]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      for (const name of activationNames) applyDense(params, x, name).dispose();
      disposeDense(initDense(3, 3, { seed: 2 }));
    });
    disposeDense(params);
    expect(params.W.isDisposed && params.b.isDisposed).toBe(true);
    x.dispose();
  });
});
