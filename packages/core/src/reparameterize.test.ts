import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from './random';
import { reparameterize } from './reparameterize';

const mu = [
  [0, 1, -2],
  [0.5, 0, 3],
];
const logVar = [
  [0, -2, 1],
  [-20, 4, 0.5],
];

describeBackends(['cpu', 'wasm'], 'reparameterize', () => {
  it('is mu + exp(½ logVar) ⊙ ε with ε from createRng(seed), the same on every backend', () => {
    const m = tf.tensor2d(mu);
    const v = tf.tensor2d(logVar);
    const z = reparameterize(m, v, 1234);
    expect(z.shape).toEqual([2, 3]);
    const epsilon = createRng(1234).normalArray(6);
    const expected = mu.map((row, i) =>
      row.map((value, j) => value + Math.exp(0.5 * logVar[i]![j]!) * epsilon[i * 3 + j]!),
    );
    expectAllClose(z, expected, { rtol: 1e-6, atol: 1e-7 });
    const again = reparameterize(m, v, 1234);
    expect(Array.from(again.dataSync())).toEqual(Array.from(z.dataSync()));
    const other = reparameterize(m, v, 1235);
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(z.dataSync()));
    const unseeded = reparameterize(m, v);
    expect(unseeded.shape).toEqual([2, 3]);
    expect(m.isDisposed || v.isDisposed).toBe(false);
    tf.dispose([m, v, z, again, other, unseeded]);
  });

  it('has gradients 1 in mu and ½ exp(½ logVar) ε in logVar', () => {
    const m = tf.tensor2d(mu);
    const v = tf.tensor2d(logVar);
    const [gMu, gLogVar] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(reparameterize(a, b, 99)),
    )([m, v]);
    const epsilon = createRng(99).normalArray(6);
    expectAllClose(gMu!, 1);
    expectAllClose(
      gLogVar!,
      logVar.map((row, i) => row.map((lv, j) => 0.5 * Math.exp(0.5 * lv) * epsilon[i * 3 + j]!)),
      { rtol: 1e-6, atol: 1e-9 },
    );
    tf.dispose([m, v, gMu!, gLogVar!]);
  });

  it('draws from N(mu, exp(logVar))', () => {
    const n = 20_000;
    const m = tf.fill([n, 2], 1.5);
    const v = tf.tile(tf.tensor2d([[Math.log(4), Math.log(0.25)]]), [n, 1]);
    const z = reparameterize(m, v, 3);
    const { mean, variance } = tf.moments(z, 0);
    // Standard errors of the mean: 2/√n = 0.014 and 0.5/√n = 0.0035.
    expectAllClose(mean, [1.5, 1.5], { atol: 0.06 });
    expectAllClose(variance, [4, 0.25], { rtol: 0.05 });
    tf.dispose([m, v, z, mean, variance]);
  });

  it('rejects bad seeds and shapes, and does not leak', async () => {
    const m = tf.zeros([2, 3]);
    expect(() => reparameterize(m, tf.zeros([3, 2]), 1)).toThrow(
      "reparameterize: 'logVar' must have the shape of 'mu', [2, 3], got [3, 2].",
    );
    expect(() => reparameterize(m, m, -1)).toThrow(
      "reparameterize: 'seed' must be an integer in [0, 4294967295], got -1.",
    );
    expect(() => reparameterize(m, m, 1.5)).toThrow(
      "reparameterize: 'seed' must be an integer in [0, 4294967295], got 1.5.",
    );
    await expectNoLeaks(() => {
      tf.dispose(reparameterize(m, m, 5));
      tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(reparameterize(a, b, 5)))([m, m]));
    });
    tf.dispose(m);
  });
});
