import { checkOneOf, checkSeed, createRng, InvalidArgumentError } from '@aekit/core';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { type InitializerName, initializerNames } from './initializer-names';

// The names live in a module of their own, which loads no TensorFlow.js (`@aekit/layers/options`).
export { type InitializerName, initializerNames } from './initializer-names';

/** Standard deviation of N(0, 1) truncated to [−2, 2]. */
const truncatedNormalStd = 0.87962566103423978;

/** `fanIn` and `fanOut` of a shape: `[fanIn, fanOut]` for a matrix, `[n, n]` for a vector. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  return [shape[0]!, shape[1]!];
}

/**
 * Initial values of a weight of `shape` (`[fanIn, fanOut]`, or `[n]` for a bias), drawn with
 * `createRng(seed)` in JavaScript, so the same seed gives the same values on every backend.
 * @returns `Float32Array` of `fanIn·fanOut` values in row-major order.
 */
export function initialValues(
  shape: readonly [number] | readonly [number, number],
  init: InitializerName,
  seed: number,
): Float32Array {
  const name = checkOneOf('initialValues', 'init', init, initializerNames);
  if (
    !Array.isArray(shape) ||
    (shape.length !== 1 && shape.length !== 2) ||
    !shape.every((size) => Number.isInteger(size) && size >= 1)
  ) {
    throw new InvalidArgumentError({
      functionName: 'initialValues',
      argument: 'shape',
      rule: '[fanIn, fanOut] or [n] with positive integer sizes',
      value: shape,
    });
  }
  checkSeed('initialValues', 'seed', seed);
  const count = shape.reduce((product, size) => product * size, 1);
  if (name === 'zeros') return new Float32Array(count);
  const rng = createRng(seed);
  const [fanIn, fanOut] = fans(shape);
  switch (name) {
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniformArray(count, -limit, limit);
    }
    case 'heUniform': {
      const limit = Math.sqrt(6 / fanIn);
      return rng.uniformArray(count, -limit, limit);
    }
    case 'glorotNormal':
      return rng.truncatedNormalArray(
        count,
        0,
        Math.sqrt(2 / (fanIn + fanOut)) / truncatedNormalStd,
      );
    case 'heNormal':
      return rng.truncatedNormalArray(count, 0, Math.sqrt(2 / fanIn) / truncatedNormalStd);
  }
}

/** `initialValues` as a float32 tensor of `shape`; the caller owns it. */
export function initialTensor(
  shape: readonly [number] | readonly [number, number],
  init: InitializerName,
  seed: number,
): Tensor {
  return tensor(initialValues(shape, init, seed), [...shape], 'float32');
}
