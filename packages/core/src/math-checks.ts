import type { Tensor } from '@tensorflow/tfjs-core';
import { checkInteger, checkSameShape, checkTensor } from './checks';
import type { ShapePattern } from './errors';

/** A live float32 tensor of the given rank, optionally of a shape pattern. */
export function checkFloatTensor<T extends Tensor = Tensor>(
  functionName: string,
  argument: string,
  value: unknown,
  rank: number,
  shape?: ShapePattern,
): T {
  return checkTensor<T>(functionName, argument, value, {
    rank,
    ...(shape === undefined ? {} : { shape }),
    dtype: 'float32',
  });
}

/** Several float32 tensors of the first one's shape (for element-wise formulas). */
export function checkFloatTensorsAlike(
  functionName: string,
  rank: number,
  entries: readonly (readonly [string, unknown])[],
): Tensor[] {
  const tensors = entries.map(([argument, value]) =>
    checkFloatTensor(functionName, argument, value, rank),
  );
  const [first] = tensors;
  tensors.forEach((tensor, index) => {
    if (index > 0) checkSameShape(functionName, entries[0]![0], first!, entries[index]![0], tensor);
  });
  return tensors;
}

/** An axis of a tensor of rank `rank`, in [−rank, rank − 1]; returned non-negative. */
export function checkAxis(functionName: string, axis: unknown, rank: number): number {
  const value = checkInteger(functionName, 'axis', axis, { min: -rank, max: rank - 1 });
  return value < 0 ? value + rank : value;
}
