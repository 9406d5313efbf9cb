import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  choleskyRows,
  f32,
  inverse,
  klGaussiansReference,
  logDet,
  type Matrix,
  matmul,
  randomSpd,
  solveVector,
  transposeMatrix,
  uniforms,
} from './__fixtures__/float64';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { klMonteCarlo } from './kl-monte-carlo';
import { klMultivariateGaussians } from './kl-multivariate-gaussians';
import { createRng, randomNormalTensor } from './random';

interface Case {
  mu0: number[];
  cov0: Matrix;
  mu1: number[];
  cov1: Matrix;
}

function makeCase(k: number, seed: number, condition0: number, condition1: number): Case {
  return {
    mu0: uniforms(k, seed, -1, 1).map(f32),
    cov0: randomSpd(k, seed + 1, condition0, 2),
    mu1: uniforms(k, seed + 2, -1, 1).map(f32),
    cov1: randomSpd(k, seed + 3, condition1, 1.5),
  };
}

function tensors(c: Case) {
  return [
    tf.tensor1d(c.mu0),
    tf.tensor2d(c.cov0),
    tf.tensor1d(c.mu1),
    tf.tensor2d(c.cov1),
  ] as const;
}

/** ∂KL/∂(μ0, Σ0, μ1, Σ1) from the closed forms, in float64 with LU inverses. */
function analyticGradients(c: Case) {
  const k = c.mu0.length;
  const inv0 = inverse(c.cov0);
  const inv1 = inverse(c.cov1);
  const delta = c.mu1.map((value, i) => value - c.mu0[i]!);
  const w = solveVector(c.cov1, delta);
  const middle = c.cov0.map((row, i) => row.map((value, j) => value + delta[i]! * delta[j]!));
  const sandwich = matmul(matmul(inv1, middle), inv1);
  return {
    mu0: w.map((value) => -value),
    cov0: inv0.map((row, i) => row.map((value, j) => 0.5 * (inv1[i]![j]! - value))),
    mu1: w,
    cov1: inv1.map((row, i) => row.map((value, j) => 0.5 * (value - sandwich[i]![j]!))),
    k,
  };
}

