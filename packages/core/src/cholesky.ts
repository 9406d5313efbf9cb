import type { Tensor } from '@tensorflow/tfjs-core';
import { InvalidArgumentError } from './errors';

/**
 * Dense symmetric positive definite linear algebra in float64 on the host, for the full-
 * covariance Gaussian divergences (`klMultivariateGaussians`, `bhattacharyyaGaussians`).
 *
 * Why the host and not tfjs ops: tfjs-core has no Cholesky or triangular-solve kernel, so on
 * tensors the factorisation would be k dependent steps of small float32 ops. And float32 is not
 * enough: the KL adds tr(Σ₁⁻¹Σ₀) − k and ln det Σ₁ − ln det Σ₀, terms of size k that cancel when
 * the distributions are close, so rounding errors of about k·6e−8 land on a small result. For
 * k = 64 and two covariances 1% apart (KL ≈ 1.6e−3), a float32 Cholesky computes the KL with a
 * relative error of about 1e−3 (measured, whether the condition number is 10² or 10⁴); in
 * float64 the error is below float32's own rounding of the result. The matrices are small
 * (k³/3 ≈ 90,000 multiply-adds for k = 64: well under a millisecond). The price is a synchronous
 * read of the inputs (`dataSync`), which the functions document, and gradients given in closed
 * form (also computed in float64) rather than by autodiff.
 *
 * Matrices are row-major `Float64Array`s of k × k entries. Only the lower triangle of a factor
 * is meaningful; its upper triangle is zero.
 */

/** The Cholesky factor L (lower triangular) of A = L Lᵀ, or where the factorisation broke down. */
export type CholeskyResult =
  | { readonly ok: true; readonly factor: Float64Array }
  | { readonly ok: false; readonly row: number; readonly pivot: number };

/** Cholesky–Crout factorisation of the symmetric matrix `a` (k × k); reads the lower triangle. */
export function cholesky(a: Float64Array, k: number): CholeskyResult {
  const factor = new Float64Array(k * k);
  for (let j = 0; j < k; j += 1) {
    let pivot = a[j * k + j]!;
    for (let p = 0; p < j; p += 1) pivot -= factor[j * k + p]! ** 2;
    if (!(pivot > 0) || !Number.isFinite(pivot)) return { ok: false, row: j, pivot };
    const diagonal = Math.sqrt(pivot);
    factor[j * k + j] = diagonal;
    for (let i = j + 1; i < k; i += 1) {
      let sum = a[i * k + j]!;
      for (let p = 0; p < j; p += 1) sum -= factor[i * k + p]! * factor[j * k + p]!;
      factor[i * k + j] = sum / diagonal;
    }
  }
  return { ok: true, factor };
}

/** ln det A = 2 Σ ln L_ii for A = L Lᵀ. */
export function logDetFromCholesky(factor: Float64Array, k: number): number {
  let sum = 0;
  for (let i = 0; i < k; i += 1) sum += Math.log(factor[i * k + i]!);
  return 2 * sum;
}

/** Solves L x = b by forward substitution, for a vector `b` of length k. */
export function solveLower(factor: Float64Array, k: number, b: Float64Array): Float64Array {
  const x = new Float64Array(k);
  for (let i = 0; i < k; i += 1) {
    let sum = b[i]!;
    for (let p = 0; p < i; p += 1) sum -= factor[i * k + p]! * x[p]!;
    x[i] = sum / factor[i * k + i]!;
  }
  return x;
}

/** Solves Lᵀ x = b by back substitution, for a vector `b` of length k. */
export function solveUpperTransposed(
  factor: Float64Array,
  k: number,
  b: Float64Array,
): Float64Array {
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i -= 1) {
    let sum = b[i]!;
    for (let p = i + 1; p < k; p += 1) sum -= factor[p * k + i]! * x[p]!;
    x[i] = sum / factor[i * k + i]!;
  }
  return x;
}

