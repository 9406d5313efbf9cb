import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { f32 } from './__fixtures__/float64';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { bernoulliLogLikelihood, gaussianLogLikelihood } from './likelihoods';

const softplus64 = (l: number) => (l > 0 ? l + Math.log1p(Math.exp(-l)) : Math.log1p(Math.exp(l)));
const sigmoid64 = (l: number) =>
  l >= 0 ? 1 / (1 + Math.exp(-l)) : Math.exp(l) / (1 + Math.exp(l));
const sumRows = (m: number[][]) => m.map((row) => row.reduce((sum, value) => sum + value, 0));
const LOG_TWO_PI = Math.log(2 * Math.PI);

// Saturated logits (±100, ±30), zero, tiny; binary and grey targets.
const logits = [
  [100, -100, 30, -30, 0],
  [1e-3, -1e-3, 5, -5, 0.5],
  [-100, 100, -30, 30, 0],
].map((row) => row.map(f32));
const targets = [
  [0, 1, 0, 1, 1],
  [1, 0, 0.3, 0.7, 1],
  [1, 0, 1, 0, 0],
].map((row) => row.map(f32));

describeBackends(['cpu', 'wasm'], 'bernoulliLogLikelihood', () => {
  it('matches the float64 formula from logits, with no log(0) when saturated', () => {
    const x = tf.tensor2d(targets);
    const l = tf.tensor2d(logits);
    const ll = bernoulliLogLikelihood(x, l);
    expect(ll.shape).toEqual([3]);
    const expected = sumRows(
      logits.map((row, i) => row.map((v, j) => targets[i]![j]! * v - softplus64(v))),
    );
    expect(Array.from(ll.dataSync()).every(Number.isFinite)).toBe(true);
    expectAllClose(ll, expected, { rtol: 1e-6, atol: 1e-6 });
    // Perfect saturated predictions cost almost nothing: −ln(1 + e^−100) ≈ −3.7e−44.
    const perfect = bernoulliLogLikelihood(tf.tensor2d([[1, 0]]), tf.tensor2d([[100, -100]]));
    expectAllClose(perfect, 0, { atol: 1e-30 });
    expect(x.isDisposed || l.isDisposed).toBe(false);
    tf.dispose([x, l, ll, perfect]);
  });

  it('has gradient x − σ(logits) (float64 analytic), ½ − x at logit 0 included', () => {
    const x = tf.tensor2d(targets);
    const l = tf.tensor2d(logits);
    const [gX, gL] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(bernoulliLogLikelihood(a, b)))(
      [x, l],
    );
    expectAllClose(
      gL!,
      logits.map((row, i) => row.map((v, j) => targets[i]![j]! - sigmoid64(v))),
      { rtol: 1e-6, atol: 1e-7 },
    );
    expectAllClose(gX!, logits, { rtol: 1e-7 });
    tf.dispose([x, l, gX!, gL!]);
  });

  it('rejects mismatched shapes and does not leak', async () => {
    const x = tf.zeros([2, 3]);
    const l = tf.zeros([2, 4]);
    expect(() => bernoulliLogLikelihood(x, l)).toThrow(
      "bernoulliLogLikelihood: 'logits' must have the shape of 'x', [2, 3], got [2, 4].",
    );
    const good = tf.zeros([2, 3]);
    await expectNoLeaks(() => {
      tf.dispose(bernoulliLogLikelihood(x, good));
      tf.dispose(tf.grad((b: tf.Tensor) => tf.sum(bernoulliLogLikelihood(x, b)))(good));
    });
    tf.dispose([x, l, good]);
  });
});

const xs = [
  [0.5, -1, 2, 0],
  [1, 1, 1, 1],
].map((row) => row.map(f32));
const means = [
  [0, -1.5, 2.25, 1e-3],
  [0.5, 2, -1, 1],
].map((row) => row.map(f32));
const logVars = [
  [20, -20, 0, 1e-4],
  [-20, 20, -2, 3],
].map((row) => row.map(f32));

const gaussian64 = (x: number, m: number, lv: number) =>
  -0.5 * (LOG_TWO_PI + lv + (x - m) ** 2 * Math.exp(-lv));

