import { checkInteger, checkPositiveInteger, InvalidArgumentError } from '@aekit/core';

/** Codes (or any features) with integer class labels. */
export interface LabelledFeatures {
  /** `[count, dim]` row-major. */
  readonly features: Float32Array;
  /** `[count]` integer labels in [0, numClasses). */
  readonly labels: ArrayLike<number>;
  readonly count: number;
  readonly dim: number;
}

/**
 * Checks that `values` is a Float32Array or Float64Array of `count × dim` finite numbers, else
 * throws `<functionName>: '<argument>' must be …`.
 */
export function checkRows(
  functionName: string,
  argument: string,
  values: unknown,
  count: number,
  dim: number,
): void {
  if (
    !(values instanceof Float32Array || values instanceof Float64Array) ||
    values.length !== count * dim
  ) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: `a Float32Array or Float64Array of count × dim = ${count * dim} values`,
      value: ArrayBuffer.isView(values) ? `${(values as Float32Array).length} values` : values,
    });
  }
  checkFinite(functionName, argument, values);
}

function checkFinite(functionName: string, argument: string, values: ArrayLike<number>): void {
  for (let index = 0; index < values.length; index += 1) {
    if (!Number.isFinite(values[index])) {
      throw new InvalidArgumentError({
        functionName,
        argument: `${argument}[${index}]`,
        rule: 'a finite number',
        value: values[index],
      });
    }
  }
}

/**
 * Checks `data` at a public boundary: positive `count` and `dim`, `count × dim` finite features
 * and `count` integer labels in [0, `labelLimit`) (in [0, ∞) when `labelLimit` is left out).
 * @param argument the argument's name in messages, e.g. `'train'`.
 */
export function checkLabelledFeatures(
  functionName: string,
  argument: string,
  data: LabelledFeatures,
  labelLimit?: number,
): void {
  if (typeof data !== 'object' || data === null) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'an object { features, labels, count, dim }',
      value: data,
    });
  }
  checkPositiveInteger(functionName, `${argument}.count`, data.count);
  checkPositiveInteger(functionName, `${argument}.dim`, data.dim);
  if (
    !(data.features instanceof Float32Array) ||
    data.features.length !== data.count * data.dim ||
    data.labels?.length !== data.count
  ) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: `features of count × dim = ${data.count * data.dim} values (a Float32Array) and ${data.count} labels`,
      value: `${data.features?.length} values and ${data.labels?.length} labels`,
    });
  }
  checkFinite(functionName, `${argument}.features`, data.features);
  const range = labelLimit === undefined ? { min: 0 } : { min: 0, max: labelLimit - 1 };
  for (let i = 0; i < data.count; i += 1) {
    checkInteger(functionName, `${argument}.labels[${i}]`, data.labels[i], range);
  }
}

/** Checks that `test` has the features' width of `train`. */
export function checkSameWidth(
  functionName: string,
  train: LabelledFeatures,
  test: LabelledFeatures,
): void {
  if (train.dim !== test.dim) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'test.dim',
      rule: `equal to train.dim (${train.dim})`,
      value: test.dim,
    });
  }
}
