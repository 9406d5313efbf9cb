import { checkOptionsObject, checkTensor, formatValue, InvalidArgumentError } from '@aekit/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { DatasetState, SampleArray, SampleDtype } from './dataset-state';
import { DataFormatError } from './errors';

/**
 * Making a dataset: from a flat array, rows or a tensor (the `Dataset.from*` constructors), and
 * from what a loader has decoded; labels and class names checked on the way in.
 */

/** Options shared by the constructors from arrays and tensors. */
export interface LabelOptions {
  /** One integer label ≥ 0 per sample. */
  readonly labels?: ArrayLike<number> | Tensor;
  /** Names of the classes, indexed by label. */
  readonly classNames?: readonly string[];
}

const labelOptionNames = [
  'labels',
  'classNames',
] as const satisfies readonly (keyof LabelOptions)[];

const dtypeOf = (values: SampleArray): SampleDtype => {
  if (values instanceof Uint8Array) return 'uint8';
  if (values instanceof Int8Array) return 'int8';
  if (values instanceof Int16Array) return 'int16';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Float32Array) return 'float32';
  return 'float64';
};

/** The state of `Dataset.fromArray`: the values copied and checked. */
export function stateFromArray(
  values: SampleArray | readonly number[],
  options: { readonly shape: readonly number[] } & LabelOptions,
): DatasetState {
  const functionName = 'Dataset.fromArray';
  checkOptionsObject(functionName, 'options', options, ['shape', ...labelOptionNames]);
  const isTyped = ArrayBuffer.isView(values) && !(values instanceof DataView);
  if (!isTyped && !Array.isArray(values)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'values',
      rule: 'a typed array or an array of numbers',
      value: values,
    });
  }
  const shape = options?.shape;
  if (
    !Array.isArray(shape) ||
    shape.length < 1 ||
    !shape.every((size) => Number.isInteger(size) && size >= 0)
  ) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'shape',
      rule: 'an array [samples, ...feature sizes] of integers ≥ 0',
      value: shape,
    });
  }
  const count = shape[0]!;
  const featureShape = shape.length === 1 ? [1] : shape.slice(1);
  const dim = featureShape.reduce((product, size) => product * size, 1);
  if (count * dim !== values.length) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'shape',
      rule: `a shape whose sizes multiply to the ${values.length} values given`,
      value: shape,
    });
  }
  let stored: SampleArray;
  if (isTyped) {
    const typed = values as SampleArray;
    const supported = [
      Uint8Array,
      Int8Array,
      Int16Array,
      Int32Array,
      Float32Array,
      Float64Array,
    ].some((kind) => typed instanceof kind);
    if (!supported) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'values',
        rule: 'a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array (or an array of numbers)',
        value: values,
      });
    }
    stored = typed.slice();
  } else {
    stored = Float32Array.from(values as readonly number[]);
  }
  checkFiniteValues(functionName, 'values', stored, dim, values);
  return createState({
    values: stored,
    count,
    featureShape,
    labels: resolveLabels(functionName, options.labels, count),
    classNames: resolveClassNames(functionName, options.classNames),
  });
}

/** The state of `Dataset.fromRows`. */
export function stateFromRows(
  rows: readonly (readonly number[])[],
  options: LabelOptions,
): DatasetState {
  const functionName = 'Dataset.fromRows';
  checkOptionsObject(functionName, 'options', options, labelOptionNames);
  if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'rows',
      rule: 'an array of arrays of numbers',
      value: rows,
    });
  }
  const dim = rows[0]?.length ?? 0;
  const values = new Float32Array(rows.length * dim);
  rows.forEach((row, index) => {
    if (row.length !== dim) {
      throw new DataFormatError({
        functionName,
        source: 'rows',
        row: index,
        problem: `'rows' row ${index} (counting from 0) has ${row.length} values, but row 0 has ${dim}.`,
      });
    }
    values.set(row, index * dim);
  });
  checkFiniteValues(functionName, 'rows', values, dim, rows.flat());
  return createState({
    values,
    count: rows.length,
    featureShape: [dim],
    labels: resolveLabels(functionName, options.labels, rows.length),
    classNames: resolveClassNames(functionName, options.classNames),
  });
}

