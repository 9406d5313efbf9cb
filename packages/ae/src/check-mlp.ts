import { checkTensor, InvalidArgumentError } from '@aekit/core';
import type { Mlp } from '@aekit/layers';
import type { Tensor2D } from '@tensorflow/tfjs-core';

/** Checks that `value` is an `Mlp` from `@aekit/layers` (widths and live layers). */
export function checkMlp(functionName: string, argument: string, value: unknown): Mlp {
  const stack = value as Partial<Mlp> | null;
  const valid =
    typeof stack === 'object' &&
    stack !== null &&
    Array.isArray(stack.widths) &&
    Array.isArray(stack.layers) &&
    stack.layers.length > 0 &&
    stack.widths.length === stack.layers.length + 1 &&
    stack.layers.every(
      (layer) =>
        typeof layer === 'object' &&
        layer !== null &&
        typeof layer.activation === 'string' &&
        layer.W?.isDisposed === false &&
        layer.b?.isDisposed === false,
    );
  if (!valid) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'an Mlp from @aekit/layers (widths, and layers whose variables are not disposed)',
      value,
    });
  }
  return stack as Mlp;
}

/** Checks an input batch: a float32 `[batch, inputDim]` tensor. */
export function checkBatch(
  functionName: string,
  argument: string,
  value: unknown,
  inputDim: number,
): Tensor2D {
  return checkTensor<Tensor2D>(functionName, argument, value, {
    rank: 2,
    shape: [null, inputDim],
    dtype: 'float32',
  });
}