/** ‖L⁻¹ B‖²_F for a k × k matrix B, solving column by column (never forming L⁻¹). */
export function squaredNormOfSolve(factor: Float64Array, k: number, b: Float64Array): number {
  let total = 0;
  const column = new Float64Array(k);
  for (let j = 0; j < k; j += 1) {
    for (let i = 0; i < k; i += 1) column[i] = b[i * k + j]!;
    const solved = solveLower(factor, k, column);
    for (let i = 0; i < k; i += 1) total += solved[i]! ** 2;
  }
  return total;
}

/** vᵀ A⁻¹ v = ‖L⁻¹ v‖² for A = L Lᵀ. */
export function quadraticFormOfInverse(factor: Float64Array, k: number, v: Float64Array): number {
  const solved = solveLower(factor, k, v);
  let total = 0;
  for (let i = 0; i < k; i += 1) total += solved[i]! ** 2;
  return total;
}

/** A⁻¹ v for A = L Lᵀ, by two triangular solves. */
export function solveCholesky(factor: Float64Array, k: number, v: Float64Array): Float64Array {
  return solveUpperTransposed(factor, k, solveLower(factor, k, v));
}

/**
 * A⁻¹ for A = L Lᵀ, as L⁻ᵀ L⁻¹ (symmetric by construction). Used only by gradients, whose
 * closed forms are themselves inverses; the divergences' values never form one.
 */
export function inverseFromCholesky(factor: Float64Array, k: number): Float64Array {
  // Columns of L⁻¹, by forward substitution on the unit vectors.
  const lowerInverse = new Float64Array(k * k);
  const unit = new Float64Array(k);
  for (let j = 0; j < k; j += 1) {
    unit.fill(0);
    unit[j] = 1;
    const column = solveLower(factor, k, unit);
    for (let i = 0; i < k; i += 1) lowerInverse[i * k + j] = column[i]!;
  }
  // (L⁻ᵀ L⁻¹)_ij = Σ_p (L⁻¹)_pi (L⁻¹)_pj; L⁻¹ is lower triangular, so p ≥ max(i, j).
  const inverse = new Float64Array(k * k);
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = 0;
      for (let p = i; p < k; p += 1) sum += lowerInverse[p * k + i]! * lowerInverse[p * k + j]!;
      inverse[i * k + j] = sum;
      inverse[j * k + i] = sum;
    }
  }
  return inverse;
}

/**
 * Reads a covariance tensor `[k, k]` to float64, checks that it is finite, symmetric (to float32
 * rounding) and positive definite, and returns its symmetrised entries and Cholesky factor.
 * Every failure is an `InvalidArgumentError` naming the function and argument.
 */
export function readSpdMatrix(
  functionName: string,
  argument: string,
  tensor: Tensor,
): { readonly matrix: Float64Array; readonly factor: Float64Array } {
  const k = tensor.shape[0]!;
  const data = tensor.dataSync() as Float32Array;
  const rule = 'a symmetric positive definite matrix';
  const fail = (hint: string): never => {
    throw new InvalidArgumentError({ functionName, argument, rule, value: tensor, hint });
  };
  const matrix = new Float64Array(k * k);
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      const lower = data[i * k + j]!;
      const upper = data[j * k + i]!;
      if (!Number.isFinite(lower)) fail(`Entry [${i}, ${j}] is ${lower}.`);
      if (!Number.isFinite(upper)) fail(`Entry [${j}, ${i}] is ${upper}.`);
      // Symmetric up to float32 rounding of the same sum computed in two orders.
      const scale = Math.max(
        Math.abs(lower),
        Math.abs(upper),
        Math.sqrt(Math.abs(data[i * k + i]! * data[j * k + j]!)),
      );
      if (Math.abs(lower - upper) > 1e-5 * scale) {
        fail(`It is not symmetric: entry [${i}, ${j}] is ${lower} but [${j}, ${i}] is ${upper}.`);
      }
      const mean = (lower + upper) / 2;
      matrix[i * k + j] = mean;
      matrix[j * k + i] = mean;
    }
  }
  const result = cholesky(matrix, k);
  if (!result.ok) {
    fail(
      `Its Cholesky factorisation breaks down at row ${result.row}: the pivot is ${result.pivot}, not > 0.`,
    );
  }
  return { matrix, factor: (result as { factor: Float64Array }).factor };
}
