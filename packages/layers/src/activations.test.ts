import { InvalidArgumentError } from '@aekit/core';
import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { type ActivationName, activate, activationNames } from './activations';

// Float64 references written from each activation's definition.
const references: Record<ActivationName, (x: number) => number> = {
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => Math.max(0, x),
  tanh: (x) => Math.tanh(x),
  softplus: (x) => Math.log1p(Math.exp(x)),
  leakyRelu: (x) => (x >= 0 ? x : 0.2 * x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  linear: (x) => x,
};

const inputs = [-8, -3.5, -1, -0.25, -1e-3, 0, 1e-3, 0.25, 1, 3.5, 8];

describeBackends(['cpu', 'wasm'], 'activate', () => {
  it.each(activationNames)('%s matches its float64 definition', (name) => {
    const x = tf.tensor2d(inputs, [1, inputs.length]);
    const y = activate(x, name);
    expect(y.shape).toEqual([1, inputs.length]);
    expectAllClose(
      y,
      [inputs.map((value) => references[name](Math.fround(value)))],
      // tanh and softplus are computed from exp in float32; 2e-6 absolute covers their rounding.
      { rtol: 1e-5, atol: 2e-6 },
    );
    tf.dispose([x, y]);
  });

  it('returns a new tensor for linear, so disposing it leaves the input alive', () => {
    const x = tf.tensor1d([1, -2]);
    const y = activate(x, 'linear');
    expect(y).not.toBe(x);
    y.dispose();
    expect(Array.from(x.dataSync())).toEqual([1, -2]);
    x.dispose();
  });

  it('rejects an unknown activation by name', () => {
    const x = tf.tensor1d([1]);
    let caught: unknown;
    try {
      activate(x, 'swish' as ActivationName);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `activate: 'activation' must be one of 'sigmoid', 'relu', 'tanh', 'softplus', 'leakyRelu', 'elu', 'linear', got "swish".`,
    );
    x.dispose();
  });

  it('does not leak', async () => {
    const x = tf.tensor1d(inputs);
    await expectNoLeaks(() => {
      for (const name of activationNames) activate(x, name).dispose();
    });
    x.dispose();
  });
});
