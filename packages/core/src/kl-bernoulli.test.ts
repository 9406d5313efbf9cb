import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { f32 } from './__fixtures__/float64';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { klBernoulli, RHO_HAT_MAX, RHO_HAT_MIN } from './kl-bernoulli';
import { klMonteCarlo } from './kl-monte-carlo';
import { createRng, randomUniformTensor } from './random';

const xLogX = (x: number) => (x === 0 ? 0 : x * Math.log(x));
/** The float64 formula, at ρ̂ as float32 stores it and clamped as documented. */
const clampHat = (rhoHat: number) => Math.min(Math.max(f32(rhoHat), RHO_HAT_MIN), RHO_HAT_MAX);
const kl64 = (rho: number, rhoHat: number) => {
  const q = clampHat(rhoHat);
  return xLogX(rho) + xLogX(1 - rho) - rho * Math.log(q) - (1 - rho) * Math.log1p(-q);
};
const dRhoHat64 = (rho: number, rhoHat: number) => {
  const q = clampHat(rhoHat);
  return -rho / q + (1 - rho) / (1 - q);
};

// ρ̂ from the extremes (1e−9, and 1 − 1e−9, which float32 stores as 1) to the middle.
const rhoHats = [1e-9, 1e-6, 0.01, 0.05, 0.3, 0.5, 0.95, 1 - 1e-6, 1 - 1e-9, 0, 1];

