import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { finiteDifferenceJacobian } from './__fixtures__/float64';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { jacobian } from './jacobian';

// The worked example: f(z₁, z₂) = (z₁ + z₂, 2z₁) and its inverse g(y₁, y₂) = (y₂/2, y₁ − y₂/2).
const f = (z: tf.Tensor): tf.Tensor2D => {
  const [z1, z2] = tf.split(z, 2, 1) as [tf.Tensor, tf.Tensor];
  return tf.concat([tf.add(z1, z2), tf.mul(z1, 2)], 1);
};
const g = (y: tf.Tensor): tf.Tensor2D => {
  const [y1, y2] = tf.split(y, 2, 1) as [tf.Tensor, tf.Tensor];
  return tf.concat([tf.mul(y2, 0.5), tf.sub(y1, tf.mul(y2, 0.5))], 1);
};

describeBackends(['cpu', 'wasm'], 'jacobian', () => {
  it('gives J = [[1, 1], [2, 0]] for f(z₁, z₂) = (z₁ + z₂, 2z₁), at every point', () => {
    const z = tf.tensor2d([
      [0, 0],
      [1, -2],
      [3.5, 7],
    ]);
    const j = jacobian(f, z);
    expect(j.shape).toEqual([3, 2, 2]);
    expectAllClose(
      j,
      [0, 1, 2].map(() => [
        [1, 1],
        [2, 0],
      ]),
      { rtol: 0, atol: 0 },
    );
    expect(z.isDisposed).toBe(false);
    tf.dispose([z, j]);
  });

  it("gives the inverse map's Jacobian [[0, ½], [1, −½]], and their product is the identity", () => {
    const z = tf.tensor2d([
      [1, -2],
      [0.25, 4],
    ]);
    const y = f(z);
    expectAllClose(g(y), z);
    const jf = jacobian(f, z);
    const jg = jacobian(g, y);
    expectAllClose(
      jg,
      [0, 1].map(() => [
        [0, 0.5],
        [1, -0.5],
      ]),
      { rtol: 0, atol: 0 },
    );
    // Chain rule at corresponding points: J_g(f(z)) J_f(z) = I and J_f(z) J_g(f(z)) = I.
    const identity = [0, 1].map(() => [
      [1, 0],
      [0, 1],
    ]);
    const gf = tf.matMul(jg, jf);
    const fg = tf.matMul(jf, jg);
    expectAllClose(gf, identity, { rtol: 0, atol: 0 });
    expectAllClose(fg, identity, { rtol: 0, atol: 0 });
    tf.dispose([z, y, jf, jg, gf, fg]);
  });

  it('matches float64 central differences for a nonlinear map [batch, 3] → [batch, 4]', () => {
    const W = [
      [0.5, -1, 0.3, 2],
      [1.5, 0.2, -0.7, 0.1],
      [-0.4, 0.9, 1.1, -0.6],
    ];
    const map64 = (x: number[]) => {
      const a = W[0]!.map((_, j) => x.reduce((s, v, i) => s + v * W[i]![j]!, 0));
      return [Math.tanh(a[0]!) * x[1]!, Math.exp(0.5 * a[1]!), a[2]! ** 2, Math.sin(a[3]!) + x[0]!];
    };
    const w = tf.tensor2d(W);
    const map = (x: tf.Tensor2D) => {
      const a = tf.matMul(x, w);
      const [a0, a1, a2, a3] = tf.split(a, 4, 1) as tf.Tensor[];
      const [x0, x1] = tf.split(x, [1, 1, 1], 1) as tf.Tensor[];
      return tf.concat(
        [
          tf.mul(tf.tanh(a0!), x1!),
          tf.exp(tf.mul(a1!, 0.5)),
          tf.square(a2!),
          tf.add(tf.sin(a3!), x0!),
        ],
        1,
      );
    };
    const points = [
      [0.1, 0.2, 0.3],
      [-1, 0.5, 2],
      [0.7, -0.3, -0.9],
    ].map((row) => row.map(Math.fround));
    const x = tf.tensor2d(points);
    const j = jacobian(map, x);
    expect(j.shape).toEqual([3, 4, 3]);
    expectAllClose(
      j,
      points.map((p) => finiteDifferenceJacobian(map64, p)),
      { rtol: 1e-5, atol: 1e-5 },
    );
    tf.dispose([w, x, j]);
  });

  it('splits large problems into several backward passes with the same result', () => {
    // 4,100 rows × 3 output units exceeds one pass (8,192 rows): one unit per pass.
    const batch = 4100;
    const x = tf.randomUniform([batch, 2], -1, 1, 'float32', 1) as tf.Tensor2D;
    const map = (z: tf.Tensor2D) =>
      tf.concat(
        [
          tf.sum(tf.square(z), 1, true),
          tf.mul(tf.slice(z, [0, 0], [-1, 1]), tf.slice(z, [0, 1], [-1, 1])),
          tf.slice(z, [0, 0], [-1, 1]),
        ],
        1,
      );
    const j = jacobian(map, x);
    expect(j.shape).toEqual([batch, 3, 2]);
    const values = x.arraySync();
    const expected = values.map(([a, b]) => [
      [2 * a!, 2 * b!],
      [b!, a!],
      [1, 0],
    ]);
    expectAllClose(j, expected, { rtol: 1e-6, atol: 1e-7 });
    tf.dispose([x, j]);
  });

  it('returns zeros for a map that does not depend on x', () => {
    const x = tf.ones([2, 3]);
    const j = jacobian((z) => tf.zeros([z.shape[0], 4]), x);
    expect(j.shape).toEqual([2, 4, 3]);
    expectAllClose(j, 0, { atol: 0 });
    tf.dispose([x, j]);
  });

  it('rejects bad arguments and maps that are not row-wise shaped', () => {
    const x = tf.ones([2, 3]);
    expect(() => jacobian('f' as never, x)).toThrow(InvalidArgumentError);
    expect(() => jacobian('f' as never, x)).toThrow(`jacobian: 'f' must be a function, got "f".`);
    expect(() => jacobian(f, tf.ones([3]) as never)).toThrow(
      "jacobian: 'x' must have rank 2, got [3].",
    );
    expect(() => jacobian((z) => tf.sum(z, 1), x)).toThrow(ShapeMismatchError);
    expect(() => jacobian((z) => tf.sum(z, 1), x)).toThrow(
      "jacobian: 'f(x)' must have shape [2, *] (one output row per input row), got [2].",
    );
    // Not row-wise: one output row whatever the number of input rows.
    const pooled = (z: tf.Tensor) => tf.tile(tf.mean(z, 0, true), [2, 1]);
    expect(() => jacobian(pooled, x)).toThrow(
      "jacobian: 'f(x)' must have shape [6, 3] for 6 stacked input rows (f must map rows independently), got [2, 3].",
    );
    tf.dispose(x);
  });

  it('does not leak', async () => {
    const z = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    await expectNoLeaks(() => {
      tf.dispose(jacobian(f, z));
      tf.dispose(jacobian((v) => tf.zeros([v.shape[0], 1]), z));
    });
    tf.dispose(z);
  });
});