describeBackends(['cpu', 'wasm'], 'gaussianLogLikelihood', () => {
  it('matches the float64 formula with a [batch, dim] logVar, including logVar = ±20', () => {
    const [x, m, v] = [xs, means, logVars].map((a) => tf.tensor2d(a));
    const ll = gaussianLogLikelihood(x!, m!, v!);
    expect(ll.shape).toEqual([2]);
    const expected = sumRows(
      xs.map((row, i) => row.map((value, j) => gaussian64(value, means[i]![j]!, logVars[i]![j]!))),
    );
    expectAllClose(ll, expected, { rtol: 2e-6, atol: 1e-6 });
    tf.dispose([x!, m!, v!, ll]);
  });

  it('takes a per-feature [dim] logVar and a number, −½ ln 2π included', () => {
    const [x, m] = [xs, means].map((a) => tf.tensor2d(a));
    const perFeature = logVars[0]!;
    const v = tf.tensor1d(perFeature);
    const ll = gaussianLogLikelihood(x!, m!, v);
    expectAllClose(
      ll,
      sumRows(
        xs.map((row, i) => row.map((value, j) => gaussian64(value, means[i]![j]!, perFeature[j]!))),
      ),
      { rtol: 2e-6, atol: 1e-6 },
    );
    for (const fixed of [0, -Math.log(2), 20, -20]) {
      const llFixed = gaussianLogLikelihood(x!, m!, fixed);
      expectAllClose(
        llFixed,
        sumRows(xs.map((row, i) => row.map((value, j) => gaussian64(value, means[i]![j]!, fixed)))),
        { rtol: 2e-6, atol: 1e-6 },
      );
      tf.dispose(llFixed);
    }
    // The documented MSE relation: σ² = ½ gives −ln p = ‖x − mean‖² + (d/2) ln π.
    const half = gaussianLogLikelihood(x!, m!, -Math.log(2));
    const sse = sumRows(xs.map((row, i) => row.map((value, j) => (value - means[i]![j]!) ** 2)));
    expectAllClose(
      tf.neg(half),
      sse.map((s) => s + 2 * Math.log(Math.PI)),
      { rtol: 1e-6 },
    );
    // One standard-normal feature at its mean: −½ ln 2π.
    const single = gaussianLogLikelihood(tf.zeros([1, 1]), tf.zeros([1, 1]), 0);
    expectAllClose(single, -0.5 * LOG_TWO_PI, { rtol: 1e-7 });
    tf.dispose([x!, m!, v, ll, half, single]);
  });

  it('has the float64 analytic gradients in x, mean and logVar', () => {
    const [x, m, v] = [xs, means, logVars].map((a) => tf.tensor2d(a));
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(gaussianLogLikelihood(a, b, c)),
    )([x!, m!, v!]);
    const each = (f: (x: number, m: number, lv: number) => number) =>
      xs.map((row, i) => row.map((value, j) => f(value, means[i]![j]!, logVars[i]![j]!)));
    expectAllClose(
      grads[0]!,
      each((a, b, lv) => -(a - b) * Math.exp(-lv)),
      { rtol: 2e-6, atol: 1e-9 },
    );
    expectAllClose(
      grads[1]!,
      each((a, b, lv) => (a - b) * Math.exp(-lv)),
      { rtol: 2e-6, atol: 1e-9 },
    );
    expectAllClose(
      grads[2]!,
      each((a, b, lv) => -0.5 * (1 - (a - b) ** 2 * Math.exp(-lv))),
      { rtol: 2e-6, atol: 1e-7 },
    );
    // With a fixed variance, the gradient in the mean is (x − mean) / σ².
    const gFixed = tf.grad((b: tf.Tensor) => tf.sum(gaussianLogLikelihood(x!, b, 1.5)))(m!);
    expectAllClose(
      gFixed,
      each((a, b) => (a - b) * Math.exp(-1.5)),
      { rtol: 2e-6, atol: 1e-9 },
    );
    tf.dispose([x!, m!, v!, ...grads, gFixed]);
  });

  it('rejects bad shapes and values, naming function, argument and value', () => {
    const x = tf.zeros([4, 3]);
    expect(() => gaussianLogLikelihood(x, tf.zeros([4, 2]), 0)).toThrow(
      "gaussianLogLikelihood: 'mean' must have the shape of 'x', [4, 3], got [4, 2].",
    );
    let caught: unknown;
    try {
      gaussianLogLikelihood(x, x, tf.zeros([2]));
    } catch (error) {
      caught = error;
    }
    expect(ShapeMismatchError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      "gaussianLogLikelihood: 'logVar' must have shape [4, 3] or [3] (the shape of 'x' or one entry per feature), or be a number, got [2].",
    );
    expect(() => gaussianLogLikelihood(x, x, Number.POSITIVE_INFINITY)).toThrow(
      InvalidArgumentError,
    );
    expect(() => gaussianLogLikelihood(x, x, Number.NaN)).toThrow(
      "gaussianLogLikelihood: 'logVar' must be a finite number, got NaN.",
    );
    expect(() => gaussianLogLikelihood(x, x, '0' as unknown as number)).toThrow(
      `gaussianLogLikelihood: 'logVar' must be a tensor, got "0".`,
    );
    tf.dispose(x);
  });

  it('does not leak', async () => {
    const [x, m, v] = [xs, means, logVars].map((a) => tf.tensor2d(a));
    await expectNoLeaks(() => {
      tf.dispose(gaussianLogLikelihood(x!, m!, v!));
      tf.dispose(gaussianLogLikelihood(x!, m!, 0.5));
      tf.dispose(
        tf.grads((b: tf.Tensor, c: tf.Tensor) => tf.sum(gaussianLogLikelihood(x!, b, c)))([m!, v!]),
      );
    });
    tf.dispose([x!, m!, v!]);
  });
});
