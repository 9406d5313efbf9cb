import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  f32,
  finiteDifferenceJacobian,
  forward64,
  frobeniusSquared,
  type Layer64,
  penalty64,
  uniforms,
} from './__fixtures__/float64';
import type { DenseActivation } from './activations';
import { denseJacobianFrobeniusSquared } from './dense-jacobian';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { jacobian } from './jacobian';

const activations: DenseActivation[] = ['sigmoid', 'tanh', 'relu', 'softplus', 'linear'];
const [inDim, outDim, batch] = [5, 4, 3];

function makeLayer(activation: DenseActivation, seed: number): Layer64 {
  const w = uniforms(inDim * outDim, seed, -1, 1).map(f32);
  return {
    W: Array.from({ length: inDim }, (_, i) => w.slice(i * outDim, (i + 1) * outDim)),
    b: uniforms(outDim, seed + 1, -0.5, 0.5).map(f32),
    activation,
  };
}

/** Rows whose pre-activations stay ≥ 0.05 away from relu's kink, so differences are smooth. */
function makeInputs(layer: Layer64, seed: number): number[][] {
  const rows: number[][] = [];
  for (let attempt = 0; rows.length < batch; attempt += 1) {
    const x = uniforms(inDim, seed + attempt, -1.5, 1.5).map(f32);
    const a = layer.b.map((bias, j) => x.reduce((s, v, i) => s + v * layer.W[i]![j]!, bias));
    if (a.every((value) => Math.abs(value) > 0.05)) rows.push(x);
  }
  return rows;
}

describeBackends(['cpu', 'wasm'], 'denseJacobianFrobeniusSquared', () => {
  it('matches ‖jacobian‖²_F and float64 central differences for every activation', () => {
    activations.forEach((activation, index) => {
      const layer = makeLayer(activation, 10 * index + 1);
      const rows = makeInputs(layer, 100 * index);
      const [x, W, b] = [tf.tensor2d(rows), tf.tensor2d(layer.W), tf.tensor1d(layer.b)];
      const penalty = denseJacobianFrobeniusSquared(x, W, b, activation);
      expect(penalty.shape).toEqual([batch]);
      const numeric = rows.map((row) =>
        frobeniusSquared(finiteDifferenceJacobian((v) => forward64(v, [layer]), row)),
      );
      expectAllClose(penalty, numeric, { rtol: 1e-5, atol: 1e-6 });
      const j = jacobian((input) => {
        const a = tf.add(tf.matMul(input, W), b);
        const table = { sigmoid: tf.sigmoid, tanh: tf.tanh, relu: tf.relu, softplus: tf.softplus };
        return activation === 'linear' ? a : table[activation](a);
      }, x as tf.Tensor2D);
      const viaAutodiff = tf.sum(tf.square(j), [1, 2]);
      expectAllClose(penalty, viaAutodiff.dataSync(), { rtol: 1e-5, atol: 1e-6 });
      expect([x, W, b].some((t) => t.isDisposed)).toBe(false);
      tf.dispose([x, W, b, penalty, j, viaAutodiff]);
    });
  });

  it('is Σ_j (h_j(1 − h_j))² Σ_i W_ij² for sigmoid, written out', () => {
    const layer = makeLayer('sigmoid', 77);
    const row = makeInputs(layer, 5)[0]!;
    const h = forward64(row, [layer]);
    const expected = h.reduce(
      (sum, hj, j) => sum + (hj * (1 - hj)) ** 2 * layer.W.reduce((s, wi) => s + wi[j]! ** 2, 0),
      0,
    );
    const inputs = [tf.tensor2d([row]), tf.tensor2d(layer.W), tf.tensor1d(layer.b)] as const;
    const penalty = denseJacobianFrobeniusSquared(...inputs, 'sigmoid');
    expectAllClose(penalty, [expected], { rtol: 1e-6 });
    tf.dispose([...inputs, penalty]);
  });

  it('has gradients in W, b and x matching float64 central differences', () => {
    activations.forEach((activation, index) => {
      const layer = makeLayer(activation, 10 * index + 3);
      const rows = makeInputs(layer, 100 * index + 7);
      const [x, W, b] = [tf.tensor2d(rows), tf.tensor2d(layer.W), tf.tensor1d(layer.b)];
      const [gX, gW, gB] = tf.grads((xs: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(denseJacobianFrobeniusSquared(xs, w, bias, activation)),
      )([x, W, b]);
      const h = 1e-6;
      const numericW = layer.W.map((wRow, i) =>
        wRow.map((_, j) => {
          const bump = (sign: number) => {
            const Wb = layer.W.map((r) => [...r]);
            Wb[i]![j]! += sign * h;
            return penalty64(rows, [{ ...layer, W: Wb }]);
          };
          return (bump(1) - bump(-1)) / (2 * h);
        }),
      );
      const numericB = layer.b.map((_, j) => {
        const bump = (sign: number) => {
          const bb = [...layer.b];
          bb[j]! += sign * h;
          return penalty64(rows, [{ ...layer, b: bb }]);
        };
        return (bump(1) - bump(-1)) / (2 * h);
      });
      const numericX = rows.map((row, r) =>
        row.map((_, i) => {
          const bump = (sign: number) => {
            const moved = rows.map((x0) => [...x0]);
            moved[r]![i]! += sign * h;
            return penalty64([moved[r]!], [layer]);
          };
          return (bump(1) - bump(-1)) / (2 * h);
        }),
      );
      expectAllClose(gW!, numericW, { rtol: 1e-4, atol: 1e-5 });
      expectAllClose(gB!, numericB, { rtol: 1e-4, atol: 1e-5 });
      expectAllClose(gX!, numericX, { rtol: 1e-4, atol: 1e-5 });
      tf.dispose([x, W, b, gX!, gW!, gB!]);
    });
  });

  it('rejects mismatched shapes and unknown activations, naming the argument', () => {
    const [x, W, b] = [tf.zeros([2, 5]), tf.zeros([5, 4]), tf.zeros([4])];
    expect(() => denseJacobianFrobeniusSquared(x, tf.zeros([4, 4]), b, 'tanh')).toThrow(
      "denseJacobianFrobeniusSquared: 'W' must have shape [5, *], got [4, 4].",
    );
    expect(() => denseJacobianFrobeniusSquared(x, W, tf.zeros([5]), 'tanh')).toThrow(
      ShapeMismatchError,
    );
    expect(() => denseJacobianFrobeniusSquared(x, W, tf.zeros([5]), 'tanh')).toThrow(
      "denseJacobianFrobeniusSquared: 'b' must have shape [4], got [5].",
    );
    let caught: unknown;
    try {
      denseJacobianFrobeniusSquared(x, W, b, 'elu' as DenseActivation);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `denseJacobianFrobeniusSquared: 'activation' must be one of 'sigmoid', 'tanh', 'relu', 'softplus', 'linear', got "elu".`,
    );
    tf.dispose([x, W, b]);
  });

  it('does not leak', async () => {
    const [x, W, b] = [tf.ones([2, 5]), tf.ones([5, 4]), tf.zeros([4])];
    await expectNoLeaks(() => {
      for (const activation of activations) {
        tf.dispose(denseJacobianFrobeniusSquared(x, W, b, activation));
      }
      tf.dispose(
        tf.grads((w: tf.Tensor, bias: tf.Tensor) =>
          tf.sum(denseJacobianFrobeniusSquared(x, w, bias, 'sigmoid')),
        )([W, b]),
      );
    });
    tf.dispose([x, W, b]);
  });
});
