import { describe, expect, it } from 'vitest';
import {
  inverse as inverseReference,
  logDet,
  type Matrix,
  randomSpd,
  solveVector,
  uniforms,
} from './__fixtures__/float64';
import {
  cholesky,
  inverseFromCholesky,
  logDetFromCholesky,
  quadraticFormOfInverse,
  solveCholesky,
  squaredNormOfSolve,
} from './cholesky';

const flat = (m: Matrix) => Float64Array.from(m.flat());
const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));

function factorOf(a: Matrix): Float64Array {
  const result = cholesky(flat(a), a.length);
  if (!result.ok) throw new Error('not positive definite');
  return result.factor;
}

describe('float64 Cholesky helpers', () => {
  it('factor A = L Lᵀ with L lower triangular, for k up to 64 and condition 1e6', () => {
    for (const [k, condition] of [
      [1, 1],
      [4, 10],
      [64, 1e6],
    ] as const) {
      const a = randomSpd(k, k, condition);
      const factor = factorOf(a);
      let worst = 0;
      for (let i = 0; i < k; i += 1) {
        for (let j = 0; j < k; j += 1) {
          if (j > i) expect(factor[i * k + j]).toBe(0);
          let sum = 0;
          for (let p = 0; p < k; p += 1) sum += factor[i * k + p]! * factor[j * k + p]!;
          worst = Math.max(worst, Math.abs(sum - a[i]![j]!));
        }
      }
      expect(worst).toBeLessThan(1e-14);
      expect(logDetFromCholesky(factor, k)).toBeCloseTo(logDet(a), 9);
    }
  });

  it('solve, invert and form quadratic forms like an LU reference', () => {
    const k = 12;
    const a = randomSpd(k, 3, 1e4);
    const factor = factorOf(a);
    const v = uniforms(k, 4);
    const solved = solveCholesky(factor, k, Float64Array.from(v));
    const reference = solveVector(a, v);
    expect(maxAbs(solved.map((x, i) => x - reference[i]!))).toBeLessThan(1e-9 * maxAbs(reference));
    const quadratic = v.reduce((sum, x, i) => sum + x * reference[i]!, 0);
    expect(quadraticFormOfInverse(factor, k, Float64Array.from(v))).toBeCloseTo(quadratic, 6);
    const inverse = inverseFromCholesky(factor, k);
    const inverseLu = flat(inverseReference(a));
    expect(maxAbs(inverse.map((x, i) => x - inverseLu[i]!))).toBeLessThan(1e-9 * maxAbs(inverseLu));
    // ‖L⁻¹B‖²_F = tr(A⁻¹ B Bᵀ); with B = L it is k.
    expect(squaredNormOfSolve(factor, k, factor)).toBeCloseTo(k, 10);
  });

  it('report the row and pivot where a matrix is not positive definite', () => {
    expect(cholesky(Float64Array.from([4, 2, 2, 1]), 2)).toEqual({ ok: false, row: 1, pivot: 0 });
    expect(cholesky(Float64Array.from([-1]), 1)).toEqual({ ok: false, row: 0, pivot: -1 });
    const nan = cholesky(Float64Array.from([1, 0, 0, Number.NaN]), 2);
    expect(nan.ok).toBe(false);
  });
});