describeBackends(['cpu', 'wasm'], 'klMultivariateGaussians', () => {
  it('matches a float64 LU reference for k = 1 … 64, well and ill conditioned', () => {
    const cases: [number, number, number][] = [
      [1, 1, 1],
      [2, 3, 5],
      [5, 10, 100],
      [16, 1e3, 1e2],
      [64, 10, 10],
      [64, 1e4, 1e4],
      [64, 1e5, 3],
    ];
    cases.forEach(([k, condition0, condition1], index) => {
      const c = makeCase(k, 100 * index + 7, condition0, condition1);
      const inputs = tensors(c);
      const kl = klMultivariateGaussians(...inputs);
      expect(kl.shape).toEqual([]);
      const expected = klGaussiansReference(c.mu0, c.cov0, c.mu1, c.cov1);
      expectAllClose(kl, expected, { rtol: 2e-6, atol: 1e-6 });
      expect(inputs.every((t) => !t.isDisposed)).toBe(true);
      tf.dispose([kl, ...inputs]);
    });
  });

  it('keeps its digits for close distributions (k = 64, condition 1e4, KL ≈ 1.6e-3)', () => {
    const c = makeCase(64, 11, 1e4, 1);
    const cov1 = c.cov0.map((row) => row.map((value) => f32(value * 1.01)));
    const inputs = [tf.tensor1d(c.mu0), tf.tensor2d(c.cov0), tf.tensor1d(c.mu0), tf.tensor2d(cov1)];
    const kl = klMultivariateGaussians(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!);
    const expected = klGaussiansReference(c.mu0, c.cov0, c.mu0, cov1);
    // ½ k (1/1.01 − 1 + ln 1.01), up to the float32 rounding of the scaled entries.
    expect(expected).toBeCloseTo(32 * (1 / 1.01 - 1 + Math.log(1.01)), 5);
    expectAllClose(kl, expected, { rtol: 1e-5, atol: 0 });
    tf.dispose([kl, ...inputs]);
  });

  it('agrees with the univariate formula and is 0 for equal distributions', () => {
    const [m0, v0, m1, v1] = [0.3, 2.5, -1.2, 0.4];
    const kl = klMultivariateGaussians(
      tf.tensor1d([m0]),
      tf.tensor2d([[v0]]),
      tf.tensor1d([m1]),
      tf.tensor2d([[v1]]),
    );
    const expected = 0.5 * (Math.log(v1 / v0) + (v0 + (m0 - m1) ** 2) / v1 - 1);
    expectAllClose(kl, expected, { rtol: 1e-6 });
    const c = makeCase(20, 5, 1e3, 1e3);
    const same = klMultivariateGaussians(
      tf.tensor1d(c.mu0),
      tf.tensor2d(c.cov0),
      tf.tensor1d(c.mu0),
      tf.tensor2d(c.cov0),
    );
    expectAllClose(same, 0, { atol: 1e-9 });
  });

  it('has the closed-form gradients (float64 analytic, checked by finite differences)', () => {
    for (const [k, condition] of [
      [3, 4],
      [16, 1e3],
    ] as const) {
      const c = makeCase(k, 31 * k, condition, condition);
      const inputs = tensors(c);
      const grads = tf.grads((a, b, d, e) => klMultivariateGaussians(a!, b!, d!, e!))([...inputs]);
      const expected = analyticGradients(c);
      const scale = (m: number[] | Matrix) => Math.max(...m.flat().map(Math.abs));
      expectAllClose(grads[0]!, expected.mu0, { rtol: 1e-5, atol: 1e-6 * scale(expected.mu0) });
      expectAllClose(grads[1]!, expected.cov0, { rtol: 1e-5, atol: 1e-6 * scale(expected.cov0) });
      expectAllClose(grads[2]!, expected.mu1, { rtol: 1e-5, atol: 1e-6 * scale(expected.mu1) });
      expectAllClose(grads[3]!, expected.cov1, { rtol: 1e-5, atol: 1e-6 * scale(expected.cov1) });
      tf.dispose([...grads, ...inputs]);
    }
    // The analytic formulas themselves, by central differences of the LU reference (k = 3):
    // a symmetric perturbation of Σ_ij and Σ_ji changes the KL by (G_ij + G_ji) h.
    const c = makeCase(3, 93, 4, 4);
    const g = analyticGradients(c);
    const h = 1e-6;
    const kl = (x: Case) => klGaussiansReference(x.mu0, x.cov0, x.mu1, x.cov1);
    for (const which of ['cov0', 'cov1'] as const) {
      for (let i = 0; i < 3; i += 1) {
        for (let j = 0; j <= i; j += 1) {
          const bump = (sign: number): Case => {
            const m = c[which].map((row) => [...row]);
            m[i]![j]! += sign * h;
            if (i !== j) m[j]![i]! += sign * h;
            return { ...c, [which]: m };
          };
          const numeric = (kl(bump(1)) - kl(bump(-1))) / (2 * h);
          const analytic = i === j ? g[which][i]![i]! : g[which][i]![j]! + g[which][j]![i]!;
          expect(Math.abs(numeric - analytic)).toBeLessThan(1e-6 * (1 + Math.abs(analytic)));
        }
      }
    }
    for (const which of ['mu0', 'mu1'] as const) {
      for (let i = 0; i < 3; i += 1) {
        const bump = (sign: number): Case => {
          const v = [...c[which]];
          v[i]! += sign * h;
          return { ...c, [which]: v };
        };
        const numeric = (kl(bump(1)) - kl(bump(-1))) / (2 * h);
        expect(Math.abs(numeric - g[which][i]!)).toBeLessThan(1e-6 * (1 + Math.abs(numeric)));
      }
    }
  });

  it('agrees with klMonteCarlo within 4 standard errors', () => {
    const k = 3;
    const c = makeCase(k, 77, 5, 3);
    const n = 20_000;
    const l0 = choleskyRows(c.cov0);
    const logDensity = (mu: number[], cov: Matrix) => {
      const precision = tf.tensor2d(inverse(cov));
      const mean = tf.tensor1d(mu);
      const constant = -0.5 * (logDet(cov) + k * Math.log(2 * Math.PI));
      return (z: tf.Tensor) => {
        const centred = tf.sub(z, mean);
        const quadratic = tf.sum(tf.mul(tf.matMul(centred as tf.Tensor2D, precision), centred), 1);
        return tf.add(tf.mul(quadratic, -0.5), constant);
      };
    };
    const lowerT = tf.tensor2d(transposeMatrix(l0));
    const mean0 = tf.tensor1d(c.mu0);
    const sample = (count: number, seed: number) =>
      tf.add(
        tf.matMul(randomNormalTensor([count, k], createRng(seed)) as tf.Tensor2D, lowerT),
        mean0,
      );
    const { estimate, standardError } = klMonteCarlo(
      logDensity(c.mu0, c.cov0),
      logDensity(c.mu1, c.cov1),
      sample,
      n,
      2024,
    );
    const exact = klGaussiansReference(c.mu0, c.cov0, c.mu1, c.cov1);
    const se = standardError.dataSync()[0]!;
    expect(se).toBeGreaterThan(0);
    expect(se).toBeLessThan(0.05 * exact);
    expect(Math.abs(estimate.dataSync()[0]! - exact)).toBeLessThan(4 * se);
    tf.dispose([estimate, standardError, lowerT, mean0]);
  });

  it('rejects matrices that are not symmetric positive definite, naming the argument', () => {
    const mu = tf.tensor1d([0, 0]);
    const good = tf.tensor2d([
      [2, 0.5],
      [0.5, 1],
    ]);
    const indefinite = tf.tensor2d([
      [1, 2],
      [2, 1],
    ]);
    const asymmetric = tf.tensor2d([
      [2, 0.5],
      [0.7, 1],
    ]);
    const withNaN = tf.tensor2d([
      [2, Number.NaN],
      [Number.NaN, 1],
    ]);
    const expectInvalid = (call: () => unknown, message: string) => {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(InvalidArgumentError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).toBe(message);
    };
    expectInvalid(
      () => klMultivariateGaussians(mu, good, mu, indefinite),
      "klMultivariateGaussians: 'cov1' must be a symmetric positive definite matrix, got a float32 tensor of shape [2, 2]. Its Cholesky factorisation breaks down at row 1: the pivot is -3, not > 0.",
    );
    expectInvalid(
      () => klMultivariateGaussians(mu, asymmetric, mu, good),
      "klMultivariateGaussians: 'cov0' must be a symmetric positive definite matrix, got a float32 tensor of shape [2, 2]. It is not symmetric: entry [1, 0] is 0.699999988079071 but [0, 1] is 0.5.",
    );
    expectInvalid(
      () => klMultivariateGaussians(mu, withNaN, mu, good),
      "klMultivariateGaussians: 'cov0' must be a symmetric positive definite matrix, got a float32 tensor of shape [2, 2]. Entry [1, 0] is NaN.",
    );
    expectInvalid(
      () => klMultivariateGaussians(tf.tensor1d([0, Infinity]), good, mu, good),
      "klMultivariateGaussians: 'mu0' must be a tensor of finite values, got a float32 tensor of shape [2]. Entry [1] is Infinity.",
    );
    expectInvalid(
      () => klMultivariateGaussians(mu, tf.zeros([2, 2]), mu, good),
      "klMultivariateGaussians: 'cov0' must be a symmetric positive definite matrix, got a float32 tensor of shape [2, 2]. Its Cholesky factorisation breaks down at row 0: the pivot is 0, not > 0.",
    );
    tf.dispose([mu, good, indefinite, asymmetric, withNaN]);
  });

  it('rejects shape mismatches', () => {
    const mu2 = tf.tensor1d([0, 0]);
    const mu3 = tf.tensor1d([0, 0, 0]);
    const cov2 = tf.eye(2);
    const cov3 = tf.eye(3);
    expect(() => klMultivariateGaussians(mu2, cov3, mu2, cov2)).toThrow(
      "klMultivariateGaussians: 'cov0' must have shape [2, 2], got [3, 3].",
    );
    expect(() => klMultivariateGaussians(mu2, cov2, mu3, cov2)).toThrow(
      "klMultivariateGaussians: 'mu1' must have shape [2], got [3].",
    );
    expect(() => klMultivariateGaussians(mu2, cov2, mu2, cov3)).toThrow(ShapeMismatchError);
    expect(() => klMultivariateGaussians(cov2, cov2, mu2, cov2)).toThrow(
      "klMultivariateGaussians: 'mu0' must have rank 1, got [2, 2].",
    );
    expect(() => klMultivariateGaussians(tf.zeros([0]), cov2, mu2, cov2)).toThrow(
      "klMultivariateGaussians: 'mu0' must have at least one dimension, got [0].",
    );
    tf.dispose([mu2, mu3, cov2, cov3]);
  });

  it('does not leak, with or without gradients', async () => {
    const c = makeCase(4, 3, 10, 10);
    const inputs = tensors(c);
    await expectNoLeaks(() => {
      tf.dispose(klMultivariateGaussians(...inputs));
      tf.dispose(tf.grads((a, b, d, e) => klMultivariateGaussians(a!, b!, d!, e!))([...inputs]));
    });
    tf.dispose([...inputs]);
  });
});