describeBackends(['cpu', 'wasm'], 'klBernoulli', () => {
  it('matches the float64 formula for a number ρ, including ρ̂ = 1e−9 and 1 − 1e−9', () => {
    expect(f32(1 - 1e-9)).toBe(1);
    // Within the clamp, the reference is the plain formula: ρ̂ = 1e−9 is used as given.
    expect(clampHat(1e-9)).toBe(f32(1e-9));
    for (const rho of [0, 0.05, 0.5, 1]) {
      const rhoHat = tf.tensor1d(rhoHats);
      const kl = klBernoulli(rho, rhoHat);
      expect(kl.shape).toEqual([rhoHats.length]);
      const values = Array.from(kl.dataSync());
      expect(values.every(Number.isFinite)).toBe(true);
      expectAllClose(
        kl,
        rhoHats.map((q) => kl64(rho, q)),
        { rtol: 2e-6, atol: 1e-7 },
      );
      expect(rhoHat.isDisposed).toBe(false);
      tf.dispose([kl, rhoHat]);
    }
    // The value at ρ̂ = 1e−9 against the unclamped textbook expression.
    const kl = klBernoulli(0.05, tf.tensor1d([1e-9]));
    const q = f32(1e-9);
    expectAllClose(kl, 0.05 * Math.log(0.05 / q) + 0.95 * Math.log(0.95 / (1 - q)), { rtol: 1e-6 });
    tf.dispose(kl);
  });

  it('has finite float64-exact gradients in ρ̂, even at 0, 1e−9, 1 − 1e−9 and 1', () => {
    for (const rho of [0, 0.05, 0.5, 1]) {
      const rhoHat = tf.tensor1d(rhoHats);
      const g = tf.grad((q: tf.Tensor) => tf.sum(klBernoulli(rho, q)))(rhoHat);
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      expectAllClose(
        g,
        rhoHats.map((q) => dRhoHat64(rho, q)),
        { rtol: 2e-6, atol: 1e-6 },
      );
      tf.dispose([g, rhoHat]);
    }
    // At a saturated estimate the gradient still points back into (0, 1).
    const ends = tf.tensor1d([0, 1]);
    const g = tf.grad((q: tf.Tensor) => tf.sum(klBernoulli(0.05, q)))(ends);
    const [atZero, atOne] = g.dataSync();
    expect(atZero!).toBeLessThan(0);
    expect(atOne!).toBeGreaterThan(0);
    tf.dispose([g, ends]);
  });

  it('takes a tensor ρ, with gradients ln(ρ/ρ̂) − ln((1−ρ)/(1−ρ̂)) in ρ', () => {
    const rhos = [0.05, 0.2, 0.5, 0.9, 0.999];
    const hats = [0.1, 1e-9, 0.5, 0.3, 0.999];
    const rho = tf.tensor1d(rhos);
    const rhoHat = tf.tensor1d(hats);
    const kl = klBernoulli(rho, rhoHat);
    expectAllClose(
      kl,
      rhos.map((p, i) => kl64(f32(p), hats[i]!)),
      { rtol: 2e-6, atol: 1e-7 },
    );
    const [gRho, gHat] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klBernoulli(a, b)))([
      rho,
      rhoHat,
    ]);
    const logit = (x: number) => Math.log(x) - Math.log1p(-x);
    expectAllClose(
      gRho!,
      rhos.map((p, i) => logit(f32(p)) - logit(f32(hats[i]!))),
      { rtol: 1e-5, atol: 1e-5 },
    );
    expectAllClose(
      gHat!,
      rhos.map((p, i) => dRhoHat64(f32(p), hats[i]!)),
      { rtol: 2e-6, atol: 1e-6 },
    );
    // ρ = 0 and 1 in a tensor: 0 ln 0 = 0, no NaN in value or gradient.
    const edges = tf.tensor1d([0, 1]);
    const half = tf.tensor1d([0.5, 0.5]);
    const edgeKl = klBernoulli(edges, half);
    expectAllClose(edgeKl, [Math.log(2), Math.log(2)], { rtol: 1e-6 });
    const edgeGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klBernoulli(a, b)))([
      edges,
      half,
    ]);
    for (const t of edgeGrads) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([rho, rhoHat, kl, gRho!, gHat!, edges, half, edgeKl, ...edgeGrads]);
  });

  it('agrees with klMonteCarlo within 4 standard errors', () => {
    const rhos = [0.05, 0.3, 0.7];
    const hats = [0.2, 0.5, 0.1];
    const rho = tf.tensor1d(rhos);
    const rhoHat = tf.tensor1d(hats);
    const logBernoulli = (p: tf.Tensor) => (z: tf.Tensor) =>
      tf.add(tf.mul(z, tf.log(p)), tf.mul(tf.sub(1, z), tf.log1p(tf.neg(p))));
    const n = 40_000;
    const { estimate, standardError } = klMonteCarlo(
      logBernoulli(rho),
      logBernoulli(rhoHat),
      (count, seed) =>
        tf.cast(tf.less(randomUniformTensor([count, 3], createRng(seed)), rho), 'float32'),
      n,
      5,
    );
    const exact = klBernoulli(rho, rhoHat).dataSync();
    const [e, s] = [estimate.dataSync(), standardError.dataSync()];
    for (let i = 0; i < 3; i += 1) {
      expect(s[i]!).toBeLessThan(0.05 * exact[i]!);
      expect(Math.abs(e[i]! - exact[i]!)).toBeLessThan(4 * s[i]!);
    }
    tf.dispose([rho, rhoHat, estimate, standardError]);
  });

  it('rejects bad ρ and mismatched shapes, naming function, argument and value', () => {
    const rhoHat = tf.tensor1d([0.1, 0.2]);
    let caught: unknown;
    try {
      klBernoulli(1.5, rhoHat);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      "klBernoulli: 'rho' must be a finite number in [0, 1], got 1.5.",
    );
    expect(() => klBernoulli(Number.NaN, rhoHat)).toThrow(
      "klBernoulli: 'rho' must be a finite number in [0, 1], got NaN.",
    );
    const rho = tf.tensor1d([0.1, 0.2, 0.3]);
    expect(() => klBernoulli(rho, rhoHat)).toThrow(ShapeMismatchError);
    expect(() => klBernoulli(rho, rhoHat)).toThrow(
      "klBernoulli: 'rhoHat' must have the shape of 'rho', [3], got [2].",
    );
    expect(() => klBernoulli(0.1, 0.2 as unknown as tf.Tensor)).toThrow(
      "klBernoulli: 'rhoHat' must be a tensor, got 0.2.",
    );
    tf.dispose([rho, rhoHat]);
  });

  it('does not leak', async () => {
    const rhoHat = tf.tensor1d(rhoHats);
    const rho = tf.fill([rhoHats.length], 0.05);
    await expectNoLeaks(() => {
      tf.dispose(klBernoulli(0.05, rhoHat));
      tf.dispose(klBernoulli(rho, rhoHat));
      tf.dispose(tf.grad((q: tf.Tensor) => tf.sum(klBernoulli(0.05, q)))(rhoHat));
    });
    tf.dispose([rho, rhoHat]);
  });
});
