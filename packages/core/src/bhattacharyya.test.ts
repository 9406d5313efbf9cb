import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  bhattacharyyaReference,
  choleskyRows,
  f32,
  inverse,
  logDet,
  type Matrix,
  randomSpd,
  solveVector,
  transposeMatrix,
  uniforms,
} from './__fixtures__/float64';
import { bhattacharyyaGaussians } from './bhattacharyya';
import { InvalidArgumentError } from './errors';
import { logMeanExp } from './log-sum-exp';
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

const tensors = (c: Case) =>
  [tf.tensor1d(c.mu0), tf.tensor2d(c.cov0), tf.tensor1d(c.mu1), tf.tensor2d(c.cov1)] as const;

const reference = (c: Case) => bhattacharyyaReference(c.mu0, c.cov0, c.mu1, c.cov1);

describeBackends(['cpu', 'wasm'], 'bhattacharyyaGaussians', () => {
  it('matches a float64 LU reference for k = 1 … 64, well and ill conditioned', () => {
    const cases: [number, number, number][] = [
      [1, 1, 1],
      [3, 4, 9],
      [16, 1e3, 10],
      [64, 10, 10],
      [64, 1e4, 1e4],
    ];
    cases.forEach(([k, condition0, condition1], index) => {
      const c = makeCase(k, 50 * index + 3, condition0, condition1);
      const inputs = tensors(c);
      const distance = bhattacharyyaGaussians(...inputs);
      expect(distance.shape).toEqual([]);
      expectAllClose(distance, reference(c), { rtol: 2e-6, atol: 1e-7 });
      expect(inputs.some((t) => t.isDisposed)).toBe(false);
      tf.dispose([distance, ...inputs]);
    });
  });

  it('is symmetric, 0 for equal distributions, and the univariate formula for k = 1', () => {
    const c = makeCase(5, 9, 30, 30);
    const inputs = tensors(c);
    const forward = bhattacharyyaGaussians(...inputs);
    const backward = bhattacharyyaGaussians(inputs[2], inputs[3], inputs[0], inputs[1]);
    expectAllClose(forward, backward.dataSync()[0]!, { rtol: 1e-6 });
    const same = bhattacharyyaGaussians(inputs[0], inputs[1], inputs[0], inputs[1]);
    expectAllClose(same, 0, { atol: 1e-9 });
    const [m0, v0, m1, v1] = [0.5, 2, -1, 0.5];
    const one = bhattacharyyaGaussians(
      tf.tensor1d([m0]),
      tf.tensor2d([[v0]]),
      tf.tensor1d([m1]),
      tf.tensor2d([[v1]]),
    );
    const expected =
      (m0 - m1) ** 2 / (4 * (v0 + v1)) + 0.5 * Math.log((v0 + v1) / (2 * Math.sqrt(v0 * v1)));
    expectAllClose(one, expected, { rtol: 1e-6 });
    tf.dispose([...inputs, forward, backward, same, one]);
  });

  it('has the closed-form gradients, checked against float64 central differences', () => {
    const k = 4;
    const c = makeCase(k, 21, 20, 5);
    const inputs = tensors(c);
    const grads = tf.grads((a, b, d, e) => bhattacharyyaGaussians(a!, b!, d!, e!))([...inputs]);
    const average = c.cov0.map((row, i) => row.map((value, j) => (value + c.cov1[i]![j]!) / 2));
    const delta = c.mu1.map((value, i) => value - c.mu0[i]!);
    const w = solveVector(average, delta);
    const p = inverse(average);
    const covGradient = (cov: Matrix) => {
      const own = inverse(cov);
      return p.map((row, i) =>
        row.map((value, j) => (-w[i]! * w[j]!) / 16 + (value - own[i]![j]!) / 4),
      );
    };
    const analytic = {
      mu0: w.map((value) => -value / 4),
      cov0: covGradient(c.cov0),
      mu1: w.map((value) => value / 4),
      cov1: covGradient(c.cov1),
    };
    expectAllClose(grads[0]!, analytic.mu0, { rtol: 1e-5, atol: 1e-7 });
    expectAllClose(grads[1]!, analytic.cov0, { rtol: 1e-5, atol: 1e-7 });
    expectAllClose(grads[2]!, analytic.mu1, { rtol: 1e-5, atol: 1e-7 });
    expectAllClose(grads[3]!, analytic.cov1, { rtol: 1e-5, atol: 1e-7 });
    // The analytic forms, by central differences of the LU reference.
    const h = 1e-6;
    for (const which of ['cov0', 'cov1'] as const) {
      for (let i = 0; i < k; i += 1) {
        for (let j = 0; j <= i; j += 1) {
          const bump = (sign: number): Case => {
            const m = c[which].map((row) => [...row]);
            m[i]![j]! += sign * h;
            if (i !== j) m[j]![i]! += sign * h;
            return { ...c, [which]: m };
          };
          const numeric = (reference(bump(1)) - reference(bump(-1))) / (2 * h);
          const g = analytic[which];
          const expected = i === j ? g[i]![i]! : g[i]![j]! + g[j]![i]!;
          expect(Math.abs(numeric - expected)).toBeLessThan(1e-7 * (1 + Math.abs(expected)));
        }
      }
    }
    for (const which of ['mu0', 'mu1'] as const) {
      for (let i = 0; i < k; i += 1) {
        const bump = (sign: number): Case => {
          const v = [...c[which]];
          v[i]! += sign * h;
          return { ...c, [which]: v };
        };
        const numeric = (reference(bump(1)) - reference(bump(-1))) / (2 * h);
        expect(Math.abs(numeric - analytic[which][i]!)).toBeLessThan(
          1e-7 * (1 + Math.abs(numeric)),
        );
      }
    }
    tf.dispose([...inputs, ...grads]);
  });

  it('agrees with a sampling estimate −ln E_q[√(p/q)] within 4 standard errors', () => {
    const k = 3;
    const c = makeCase(k, 40, 4, 2);
    const n = 40_000;
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
    const [estimate, standardError] = tf.tidy(() => {
      const z = tf.add(
        tf.matMul(
          randomNormalTensor([n, k], createRng(99)) as tf.Tensor2D,
          tf.tensor2d(transposeMatrix(choleskyRows(c.cov0))),
        ),
        tf.tensor1d(c.mu0),
      );
      const halfLogRatio = tf.mul(
        tf.sub(logDensity(c.mu1, c.cov1)(z), logDensity(c.mu0, c.cov0)(z)),
        0.5,
      );
      // D̂ = −ln mean(r), r = √(p/q); its standard error is sd(r) / (√n · mean(r)).
      const r = tf.exp(halfLogRatio);
      const { mean, variance } = tf.moments(r);
      const se = tf.div(tf.sqrt(tf.div(variance, n - 1)), mean);
      return [tf.neg(logMeanExp(halfLogRatio, 0)), se];
    });
    const exact = reference(c);
    const se = standardError!.dataSync()[0]!;
    expect(se).toBeLessThan(0.05 * exact);
    expect(Math.abs(estimate!.dataSync()[0]! - exact)).toBeLessThan(4 * se);
    tf.dispose([estimate!, standardError!]);
  });

  it('rejects a covariance that is not positive definite, naming function and argument', () => {
    const mu = tf.tensor1d([0, 0, 0]);
    const good = tf.eye(3);
    const singular = tf.tensor2d([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    let caught: unknown;
    try {
      bhattacharyyaGaussians(mu, good, mu, singular);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      "bhattacharyyaGaussians: 'cov1' must be a symmetric positive definite matrix, got a float32 tensor of shape [3, 3]. Its Cholesky factorisation breaks down at row 1: the pivot is 0, not > 0.",
    );
    expect(() => bhattacharyyaGaussians(mu, tf.eye(2), mu, good)).toThrow(
      "bhattacharyyaGaussians: 'cov0' must have shape [3, 3], got [2, 2].",
    );
    tf.dispose([mu, good, singular]);
  });

  it('does not leak, with or without gradients', async () => {
    const inputs = tensors(makeCase(4, 1, 5, 5));
    await expectNoLeaks(() => {
      tf.dispose(bhattacharyyaGaussians(...inputs));
      tf.dispose(tf.grads((a, b, d, e) => bhattacharyyaGaussians(a!, b!, d!, e!))([...inputs]));
    });
    tf.dispose([...inputs]);
  });
});
