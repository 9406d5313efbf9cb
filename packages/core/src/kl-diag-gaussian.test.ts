import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { f32 } from './__fixtures__/float64';
import { ShapeMismatchError } from './errors';
import { klDiagGaussianStdNormal, klDiagGaussians } from './kl-diag-gaussian';
import { klMonteCarlo } from './kl-monte-carlo';
import { gaussianLogLikelihood } from './likelihoods';
import { reparameterize } from './reparameterize';

// Rows include the extreme points logVar = ±20, tiny logVar (where exp(lv) − 1 − lv cancels)
// and large means. Values are float32-exact so the float64 references see the same inputs.
const mu = [
  [0, 0.5, -1.25, 3],
  [30, -30, 0.001, 0],
  [0.1, -0.2, 0.3, -0.4],
].map((row) => row.map(f32));
const logVar = [
  [0, -20, 20, 1e-4],
  [-1e-3, 2, -2, 0.5],
  [-20, 20, -20, 20],
].map((row) => row.map(f32));
const mu1 = [
  [1, -0.5, 0.25, 3],
  [29, -31, 0.5, 2],
  [0.1, -0.2, -0.3, 0.4],
].map((row) => row.map(f32));
const logVar1 = [
  [0, 20, -20, -1e-4],
  [0.001, -2, 2, 0.5],
  [-20, 20, 20, -20],
].map((row) => row.map(f32));

const rows = (m: number[][], f: (i: number, j: number) => number) =>
  m.map((row, i) => row.reduce((sum, _, j) => sum + f(i, j), 0));

describeBackends(['cpu', 'wasm'], 'klDiagGaussianStdNormal', () => {
  it('matches the float64 formula, including logVar = ±20', () => {
    const m = tf.tensor2d(mu);
    const v = tf.tensor2d(logVar);
    const kl = klDiagGaussianStdNormal(m, v);
    const expected = rows(mu, (i, j) => {
      const lv = logVar[i]![j]!;
      return 0.5 * (Math.expm1(lv) - lv + mu[i]![j]! ** 2);
    });
    expect(kl.shape).toEqual([3]);
    expectAllClose(kl, expected, { rtol: 2e-6, atol: 1e-9 });
    // The cancelling case alone: ½(e^lv − 1 − lv) ≈ lv²/4 for lv = 1e-4 is 2.5e-9.
    const small = klDiagGaussianStdNormal(tf.zeros([1, 1]), tf.fill([1, 1], 1e-4));
    expectAllClose(small, 0.5 * (Math.expm1(f32(1e-4)) - f32(1e-4)), { rtol: 1e-3, atol: 0 });
    expect(m.isDisposed || v.isDisposed).toBe(false);
    tf.dispose([m, v, kl, small]);
  });

  it('has gradients μ and ½(e^logVar − 1) (float64 analytic)', () => {
    const m = tf.tensor2d(mu);
    const v = tf.tensor2d(logVar);
    const [gMu, gLogVar] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(klDiagGaussianStdNormal(a, b)),
    )([m, v]);
    expectAllClose(gMu!, mu, { rtol: 1e-6, atol: 0 });
    // The gradient is autodiff's ½(e^lv − 1) in float32: near lv = 0 its error is absolute,
    // about ulp(1)/4 = 3e-8, not relative.
    expectAllClose(
      gLogVar!,
      logVar.map((row) => row.map((lv) => 0.5 * Math.expm1(lv))),
      { rtol: 2e-6, atol: 3e-8 },
    );
    tf.dispose([m, v, gMu!, gLogVar!]);
  });

  it('agrees with klMonteCarlo within 4 standard errors', () => {
    const m = tf.tensor2d([
      [0.5, -1, 0.2],
      [2, 0, -0.3],
    ]);
    const v = tf.tensor2d([
      [-1, 0.5, 0],
      [0.3, -2, 1],
    ]);
    const n = 20_000;
    const [batch, dim] = [2, 3];
    const tiled = (t: tf.Tensor) => tf.tile(t, [n, 1]) as tf.Tensor2D;
    const flat = (z: tf.Tensor) => tf.reshape(z, [n * batch, dim]) as tf.Tensor2D;
    const { estimate, standardError } = klMonteCarlo(
      (z) => tf.reshape(gaussianLogLikelihood(flat(z), tiled(m), tiled(v)), [n, batch]),
      (z) => tf.reshape(gaussianLogLikelihood(flat(z), tf.zerosLike(flat(z)), 0), [n, batch]),
      (count, seed) => tf.reshape(reparameterize(tiled(m), tiled(v), seed), [count, batch, dim]),
      n,
      7,
    );
    const exact = klDiagGaussianStdNormal(m, v);
    const [e, s, x] = [estimate.dataSync(), standardError.dataSync(), exact.dataSync()];
    expect(estimate.shape).toEqual([batch]);
    for (let b = 0; b < batch; b += 1) {
      expect(s[b]!).toBeLessThan(0.05 * x[b]!);
      expect(Math.abs(e[b]! - x[b]!)).toBeLessThan(4 * s[b]!);
    }
    tf.dispose([m, v, estimate, standardError, exact]);
  });

  it('rejects shape mismatches and non-tensors', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 4]);
    expect(() => klDiagGaussianStdNormal(a, b)).toThrow(ShapeMismatchError);
    expect(() => klDiagGaussianStdNormal(a, b)).toThrow(
      "klDiagGaussianStdNormal: 'logVar' must have the shape of 'mu', [2, 3], got [2, 4].",
    );
    expect(() => klDiagGaussianStdNormal(tf.zeros([3]), tf.zeros([3]))).toThrow(
      "klDiagGaussianStdNormal: 'mu' must have rank 2, got [3].",
    );
    expect(() => klDiagGaussianStdNormal(a, [[0, 0, 0]] as unknown as tf.Tensor)).toThrow(
      "klDiagGaussianStdNormal: 'logVar' must be a tensor, got [[0, 0, 0]].",
    );
    tf.dispose([a, b]);
  });

  it('does not leak', async () => {
    const m = tf.tensor2d(mu);
    const v = tf.tensor2d(logVar);
    await expectNoLeaks(() => {
      tf.dispose(klDiagGaussianStdNormal(m, v));
      tf.dispose(
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(klDiagGaussianStdNormal(a, b)))([m, v]),
      );
    });
    tf.dispose([m, v]);
  });
});

