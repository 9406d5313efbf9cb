import type { Autoencoder } from '@aekit/core';
import { jacobian } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { FamilyAdapter, LabelledCalls, LabelledRows } from '../family-contract';
import { forEachBatch } from '../model-calls';

/** Examples per autodiff call: the Jacobian `[batch, latentDim, inputDim]` is materialised. */
const autodiffBatch = 100;
/** Examples per closed-form call. */
const closedFormBatch = 500;

/**
 * ‖J_f(x)‖_F = (Σ_ij (∂f_i/∂x_j)²)^½ per example for the encoder f = `encode` (a VAE's posterior
 * mean x ↦ μ; a conditional model's with its label fixed): the adapter's closed form when it
 * has one, else exactly by reverse-mode autodiff (`@aekit/core`'s `jacobian`).
 * @returns `[count]` norms, and how they were computed (for the metric's description).
 */
export function encoderJacobianNorms(
  adapter: FamilyAdapter,
  model: Autoencoder,
  rows: LabelledRows,
): { norms: Float64Array; method: 'closed form' | 'autodiff' } {
  const closedForm = adapter.encoderJacobianNorm;
  const withLabels = adapter.needsLabels(model) && rows.labels !== null;
  const batchSize = closedForm === undefined ? autodiffBatch : closedFormBatch;
  const norms = new Float64Array(rows.count);
  const calls = model as unknown as LabelledCalls;
  forEachBatch(
    rows,
    { batchSize, withLabels },
    ({ x, labels, count }) => {
      if (closedForm !== undefined) return closedForm(model, x);
      // jacobian calls f on x and on copies of x stacked row-wise: the labels are stacked alike.
      const encode = (input: tf.Tensor2D) =>
        calls.encode(
          input,
          labels === undefined
            ? undefined
            : (tf.tile(labels, [input.shape[0] / count]) as tf.Tensor1D),
        );
      const full = jacobian(encode, x);
      return tf.sqrt(tf.sum(tf.square(full), [1, 2])) as tf.Tensor1D;
    },
    (values, _shape, start) => norms.set(values, start),
  );
  return { norms, method: closedForm === undefined ? 'autodiff' : 'closed form' };
}
