import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { logMeanExp, logSumExp } from './log-sum-exp';

/** ln Σ exp in float64, shifted by the maximum. */
const lse64 = (values: number[]) => {
  const peak = Math.max(...values);
  if (!Number.isFinite(peak)) return peak;
  return peak + Math.log(values.reduce((sum, v) => sum + Math.exp(v - peak), 0));
};

const rows = [
  [1e4, 1e4 - 1, -1e4, 1e4 - 0.5],
  [-1e4, -1e4, -1e4 + 2, -1e4 - 30],
  [0, 1, 2, 3],
];

describeBackends(['cpu', 'wasm'], 'logSumExp and logMeanExp', () => {
  it('are stable at ±1e4 and match float64 along either axis', () => {
    const t = tf.tensor2d(rows);
    const lse = logSumExp(t, 1);
    expect(lse.shape).toEqual([3]);
    expectAllClose(lse, rows.map(lse64), { rtol: 1e-7, atol: 0 });
    const lme = logMeanExp(t, -1);
    expectAllClose(
      lme,
      rows.map((row) => lse64(row) - Math.log(4)),
      { rtol: 1e-7, atol: 0 },
    );
    const columns = rows[0]!.map((_, j) => rows.map((row) => row[j]!));
    const lse0 = logSumExp(t, 0, true);
    expect(lse0.shape).toEqual([1, 4]);
    expectAllClose(lse0, [columns.map(lse64)], { rtol: 1e-7, atol: 0 });
    const lme0 = logMeanExp(t, 0);
    expectAllClose(
      lme0,
      columns.map((c) => lse64(c) - Math.log(3)),
      { rtol: 1e-7, atol: 0 },
    );
    expect(t.isDisposed).toBe(false);
    tf.dispose([t, lse, lme, lse0, lme0]);
  });

  it('give −∞ for a slice of −∞ and +∞ for one with +∞, never NaN', () => {
    const t = tf.tensor2d([
      [-Infinity, -Infinity],
      [Infinity, 0],
      [-Infinity, 5],
    ]);
    const lse = logSumExp(t, 1);
    const lme = logMeanExp(t, 1);
    expectAllClose(lse, [-Infinity, Infinity, 5]);
    expectAllClose(lme, [-Infinity, Infinity, 5 - Math.log(2)]);
    tf.dispose([t, lse, lme]);
  });

  it('have gradient softmax along the axis (float64)', () => {
    const t = tf.tensor2d(rows);
    const g = tf.grad((x: tf.Tensor) => tf.sum(logSumExp(x, 1)))(t);
    const softmax = rows.map((row) => row.map((v) => Math.exp(v - lse64(row))));
    expectAllClose(g, softmax, { rtol: 1e-5, atol: 1e-7 });
    const gMean = tf.grad((x: tf.Tensor) => tf.sum(logMeanExp(x, 1)))(t);
    expectAllClose(gMean, softmax, { rtol: 1e-5, atol: 1e-7 });
    tf.dispose([t, g, gMean]);
  });

  it('reject bad axes and scalars, naming function, argument and value', () => {
    const t = tf.zeros([2, 3]);
    let caught: unknown;
    try {
      logSumExp(t, 2);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      "logSumExp: 'axis' must be an integer in [-2, 1], got 2.",
    );
    expect(() => logMeanExp(t, 0.5)).toThrow(
      "logMeanExp: 'axis' must be an integer in [-2, 1], got 0.5.",
    );
    expect(() => logMeanExp(tf.scalar(1), 0)).toThrow(ShapeMismatchError);
    expect(() => logMeanExp(tf.scalar(1), 0)).toThrow(
      "logMeanExp: 't' must have rank ≥ 1, got [].",
    );
    expect(() => logMeanExp(tf.zeros([2, 0]), 1)).toThrow(
      "logMeanExp: 't' must have at least one entry along axis 1, got [2, 0].",
    );
    tf.dispose(t);
  });

  it('do not leak', async () => {
    const t = tf.tensor2d(rows);
    await expectNoLeaks(() => {
      tf.dispose(logSumExp(t, 1));
      tf.dispose(logMeanExp(t, 0, true));
      tf.dispose(tf.grad((x: tf.Tensor) => tf.sum(logMeanExp(x, 1)))(t));
    });
    tf.dispose(t);
  });
});
