import { describe, expect, it } from 'vitest';
import {
  AekitError,
  InvalidArgumentError,
  ShapeMismatchError,
  UnsupportedKernelError,
} from './errors';

describe('errors', () => {
  it('formats an invalid argument as function, argument, rule and value', () => {
    const error = new InvalidArgumentError({
      functionName: 'createVae',
      argument: 'latentDim',
      rule: 'a positive integer',
      value: 0,
    });
    expect(error.message).toBe("createVae: 'latentDim' must be a positive integer, got 0.");
    expect(error.name).toBe('InvalidArgumentError');
    expect(error.functionName).toBe('createVae');
    expect(error.argument).toBe('latentDim');
    expect(error.value).toBe(0);
  });

  it('adds the hint after the rule', () => {
    const error = new InvalidArgumentError({
      functionName: 'createSparseAe',
      argument: 'rho',
      rule: 'in (0, 1)',
      value: 1.2,
      hint: 'ρ is a target mean activation of sigmoid units.',
    });
    expect(error.message).toBe(
      "createSparseAe: 'rho' must be in (0, 1), got 1.2. ρ is a target mean activation of sigmoid units.",
    );
  });

  it('shows strings quoted, NaN and long arrays abbreviated', () => {
    const message = (value: unknown) =>
      new InvalidArgumentError({ functionName: 'f', argument: 'a', rule: 'r', value }).message;
    expect(message('adamw')).toBe(`f: 'a' must be r, got "adamw".`);
    expect(message(Number.NaN)).toBe(`f: 'a' must be r, got NaN.`);
    expect(message([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe(
      `f: 'a' must be r, got [1, 2, 3, 4, 5, 6, 7, 8, … 2 more].`,
    );
    expect(message(new Float32Array([0.5, -1]))).toBe(
      `f: 'a' must be r, got Float32Array(2) [0.5, -1].`,
    );
    expect(message(undefined)).toBe(`f: 'a' must be r, got undefined.`);
    expect(message({ units: 3 })).toBe(`f: 'a' must be r, got {"units":3}.`);
  });

  it('formats shape mismatches with * for any size', () => {
    const error = new ShapeMismatchError({
      functionName: 'encode',
      argument: 'x',
      expected: [null, 784],
      actual: [32, 100],
    });
    expect(error.message).toBe("encode: 'x' must have shape [*, 784], got [32, 100].");
    expect(error.actual).toEqual([32, 100]);
  });

  it('names the backend and every missing kernel', () => {
    const one = new UnsupportedKernelError({
      backend: 'wasm',
      kernels: ['DepthwiseConv2dNativeBackpropFilter'],
    });
    expect(one.message).toBe(
      "The 'wasm' backend has no kernel DepthwiseConv2dNativeBackpropFilter.",
    );
    const two = new UnsupportedKernelError({
      backend: 'wasm',
      kernels: ['A', 'B'],
      hint: 'Use cpu.',
    });
    expect(two.message).toBe("The 'wasm' backend has no kernels A, B. Use cpu.");
  });

  it('recognises its errors by marker, across copies of the package', () => {
    const error = new ShapeMismatchError({
      functionName: 'f',
      argument: 'x',
      expected: [1],
      actual: [2],
    });
    expect(AekitError.isInstance(error)).toBe(true);
    expect(ShapeMismatchError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(false);
    expect(error).toBeInstanceOf(Error);
    // An error from another copy of @aekit/core carries the same Symbol.for markers but is not
    // an instance of this copy's classes.
    const foreign = Object.create(Error.prototype) as Error;
    Object.defineProperty(foreign, Symbol.for('@aekit/core.error'), { value: true });
    Object.defineProperty(foreign, Symbol.for('@aekit/core.error.invalid-argument'), {
      value: true,
    });
    expect(foreign instanceof InvalidArgumentError).toBe(false);
    expect(InvalidArgumentError.isInstance(foreign)).toBe(true);
    expect(AekitError.isInstance(new Error('plain'))).toBe(false);
    expect(AekitError.isInstance(null)).toBe(false);
    expect(AekitError.isInstance('AekitError')).toBe(false);
  });

  it('keeps the cause', () => {
    const cause = new Error('disk full');
    expect(new AekitError('saving failed', { cause }).cause).toBe(cause);
  });
});
