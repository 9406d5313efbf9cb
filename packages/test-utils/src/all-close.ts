import type { Tensor } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Numbers to compare: a tensor, a number, a flat or nested array, or a typed array. */
export type Numeric = Tensor | number | ArrayLike<number> | readonly Numeric[];

/** `|actual − expected| ≤ atol + rtol·|expected|`, element-wise. */
export interface Tolerance {
  /** Relative tolerance. Default 1e-5 (float32 element-wise). */
  readonly rtol?: number;
  /** Absolute tolerance. Default 1e-6. */
  readonly atol?: number;
}

interface Flat {
  readonly values: number[];
  readonly shape: number[] | null;
}

function isTensor(value: unknown): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Tensor).dataSync === 'function' &&
    Array.isArray((value as Tensor).shape)
  );
}

function flatten(value: Numeric, role: string): Flat {
  if (typeof value === 'number') return { values: [value], shape: [] };
  if (isTensor(value)) {
    return { values: Array.from(value.dataSync() as ArrayLike<number>), shape: [...value.shape] };
  }
  if (Array.isArray(value)) {
    const parts = value.map((item: Numeric) => flatten(item, role));
    const first = parts[0];
    const nestedShape =
      first?.shape != null && parts.every((part) => sameShape(part.shape, first.shape))
        ? [parts.length, ...first.shape]
        : null;
    return { values: parts.flatMap((part) => part.values), shape: nestedShape };
  }
  if (typeof (value as ArrayLike<number>).length === 'number') {
    const values = Array.from(value as ArrayLike<number>);
    return { values, shape: [values.length] };
  }
  throw new TypeError(`expectAllClose: '${role}' must be numeric, got ${String(value)}.`);
}

function sameShape(a: readonly number[] | null, b: readonly number[] | null): boolean {
  return a !== null && b !== null && a.length === b.length && a.every((size, i) => size === b[i]);
}

function close(actual: number, expected: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/**
 * Asserts `|actual − expected| ≤ atol + rtol·|expected|` element-wise (NaN matches only NaN,
 * ±Infinity only itself). Shapes must agree when both sides carry one (tensors, nested arrays);
 * a scalar `expected` is compared against every element. The failure message names the count
 * of mismatches and the worst one.
 */
export function expectAllClose(
  actual: Numeric,
  expected: Numeric,
  tolerance: Tolerance = {},
): void {
  const { rtol = 1e-5, atol = 1e-6 } = tolerance;
  const a = flatten(actual, 'actual');
  const e = flatten(expected, 'expected');
  const broadcastScalar = e.values.length === 1 && e.shape?.length === 0;
  if (!broadcastScalar) {
    if (a.shape !== null && e.shape !== null && !sameShape(a.shape, e.shape)) {
      expect.fail(
        `expectAllClose: shapes differ: actual [${a.shape.join(', ')}], expected [${e.shape.join(', ')}].`,
      );
    }
    if (a.values.length !== e.values.length) {
      expect.fail(
        `expectAllClose: sizes differ: actual has ${a.values.length} values, expected ${e.values.length}.`,
      );
    }
  }
  let mismatches = 0;
  let worstIndex = -1;
  let worstExcess = -Infinity;
  a.values.forEach((value, index) => {
    const target = broadcastScalar ? e.values[0]! : e.values[index]!;
    if (!close(value, target, rtol, atol)) {
      mismatches += 1;
      const excess = Number.isFinite(value - target)
        ? Math.abs(value - target) - (atol + rtol * Math.abs(target))
        : Infinity;
      if (excess > worstExcess || worstIndex < 0) {
        worstExcess = excess;
        worstIndex = index;
      }
    }
  });
  if (mismatches > 0) {
    const target = broadcastScalar ? e.values[0]! : e.values[worstIndex]!;
    expect.fail(
      `expectAllClose: ${mismatches} of ${a.values.length} values differ beyond atol ${atol} + rtol ${rtol}·|expected|; ` +
        `worst at flat index ${worstIndex}: actual ${a.values[worstIndex]}, expected ${target}, ` +
        `|difference| ${Math.abs(a.values[worstIndex]! - target)}.`,
    );
  }
}
