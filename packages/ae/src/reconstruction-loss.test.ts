import { InvalidArgumentError, ShapeMismatchError } from '@aekit/core';
import {
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  sigmoid64,
  uniformMatrix,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { reconstructionErrors, reconstructionLoss } from './reconstruction-loss';

const batch = 5;
const dim = 7;
// Targets in [0, 1] (grey levels), reconstructions and logits anywhere.
const x = uniformMatrix(batch, dim, 1, 0, 1);
const output = uniformMatrix(batch, dim, 2, -3, 3);

/** Per-example references written from the formulas, in float64. */
const references = {
  'mse-sum': x.map((row, b) =>
    row.reduce((sum, value, j) => sum + (value - output[b]![j]!) ** 2, 0),
  ),
  mse: x.map(
    (row, b) => row.reduce((sum, value, j) => sum + (value - output[b]![j]!) ** 2, 0) / dim,
  ),
  bernoulli: x.map((row, b) =>
    row.reduce((sum, value, j) => {
      const p = sigmoid64(output[b]![j]!);
      return sum - (value * Math.log(p) + (1 - value) * Math.log(1 - p));
    }, 0),
  ),
} as const;

const meanOf = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / values.length;

describeBackends(['cpu', 'wasm'], 'reconstructionErrors and reconstructionLoss', () => {
  it.each(['mse-sum', 'mse', 'bernoulli'] as const)(
    "'%s' matches the float64 formula per example and averaged over the batch",
    (loss) => {
      const xs = tf.tensor2d(x);
      const outputs = tf.tensor2d(output);
      const errors = reconstructionErrors(xs, outputs, loss);
      const total = reconstructionLoss(xs, outputs, loss);
      expect(errors.shape).toEqual([batch]);
      expect(total.shape).toEqual([]);
      expectAllClose(errors, references[loss], { rtol: 1e-5, atol: 1e-6 });
      expectAllClose(total, meanOf(references[loss]), { rtol: 1e-4, atol: 1e-6 });
      tf.dispose([xs, outputs, errors, total]);
    },
  );

  it("'mse' is 'mse-sum' divided by the number of features", () => {
    const xs = tf.tensor2d(x);
    const outputs = tf.tensor2d(output);
    const summed = reconstructionLoss(xs, outputs, 'mse-sum');
    const averaged = reconstructionLoss(xs, outputs, 'mse');
    expectAllClose(averaged.dataSync()[0]! * dim, summed.dataSync()[0]!, { rtol: 1e-5 });
    tf.dispose([xs, outputs, summed, averaged]);
  });

  it('rejects shapes that differ, tensors that are not 2-D, and unknown losses', () => {
    const xs = tf.tensor2d(x);
    const short = tf.zeros([batch, dim - 1]);
    const flat = tf.zeros([dim]);
    expect(() => reconstructionLoss(xs, short as tf.Tensor2D, 'mse')).toThrow(
      new ShapeMismatchError({
        functionName: 'reconstructionLoss',
        argument: 'output',
        expected: `the shape of 'x', [${batch}, ${dim}]`,
        actual: [batch, dim - 1],
      }).message,
    );
    expect(() => reconstructionErrors(flat as unknown as tf.Tensor2D, xs, 'mse')).toThrow(
      "reconstructionErrors: 'x' must have rank 2, got [7].",
    );
    expect(() => reconstructionErrors(xs, xs, 'l2' as 'mse')).toThrow(
      "reconstructionErrors: 'loss' must be one of 'mse-sum', 'mse', 'bernoulli', got \"l2\".",
    );
    expect(() => reconstructionErrors(xs, xs, 'l2' as 'mse')).toThrow(InvalidArgumentError);
    tf.dispose([xs, short, flat]);
  });

  it('frees its intermediates', async () => {
    const xs = tf.tensor2d(x);
    const outputs = tf.tensor2d(output);
    for (const loss of ['mse-sum', 'mse', 'bernoulli'] as const) {
      await expectNoLeaks(() => {
        reconstructionErrors(xs, outputs, loss).dispose();
        reconstructionLoss(xs, outputs, loss).dispose();
      });
    }
    tf.dispose([xs, outputs]);
  });
});
