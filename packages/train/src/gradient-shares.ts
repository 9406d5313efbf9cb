import type { Batch, TrainableModel } from '@aekit/core';
import {
  keep,
  mul,
  type NamedTensorMap,
  type Scalar,
  type Tensor,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { packLoss } from './loss-reading';
import type { NamedVariable } from './run-state';

/** The loss of a batch (or of a share of one) and the gradient of its total. */
export interface BatchGradients {
  readonly names: readonly string[];
  /** `[total, ...terms]`: means over the rows, as the model reports them. */
  readonly values: Float32Array;
  /** By variable name; a variable the loss does not reach has none. The caller disposes them. */
  readonly grads: NamedTensorMap;
}

/**
 * The loss of `batch` and the gradient of `weight · total` with respect to `trained`. A share of
 * a batch holding `weight` = rows / batch rows of it contributes exactly its part of the batch
 * mean: the gradients of the shares add up to the gradient of the whole batch's mean loss.
 */
export async function batchGradients(
  model: TrainableModel,
  trained: readonly NamedVariable[],
  batch: Batch,
  step: number,
  weight: number,
): Promise<BatchGradients> {
  let names: readonly string[] = [];
  let packed: Tensor | undefined;
  const { value, grads } = variableGrads(
    () => {
      const loss = packLoss(model, batch, step, true);
      names = loss.names;
      packed = keep(loss.packed);
      return (weight === 1 ? loss.total : mul(loss.total, weight)) as Scalar;
    },
    trained.map(([, variable]) => variable),
  );
  value.dispose();
  try {
    const values = (await packed!.data()) as Float32Array;
    return { names, values, grads };
  } catch (error) {
    for (const grad of Object.values(grads)) grad.dispose();
    throw error;
  } finally {
    packed!.dispose();
  }
}

/** Computes the loss and gradients of whole batches: here, or shared among worker threads. */
export interface GradientSource {
  gradients(batch: Batch, step: number): Promise<BatchGradients>;
  /** Ends the worker threads, if any. */
  close(): Promise<void>;
}
