import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { klMonteCarlo } from './kl-monte-carlo';
import { createRng, randomNormalTensor } from './random';

// q = N(μ, 1), p = N(0, 1) in one dimension: KL = μ²/2, and ln q − ln p = μz − μ²/2.
const mu = 0.8;
const logQ = (z: tf.Tensor) => tf.mul(tf.square(tf.sub(z, mu)), -0.5);
const logP = (z: tf.Tensor) => tf.mul(tf.square(z), -0.5);
const sampleQ = (n: number, seed: number) => tf.add(randomNormalTensor([n], createRng(seed)), mu);

describeBackends(['cpu', 'wasm'], 'klMonteCarlo', () => {
  it('estimates a known KL, with the standard error of the sample mean', () => {
    const n = 10_000;
    const { estimate, standardError } = klMonteCarlo(logQ, logP, sampleQ, n, 42);
    expect(estimate.shape).toEqual([]);
    // Float64 from the same draws: terms μz − μ²/2 have standard deviation μ.
    const draws = createRng(42)
      .normalArray(n)
      .map((e) => e + mu);
    const terms = Array.from(draws, (z) => -0.5 * (f(z) - mu) ** 2 + 0.5 * f(z) ** 2);
    const mean = terms.reduce((s, t) => s + t, 0) / n;
    const sd = Math.sqrt(terms.reduce((s, t) => s + (t - mean) ** 2, 0) / (n - 1));
    expectAllClose(estimate, mean, { rtol: 1e-4, atol: 1e-6 });
    expectAllClose(standardError, sd / Math.sqrt(n), { rtol: 1e-3 });
    expect(Math.abs(estimate.dataSync()[0]! - mu ** 2 / 2)).toBeLessThan(4 * (mu / Math.sqrt(n)));
    // The same seed gives the same estimate.
    const again = klMonteCarlo(logQ, logP, sampleQ, n, 42);
    expect(again.estimate.dataSync()[0]).toBe(estimate.dataSync()[0]);
    tf.dispose([estimate, standardError, again.estimate, again.standardError]);
  });

  it('is batched and differentiable through reparameterised samples', () => {
    const n = 4000;
    const means = tf.tensor1d([0.5, -1, 2]);
    const { estimate } = klMonteCarlo(
      (z) => tf.mul(tf.square(tf.sub(z, means)), -0.5),
      logP,
      (count, seed) => tf.add(randomNormalTensor([count, 3], createRng(seed)), means),
      n,
      1,
    );
    expect(estimate.shape).toEqual([3]);
    // d/dμ of E[μz − μ²/2] with z = μ + ε is μ + mean(ε) ≈ μ.
    const g = tf.grad((m: tf.Tensor) =>
      tf.sum(
        klMonteCarlo(
          (z) => tf.mul(tf.square(tf.sub(z, m)), -0.5),
          logP,
          (count, seed) => tf.add(randomNormalTensor([count, 3], createRng(seed)), m),
          n,
          1,
        ).estimate,
      ),
    )(means);
    expectAllClose(g, [0.5, -1, 2], { atol: 0.06 });
    tf.dispose([means, estimate, g]);
  });

  it('rejects bad arguments and mis-shaped callbacks, naming them', () => {
    let caught: unknown;
    try {
      klMonteCarlo(logQ, logP, sampleQ, 1, 0);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe("klMonteCarlo: 'n' must be an integer ≥ 2, got 1.");
    expect(() => klMonteCarlo(logQ, logP, sampleQ, 10, -3)).toThrow(
      "klMonteCarlo: 'seed' must be an integer in [0, 4294967295], got -3.",
    );
    expect(() => klMonteCarlo(logQ, 'p' as never, sampleQ, 10, 0)).toThrow(
      `klMonteCarlo: 'logP' must be a function, got "p".`,
    );
    expect(() => klMonteCarlo(logQ, logP, () => tf.zeros([5]), 10, 0)).toThrow(
      "klMonteCarlo: 'sampleQ(n, seed)' must have n = 10 rows, one per sample, got [5].",
    );
    expect(() => klMonteCarlo(logQ, () => tf.zeros([10, 2]), sampleQ, 10, 0)).toThrow(
      ShapeMismatchError,
    );
    expect(() => klMonteCarlo(logQ, () => tf.zeros([10, 2]), sampleQ, 10, 0)).toThrow(
      "klMonteCarlo: 'logP(z)' must have shape [10], the shape of 'logQ(z)', got [10, 2].",
    );
  });

  it('frees every tensor the callbacks make', async () => {
    await expectNoLeaks(() => {
      const { estimate, standardError } = klMonteCarlo(logQ, logP, sampleQ, 100, 3);
      tf.dispose([estimate, standardError]);
    });
  });
});

const f = Math.fround;
