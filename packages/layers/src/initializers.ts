import { checkOneOf, checkSeed, createRng, deriveSeed, InvalidArgumentError } from '@aekit/core';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import {
  type InitializerName,
  initializerNames,
  type LayerInitializerName,
} from './initializer-names';

// The names live in a module of their own, which loads no TensorFlow.js (`@aekit/layers/options`).
export {
  type InitializerName,
  initializerNames,
  type LayerInitializerName,
  layerInitializerNames,
} from './initializer-names';

/** Standard deviation of N(0, 1) truncated to [−2, 2]. */
const truncatedNormalStd = 0.87962566103423978;

/**
 * `fanIn` and `fanOut` of a shape: `[fanIn, fanOut]` for a matrix, `[n, n]` for a vector, and for
 * a filter `[kH, kW, a, b]` the receptive field times its last two sizes, `[kH·kW·a, kH·kW·b]`
 * (a convolution's filter is `[kH, kW, in, out]`; a transposed one's `[kH, kW, out, in]`).
 */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 1) return [shape[0]!, shape[0]!];
  if (shape.length === 4) {
    const field = shape[0]! * shape[1]!;
    return [field * shape[2]!, field * shape[3]!];
  }
  return [shape[0]!, shape[1]!];
}

/** A weight's shape: `[n]` (a bias), `[fanIn, fanOut]` or a filter `[kH, kW, a, b]`. */
export type WeightShape =
  | readonly [number]
  | readonly [number, number]
  | readonly [number, number, number, number];

/**
 * Initial values of a weight of `shape` (`[fanIn, fanOut]`, `[n]` for a bias, or a filter
 * `[kH, kW, a, b]` with the fans of `fans`), drawn with `createRng(seed)` in JavaScript, so the
 * same seed gives the same values on every backend.
 * @returns `Float32Array` of the shape's size, in row-major order.
 */
export function initialValues(
  shape: WeightShape,
  init: InitializerName,
  seed: number,
): Float32Array {
  const name = checkOneOf('initialValues', 'init', init, initializerNames);
  if (
    !Array.isArray(shape) ||
    (shape.length !== 1 && shape.length !== 2 && shape.length !== 4) ||
    !shape.every((size) => Number.isInteger(size) && size >= 1)
  ) {
    throw new InvalidArgumentError({
      functionName: 'initialValues',
      argument: 'shape',
      rule: '[fanIn, fanOut], [n] or [kH, kW, a, b] with positive integer sizes',
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
export function initialTensor(shape: WeightShape, init: InitializerName, seed: number): Tensor {
  return tensor(initialValues(shape, init, seed), [...shape], 'float32');
}

/**
 * Initial weight and bias values of a layer whose weight has `shape` (the fans of `fans`):
 * with `'fanInUniform'` both from U(−1/√fanIn, 1/√fanIn) (the weight from `seed`, the bias from
 * `deriveSeed(seed, 1)`), otherwise the weight from `initialValues` and a zero bias.
 */
export function initialLayerValues(
  shape: WeightShape,
  init: LayerInitializerName,
  seed: number,
  biasSize: number,
): { weight: Float32Array; bias: Float32Array } {
  if (init !== 'fanInUniform') {
    return { weight: initialValues(shape, init, seed), bias: new Float32Array(biasSize) };
  }
  const bound = 1 / Math.sqrt(fans(shape)[0]);
  const count = shape.reduce((product, size) => product * size, 1);
  return {
    weight: createRng(seed).uniformArray(count, -bound, bound),
    bias: createRng(deriveSeed(seed, 1)).uniformArray(biasSize, -bound, bound),
  };
}
