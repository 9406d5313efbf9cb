import { describeBackends } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSameShape,
  checkSeed,
  checkTensor,
} from './checks';
import { InvalidArgumentError, ShapeMismatchError } from './errors';

describe('checks', () => {
  it('returns valid values unchanged', () => {
    expect(checkPositiveInteger('f', 'n', 3)).toBe(3);
    expect(checkInteger('f', 'n', 0, { min: 0 })).toBe(0);
    expect(
      checkNumber('f', 'rho', 0.05, { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
    ).toBe(0.05);
    expect(checkOneOf('f', 'likelihood', 'bernoulli', ['bernoulli', 'gaussian'])).toBe('bernoulli');
    expect(checkBoolean('f', 'tied', false)).toBe(false);
    expect(checkPositiveIntegerList('f', 'hidden', [400, 200])).toEqual([400, 200]);
    expect(checkSeed('f', 'seed', 0xffffffff)).toBe(0xffffffff);
  });

  it.each([
    [
      () => checkPositiveInteger('createVae', 'latentDim', 0),
      "createVae: 'latentDim' must be a positive integer, got 0.",
    ],
    [
      () => checkPositiveInteger('createVae', 'latentDim', 2.5),
      "createVae: 'latentDim' must be a positive integer, got 2.5.",
    ],
    [
      () => checkPositiveInteger('createVae', 'latentDim', '2'),
      `createVae: 'latentDim' must be a positive integer, got "2".`,
    ],
    [
      () =>
        checkNumber('createSparseAe', 'rho', 1.2, {
          min: 0,
          max: 1,
          minExclusive: true,
          maxExclusive: true,
        }),
      "createSparseAe: 'rho' must be a finite number in (0, 1), got 1.2.",
    ],
    [
      () => checkNumber('fit', 'learningRate', 0, { min: 0, minExclusive: true }),
      "fit: 'learningRate' must be a finite number > 0, got 0.",
    ],
    [
      () => checkNumber('f', 'beta', Number.NaN, { min: 0 }),
      "f: 'beta' must be a finite number ≥ 0, got NaN.",
    ],
    [() => checkNumber('f', 'x', Infinity), "f: 'x' must be a finite number, got Infinity."],
    [
      () => checkInteger('f', 'k', 7, { min: 1, max: 5 }),
      "f: 'k' must be an integer in [1, 5], got 7.",
    ],
    [
      () => checkOneOf('createVae', 'likelihood', 'poisson', ['bernoulli', 'gaussian']),
      `createVae: 'likelihood' must be one of 'bernoulli', 'gaussian', got "poisson".`,
    ],
    [() => checkBoolean('f', 'tied', 1), "f: 'tied' must be a boolean, got 1."],
    [
      () => checkPositiveIntegerList('createAe', 'hidden', [400, 0]),
      "createAe: 'hidden' must be a non-empty array of positive integers, got [400, 0].",
    ],
    [
      () => checkPositiveIntegerList('createAe', 'hidden', []),
      "createAe: 'hidden' must be a non-empty array of positive integers, got [].",
    ],
    [() => checkSeed('f', 'seed', -1), "f: 'seed' must be an integer in [0, 4294967295], got -1."],
  ])('rejects bad values with a message naming all four parts (%#)', (call, message) => {
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(message);
  });

  it('allows an empty list when asked', () => {
    expect(checkPositiveIntegerList('f', 'hidden', [], { allowEmpty: true })).toEqual([]);
  });
});

describeBackends(['cpu', 'wasm'], 'tensor checks', () => {
  it('checks tensors: type, disposal, rank, shape, dtype', () => {
    const x = tf.zeros([2, 3]);
    expect(checkTensor('encode', 'x', x, { rank: 2, shape: [null, 3], dtype: 'float32' })).toBe(x);
    expect(() => checkTensor('encode', 'x', [[1, 2, 3]])).toThrow(
      "encode: 'x' must be a tensor, got [[1, 2, 3]].",
    );
    expect(() => checkTensor('encode', 'x', x, { rank: 3 })).toThrow(
      "encode: 'x' must have rank 3, got [2, 3].",
    );
    expect(() => checkTensor('encode', 'x', x, { shape: [null, 784] })).toThrow(
      "encode: 'x' must have shape [*, 784], got [2, 3].",
    );
    expect(() => checkTensor('encode', 'x', x, { dtype: 'int32' })).toThrow(
      "encode: 'x' must be a tensor of dtype 'int32', got a float32 tensor of shape [2, 3].",
    );
    x.dispose();
    expect(() => checkTensor('encode', 'x', x)).toThrow(
      `encode: 'x' must be a tensor that has not been disposed, got "a disposed tensor of shape [2, 3]".`,
    );
  });

  it('checks that two tensors have the same shape', () => {
    const a = tf.zeros([4, 2]);
    const b = tf.zeros([4, 3]);
    expect(() => checkSameShape('klBernoulli', 'rho', a, 'rhoHat', b)).toThrow(ShapeMismatchError);
    expect(() => checkSameShape('klBernoulli', 'rho', a, 'rhoHat', b)).toThrow(
      "klBernoulli: 'rhoHat' must have the shape of 'rho', [4, 2], got [4, 3].",
    );
    expect(() => checkSameShape('klBernoulli', 'rho', a, 'rhoHat', tf.ones([4, 2]))).not.toThrow();
    tf.dispose([a, b]);
  });
});
