import { InvalidArgumentError } from '@aekit/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** A tensor under its stable logical name, e.g. `{ name: 'encoder.0.W', tensor }`. */
export interface NamedTensor {
  readonly name: string;
  readonly tensor: Tensor;
}

/**
 * The named variables of a model as a flat, ordered list, e.g. for saving:
 * `namedTensors(model.variables())`. The order is the record's (insertion) order; names must
 * be unique and non-empty, which a record guarantees for uniqueness.
 */
export function namedTensors(variables: Readonly<Record<string, Tensor>>): NamedTensor[] {
  if (typeof variables !== 'object' || variables === null) {
    throw new InvalidArgumentError({
      functionName: 'namedTensors',
      argument: 'variables',
      rule: 'a record of tensors by name',
      value: variables,
    });
  }
  return Object.entries(variables).map(([name, tensor]) => {
    if (name === '') {
      throw new InvalidArgumentError({
        functionName: 'namedTensors',
        argument: 'variables',
        rule: 'a record whose names are not empty',
        value: Object.keys(variables),
      });
    }
    return { name, tensor };
  });
}

/** The number of scalar parameters: the sum of the tensors' sizes. */
export function countParameters(
  variables: Readonly<Record<string, Tensor>> | readonly Tensor[],
): number {
  const tensors = Array.isArray(variables)
    ? (variables as readonly Tensor[])
    : Object.values(variables as Readonly<Record<string, Tensor>>);
  return tensors.reduce((total, tensor) => total + tensor.size, 0);
}