/** The state of `Dataset.fromTensor`. */
export function stateFromTensor(x: Tensor, options: LabelOptions): DatasetState {
  const functionName = 'Dataset.fromTensor';
  checkOptionsObject(functionName, 'options', options, labelOptionNames);
  checkTensor(functionName, 'x', x, { dtype: ['float32', 'int32'] });
  if (x.rank < 1) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'x',
      rule: 'a tensor of rank ≥ 1, [samples, ...features]',
      value: x,
    });
  }
  const values = Float32Array.from(x.dataSync() as Float32Array | Int32Array);
  return stateFromArray(values, { shape: x.shape, ...options });
}

/** The first non-finite value: an error naming its row (and feature). */
function checkFiniteValues(
  functionName: string,
  argument: string,
  stored: SampleArray,
  dim: number,
  original: ArrayLike<number>,
): void {
  if (!(stored instanceof Float32Array || stored instanceof Float64Array)) return;
  for (let index = 0; index < stored.length; index += 1) {
    if (Number.isFinite(stored[index]!)) continue;
    const row = Math.floor(index / Math.max(dim, 1));
    const value = original[index]!;
    const why = Number.isFinite(value) ? `${value}, which does not fit in float32` : String(value);
    throw new DataFormatError({
      functionName,
      source: argument,
      row,
      problem: `'${argument}' row ${row} (counting from 0) holds ${why} at feature ${index - row * dim}; every value must be finite.`,
    });
  }
}

/** Labels as int32, checked: one integer ≥ 0 per sample. */
export function resolveLabels(
  functionName: string,
  labels: ArrayLike<number> | Tensor | undefined,
  count: number,
): Int32Array | null {
  if (labels === undefined) return null;
  let values: ArrayLike<number>;
  if (typeof (labels as Tensor).dataSync === 'function') {
    const tensor = checkTensor(functionName, 'labels', labels, { rank: 1 });
    values = tensor.dataSync() as ArrayLike<number>;
  } else if (
    (ArrayBuffer.isView(labels) && !(labels instanceof DataView)) ||
    Array.isArray(labels)
  ) {
    values = labels as ArrayLike<number>;
  } else {
    throw new InvalidArgumentError({
      functionName,
      argument: 'labels',
      rule: 'an array, a typed array or a 1-D tensor of integer labels',
      value: labels,
    });
  }
  if (values.length !== count) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'labels',
      rule: `one label per sample, ${count}`,
      value: `${values.length} labels`,
    });
  }
  const resolved = new Int32Array(count);
  for (let row = 0; row < count; row += 1) {
    const label = values[row]!;
    if (!Number.isInteger(label) || label < 0 || label > 0x7fffffff) {
      throw new DataFormatError({
        functionName,
        source: 'labels',
        row,
        problem: `'labels' row ${row} (counting from 0) holds ${formatValue(label)}; a label must be an integer ≥ 0.`,
      });
    }
    resolved[row] = label;
  }
  return resolved;
}

export function resolveClassNames(
  functionName: string,
  classNames: readonly string[] | undefined,
): readonly string[] | null {
  if (classNames === undefined) return null;
  if (!Array.isArray(classNames) || !classNames.every((name) => typeof name === 'string')) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'classNames',
      rule: 'an array of strings',
      value: classNames,
    });
  }
  return Object.freeze([...classNames]);
}

/** Samples a loader has decoded and checked, with their labels and class names. */
export interface LoadedSamples {
  readonly values: SampleArray;
  readonly count: number;
  readonly featureShape: readonly number[];
  readonly labels: Int32Array | null;
  readonly classNames: readonly string[] | null;
  /** The loader, as messages name it. Default `'Dataset'`. */
  readonly functionName?: string;
}

/**
 * The state of a dataset over `values` as they are (not copied): for loaders, which have
 * checked them.
 * Throws when a label has no class name.
 */
export function createState(parts: LoadedSamples): DatasetState {
  const { values, count, featureShape, labels, classNames } = parts;
  const dim = featureShape.reduce((product, size) => product * size, 1);
  if (labels !== null && classNames !== null) {
    const unnamed = labels.findIndex((label) => label >= classNames.length);
    if (unnamed >= 0) {
      throw new InvalidArgumentError({
        functionName: parts.functionName ?? 'Dataset',
        argument: 'classNames',
        rule: 'a name for every label',
        value: classNames,
        hint: `Row ${unnamed} (counting from 0) has label ${labels[unnamed]}, but there are only ${classNames.length} class names.`,
      });
    }
  }
  return {
    storage: { values, dtype: dtypeOf(values), count, dim, labels },
    order: null,
    featureShape: Object.freeze([...featureShape]),
    classNames,
    transform: null,
    unitInterval: false,
    binarization: null,
  };
}
