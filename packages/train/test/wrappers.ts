import type { Autoencoder, LossContext, LossTerms } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Wraps a model and adds a term computed from the step: `extra(context)` returns a number (or
 * NaN/Infinity) that becomes term `name` and is added to the total. For tests of early
 * stopping and of non-finite losses.
 */
export function withExtraTerm(
  model: Autoencoder,
  name: string,
  extra: (context: LossContext) => number,
  seen?: (context: LossContext) => void,
): Autoencoder {
  return {
    ...model,
    config: model.config,
    lossTerms(x: tf.Tensor2D, context: LossContext): LossTerms {
      seen?.(context);
      const inner = model.lossTerms(x, context);
      const term = tf.scalar(extra(context));
      const total = tf.add(inner.total, term) as tf.Scalar;
      inner.total.dispose();
      return { total, terms: { ...inner.terms, [name]: term } };
    },
  };
}

/** The model's variable values, by name, copied out. */
export function snapshot(model: Autoencoder): Record<string, Float32Array> {
  return Object.fromEntries(
    Object.entries(model.variables()).map(([name, variable]) => [
      name,
      (variable.dataSync() as Float32Array).slice(),
    ]),
  );
}
