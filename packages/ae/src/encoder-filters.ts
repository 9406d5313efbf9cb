import type { Mlp } from '@aekit/layers';
import { clone, type Tensor2D, tidy, transpose } from '@tensorflow/tfjs-core';
import { checkMlp } from './check-mlp';

/**
 * The learned filters: the first layer's weights of each hidden unit, row j holding the weights
 * from every input to unit j (W₁ᵀ, the images the lectures draw as 28×28 tiles for 784 inputs).
 * @param encoder `[inputDim, h₁, …]`.
 * @returns `[h₁, inputDim]`, a new tensor owned by the caller.
 */
export function encoderFilters(encoder: Mlp): Tensor2D {
  const stack = checkMlp('encoderFilters', 'encoder', encoder);
  const first = stack.layers[0]!;
  // A tied layer already stores W as [outDim, inDim].
  return tidy(() => (first.tied ? clone(first.W) : transpose(first.W))) as Tensor2D;
}
