import type { DataType, Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError, type ShapePattern } from './errors';

/**
 * Checks for public entry points. Each takes the public function's name and the argument's name
 * so the error reads `createVae: 'latentDim' must be a positive integer, got 0.`, and returns the
 * value with a narrowed type so a resolver can check and assign in one line.
 */

/** Bounds of a number; `minExclusive` / `maxExclusive` make the bound strict. */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly minExclusive?: boolean;
  readonly maxExclusive?: boolean;
}

function describeRange(range: NumberRange): string {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  if (min !== undefined && max !== undefined) {
    return `in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) return `${minExclusive ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `${maxExclusive ? '<' : '≤'} ${max}`;
  return '';
}

function inRange(value: number, range: NumberRange): boolean {
  const { min, max, minExclusive = false, maxExclusive = false } = range;
  if (min !== undefined && (minExclusive ? value <= min : value < min)) return false;
  if (max !== undefined && (maxExclusive ? value >= max : value > max)) return false;
  return true;
}

/** A finite number, optionally within `range`. */
export function checkNumber(
  functionName: string,
  argument: string,
  value: unknown,
  range: NumberRange = {},
): number {
  const bounds = describeRange(range);
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value, range)) {
    const rule = bounds === '' ? 'a finite number' : `a finite number ${bounds}`;
    throw new InvalidArgumentError({ functionName, argument, rule, value });
  }
  return value;
}

/** An integer, optionally within `range`. */
export function checkInteger(
  functionName: string,
  argument: string,
  value: unknown,
  range: NumberRange = {},
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || !inRange(value, range)) {
    const bounds = describeRange(range);
    const rule = bounds === '' ? 'an integer' : `an integer ${bounds}`;
    throw new InvalidArgumentError({ functionName, argument, rule, value });
  }
  return value;
}

/** An integer ≥ 1. */
export function checkPositiveInteger(
  functionName: string,
  argument: string,
  value: unknown,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError({ functionName, argument, rule: 'a positive integer', value });
  }
  return value;
}

/** A non-empty array of integers ≥ 1, e.g. the widths of hidden layers. */
export function checkPositiveIntegerList(
  functionName: string,
  argument: string,
  value: unknown,
  options: { allowEmpty?: boolean } = {},
): number[] {
  const rule = options.allowEmpty
    ? 'an array of positive integers'
    : 'a non-empty array of positive integers';
  if (
    !Array.isArray(value) ||
    (!options.allowEmpty && value.length === 0) ||
    !value.every((item) => typeof item === 'number' && Number.isInteger(item) && item >= 1)
  ) {
    throw new InvalidArgumentError({ functionName, argument, rule, value });
  }
  return [...value] as number[];
}

/** One of a fixed set of strings. */
export function checkOneOf<const T extends string>(
  functionName: string,
  argument: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const rule = `one of ${allowed.map((item) => `'${item}'`).join(', ')}`;
    throw new InvalidArgumentError({ functionName, argument, rule, value });
  }
  return value as T;
}

/** A boolean. */
export function checkBoolean(functionName: string, argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError({ functionName, argument, rule: 'a boolean', value });
  }
  return value;
}

/** A 32-bit unsigned integer seed. */
export function checkSeed(functionName: string, argument: string, value: unknown): number {
  return checkInteger(functionName, argument, value, { min: 0, max: 0xffffffff });
}

function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Tensor).dataSync === 'function' &&
    Array.isArray((value as Tensor).shape) &&
    typeof (value as Tensor).dtype === 'string'
  );
}

/** What a tensor argument must be: rank, shape (`null` for any size) and dtype. */
export interface TensorRequirements {
  readonly rank?: number;
  readonly shape?: ShapePattern;
  readonly dtype?: DataType | readonly DataType[];
}

/** A live (not disposed) tensor meeting `requirements`. */
export function checkTensor<T extends Tensor = Tensor>(
  functionName: string,
  argument: string,
  value: unknown,
  requirements: TensorRequirements = {},
): T {
  if (!isTensor(value)) {
    throw new InvalidArgumentError({ functionName, argument, rule: 'a tensor', value });
  }
  if (value.isDisposed) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'a tensor that has not been disposed',
      value: `a disposed tensor of shape [${value.shape.join(', ')}]`,
    });
  }
  const { rank, shape, dtype } = requirements;
  if (rank !== undefined && value.rank !== rank) {
    throw new ShapeMismatchError({
      functionName,
      argument,
      expected: `rank ${rank}`,
      actual: value.shape,
    });
  }
  if (shape !== undefined) {
    const fits =
      value.rank === shape.length &&
      shape.every((size, axis) => size === null || value.shape[axis] === size);
    if (!fits) {
      throw new ShapeMismatchError({
        functionName,
        argument,
        expected: shape,
        actual: value.shape,
      });
    }
  }
  if (dtype !== undefined) {
    const allowed: readonly DataType[] = typeof dtype === 'string' ? [dtype] : dtype;
    if (!allowed.includes(value.dtype)) {
      throw new InvalidArgumentError({
        functionName,
        argument,
        rule: `a tensor of dtype ${allowed.map((item) => `'${item}'`).join(' or ')}`,
        value,
      });
    }
  }
  return value as T;
}

/** Two tensors of exactly the same shape (for element-wise functions). */
export function checkSameShape(
  functionName: string,
  argumentA: string,
  a: Tensor,
  argumentB: string,
  b: Tensor,
): void {
  const same = a.rank === b.rank && a.shape.every((size, axis) => b.shape[axis] === size);
  if (!same) {
    throw new ShapeMismatchError({
      functionName,
      argument: argumentB,
      expected: `the shape of '${argumentA}', [${a.shape.join(', ')}]`,
      actual: b.shape,
    });
  }
}