describeBackends(['cpu', 'wasm'], 'klDiagGaussians', () => {
  const reference = (i: number, j: number) => {
    const [m0, v0, m1, v1] = [mu[i]![j]!, logVar[i]![j]!, mu1[i]![j]!, logVar1[i]![j]!];
    return 0.5 * (v1 - v0 + (Math.exp(v0) + (m0 - m1) ** 2) / Math.exp(v1) - 1);
  };

  it('matches the float64 formula, including logVar = ±20 on either side', () => {
    const inputs = [mu, logVar, mu1, logVar1].map((m) => tf.tensor2d(m));
    const kl = klDiagGaussians(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!);
    expectAllClose(kl, rows(mu, reference), { rtol: 2e-6, atol: 1e-9 });
    // KL(q ‖ q) = 0 and KL(q ‖ N(0, I)) = klDiagGaussianStdNormal.
    const same = klDiagGaussians(inputs[0]!, inputs[1]!, inputs[0]!, inputs[1]!);
    expectAllClose(same, 0, { atol: 0 });
    const zeros = tf.zerosLike(inputs[0]!);
    const standard = klDiagGaussians(inputs[0]!, inputs[1]!, zeros, zeros);
    const direct = klDiagGaussianStdNormal(inputs[0]!, inputs[1]!);
    expectAllClose(standard, direct.dataSync(), { rtol: 1e-6, atol: 1e-9 });
    expect(inputs.some((t) => t.isDisposed)).toBe(false);
    tf.dispose([...inputs, kl, same, zeros, standard, direct]);
  });

  it('has the float64 analytic gradients', () => {
    const inputs = [mu, logVar, mu1, logVar1].map((m) => tf.tensor2d(m));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.sum(klDiagGaussians(a, b, c, d)),
    )(inputs);
    const each = (f: (m0: number, v0: number, m1: number, v1: number) => number) =>
      mu.map((row, i) =>
        row.map((_, j) => f(mu[i]![j]!, logVar[i]![j]!, mu1[i]![j]!, logVar1[i]![j]!)),
      );
    const expected = [
      each((m0, _v0, m1, v1) => (m0 - m1) * Math.exp(-v1)),
      each((_m0, v0, _m1, v1) => 0.5 * Math.expm1(v0 - v1)),
      each((m0, _v0, m1, v1) => (m1 - m0) * Math.exp(-v1)),
      each((m0, v0, m1, v1) => 0.5 * (1 - Math.exp(v0 - v1) - (m0 - m1) ** 2 * Math.exp(-v1))),
    ];
    // As above, e^(v0 − v1) − 1 near 0 carries an absolute float32 error of about 3e-8.
    grads.forEach((g, index) => {
      expectAllClose(g, expected[index]!, { rtol: 5e-6, atol: 3e-8 });
    });
    tf.dispose([...inputs, ...grads]);
  });

  it('agrees with klMonteCarlo within 4 standard errors', () => {
    const params = [[[0.5, -1, 0.2]], [[-1, 0.5, 0]], [[0, -0.5, 1]], [[0.4, 0, -0.7]]].map((m) =>
      tf.tensor2d(m),
    );
    const [m0, v0, m1, v1] = params as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const n = 20_000;
    const tiled = (t: tf.Tensor) => tf.tile(t, [n, 1]) as tf.Tensor2D;
    const { estimate, standardError } = klMonteCarlo(
      (z) => gaussianLogLikelihood(z as tf.Tensor2D, tiled(m0), tiled(v0)),
      (z) => gaussianLogLikelihood(z as tf.Tensor2D, tiled(m1), tiled(v1)),
      (_count, seed) => reparameterize(tiled(m0), tiled(v0), seed),
      n,
      11,
    );
    const exact = klDiagGaussians(m0, v0, m1, v1).dataSync()[0]!;
    const se = standardError.dataSync()[0]!;
    expect(se).toBeLessThan(0.05 * exact);
    expect(Math.abs(estimate.dataSync()[0]! - exact)).toBeLessThan(4 * se);
    tf.dispose([...params, estimate, standardError]);
  });

  it('rejects shape mismatches, naming the argument', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 3]);
    expect(() => klDiagGaussians(a, a, a, b)).toThrow(
      "klDiagGaussians: 'logVar1' must have the shape of 'mu0', [2, 3], got [3, 3].",
    );
    expect(() => klDiagGaussians(a, a, tf.zeros([2, 3], 'int32'), a)).toThrow(
      "klDiagGaussians: 'mu1' must be a tensor of dtype 'float32', got a int32 tensor of shape [2, 3].",
    );
    tf.dispose([a, b]);
  });

  it('does not leak', async () => {
    const inputs = [mu, logVar, mu1, logVar1].map((m) => tf.tensor2d(m));
    await expectNoLeaks(() => {
      tf.dispose(klDiagGaussians(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!));
    });
    tf.dispose(inputs);
  });
});
