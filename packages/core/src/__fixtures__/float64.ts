/**
 * Float64 references for the tests, written from the formulas and independent of the
 * implementation: dense LU with partial pivoting (solves, inverses, log-determinants), a
 * row-oriented Cholesky–Banachiewicz for drawing correlated samples, and matrix helpers.
 * Matrices are arrays of rows.
 */

export type Matrix = number[][];

export const f32 = Math.fround;

/** Rounds every entry to float32, as a tensor would store it. */
export function roundMatrix(a: Matrix): Matrix {
  return a.map((row) => row.map(f32));
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  return a.map((row) =>
    b[0]!.map((_, j) => row.reduce((sum, value, p) => sum + value * b[p]![j]!, 0)),
  );
}

export function transposeMatrix(a: Matrix): Matrix {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

export function identity(k: number): Matrix {
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)),
  );
}

interface Lu {
  readonly lu: Matrix;
  readonly permutation: number[];
  readonly sign: number;
}

/** PA = LU with partial pivoting (Doolittle, L unit lower, stored together with U). */
export function luDecompose(a: Matrix): Lu {
  const k = a.length;
  const lu = a.map((row) => [...row]);
  const permutation = Array.from({ length: k }, (_, i) => i);
  let sign = 1;
  for (let col = 0; col < k; col += 1) {
    let pivotRow = col;
    for (let row = col + 1; row < k; row += 1) {
      if (Math.abs(lu[row]![col]!) > Math.abs(lu[pivotRow]![col]!)) pivotRow = row;
    }
    if (pivotRow !== col) {
      [lu[col], lu[pivotRow]] = [lu[pivotRow]!, lu[col]!];
      [permutation[col], permutation[pivotRow]] = [permutation[pivotRow]!, permutation[col]!];
      sign = -sign;
    }
    const pivot = lu[col]![col]!;
    if (pivot === 0) throw new Error('luDecompose: singular matrix');
    for (let row = col + 1; row < k; row += 1) {
      const factor = lu[row]![col]! / pivot;
      lu[row]![col] = factor;
      for (let j = col + 1; j < k; j += 1) lu[row]![j]! -= factor * lu[col]![j]!;
    }
  }
  return { lu, permutation, sign };
}

/** Solves A X = B for a matrix B (columns solved together). */
export function luSolve(a: Matrix, b: Matrix): Matrix {
  const { lu, permutation } = luDecompose(a);
  const k = a.length;
  const x = permutation.map((p) => [...b[p]!]);
  const columns = b[0]!.length;
  for (let i = 0; i < k; i += 1) {
    for (let p = 0; p < i; p += 1) {
      for (let c = 0; c < columns; c += 1) x[i]![c]! -= lu[i]![p]! * x[p]![c]!;
    }
  }
  for (let i = k - 1; i >= 0; i -= 1) {
    for (let p = i + 1; p < k; p += 1) {
      for (let c = 0; c < columns; c += 1) x[i]![c]! -= lu[i]![p]! * x[p]![c]!;
    }
    for (let c = 0; c < columns; c += 1) x[i]![c]! /= lu[i]![i]!;
  }
  return x;
}

export function solveVector(a: Matrix, b: readonly number[]): number[] {
  return luSolve(
    a,
    b.map((value) => [value]),
  ).map((row) => row[0]!);
}

export function inverse(a: Matrix): Matrix {
  return luSolve(a, identity(a.length));
}

/** ln |det A| from the LU diagonal (the sign is checked positive for covariances). */
export function logDet(a: Matrix): number {
  const { lu, sign } = luDecompose(a);
  let total = 0;
  let negatives = sign < 0 ? 1 : 0;
  lu.forEach((row, i) => {
    total += Math.log(Math.abs(row[i]!));
    if (row[i]! < 0) negatives += 1;
  });
  if (negatives % 2 === 1) throw new Error('logDet: negative determinant');
  return total;
}

export function trace(a: Matrix): number {
  return a.reduce((sum, row, i) => sum + row[i]!, 0);
}

/** Cholesky–Banachiewicz (row by row), for drawing samples z = μ + L ε. */
export function choleskyRows(a: Matrix): Matrix {
  const k = a.length;
  const l: Matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = 0;
      for (let p = 0; p < j; p += 1) sum += l[i]![p]! * l[j]![p]!;
      l[i]![j] = i === j ? Math.sqrt(a[i]![i]! - sum) : (a[i]![j]! - sum) / l[j]![j]!;
    }
  }
  return l;
}

/** KL(N(μ0, Σ0) ‖ N(μ1, Σ1)) from the textbook formula, with LU solves and determinants. */
export function klGaussiansReference(mu0: number[], cov0: Matrix, mu1: number[], cov1: Matrix) {
  const k = mu0.length;
  const delta = mu1.map((value, i) => value - mu0[i]!);
  const solved = solveVector(cov1, delta);
  const mahalanobis = delta.reduce((sum, value, i) => sum + value * solved[i]!, 0);
  return 0.5 * (trace(luSolve(cov1, cov0)) + mahalanobis - k + logDet(cov1) - logDet(cov0));
}

/** −ln ∫ √(pq) for two Gaussians, from the textbook formula. */
export function bhattacharyyaReference(mu0: number[], cov0: Matrix, mu1: number[], cov1: Matrix) {
  const average = cov0.map((row, i) => row.map((value, j) => (value + cov1[i]![j]!) / 2));
  const delta = mu1.map((value, i) => value - mu0[i]!);
  const solved = solveVector(average, delta);
  const mahalanobis = delta.reduce((sum, value, i) => sum + value * solved[i]!, 0);
  return mahalanobis / 8 + 0.5 * (logDet(average) - 0.5 * (logDet(cov0) + logDet(cov1)));
}

/** A deterministic pseudo-random stream (mulberry32), independent of the library's Rng. */
export function stream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [low, high). */
export function uniforms(count: number, seed: number, low = -1, high = 1): number[] {
  const next = stream(seed);
  return Array.from({ length: count }, () => low + (high - low) * next());
}

/**
 * A symmetric positive definite k × k matrix with eigenvalues spread geometrically from
 * `largest` down to `largest / condition`, in a random orthonormal basis (Gram–Schmidt),
 * rounded to float32 and exactly symmetric.
 */
export function randomSpd(k: number, seed: number, condition = 10, largest = 1): Matrix {
  const next = stream(seed);
  const basis: number[][] = [];
  while (basis.length < k) {
    const v = Array.from({ length: k }, () => next() - 0.5);
    for (const u of basis) {
      const dot = v.reduce((sum, value, i) => sum + value * u[i]!, 0);
      for (let i = 0; i < k; i += 1) v[i]! -= dot * u[i]!;
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-3) basis.push(v.map((value) => value / norm));
  }
  const eigen = Array.from({ length: k }, (_, i) =>
    k === 1 ? largest : largest * condition ** (-i / (k - 1)),
  );
  const a: Matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = 0;
      for (let p = 0; p < k; p += 1) sum += basis[p]![i]! * eigen[p]! * basis[p]![j]!;
      a[i]![j] = f32(sum);
      a[j]![i] = f32(sum);
    }
  }
  return a;
}

/** A dense layer in float64: W is [inDim][outDim], b is [outDim]. */
export interface Layer64 {
  readonly W: Matrix;
  readonly b: number[];
  readonly activation: 'sigmoid' | 'tanh' | 'relu' | 'softplus' | 'linear';
}

const sigmoid = (a: number) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a)));

export function activate64(a: number, activation: Layer64['activation']): number {
  switch (activation) {
    case 'sigmoid':
      return sigmoid(a);
    case 'tanh':
      return Math.tanh(a);
    case 'relu':
      return Math.max(a, 0);
    case 'softplus':
      return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
    case 'linear':
      return a;
  }
}

/** Pre-activations of one layer for one input row. */
export function preActivations(x: readonly number[], layer: Layer64): number[] {
  return layer.b.map((bias, j) => x.reduce((sum, value, i) => sum + value * layer.W[i]![j]!, bias));
}

/** The network's output for one input row. */
export function forward64(x: readonly number[], layers: readonly Layer64[]): number[] {
  return layers.reduce<number[]>(
    (h, layer) => preActivations(h, layer).map((a) => activate64(a, layer.activation)),
    [...x],
  );
}

/** The Jacobian [outDim][inDim] of one row by central differences (step h). */
export function finiteDifferenceJacobian(
  f: (x: number[]) => number[],
  x: readonly number[],
  h = 1e-6,
): Matrix {
  const columns = x.map((_, j) => {
    const plus = [...x];
    const minus = [...x];
    plus[j]! += h;
    minus[j]! -= h;
    const [fp, fm] = [f(plus), f(minus)];
    return fp.map((value, i) => (value - fm[i]!) / (2 * h));
  });
  return transposeMatrix(columns);
}

export function frobeniusSquared(m: Matrix): number {
  return m.flat().reduce((sum, value) => sum + value * value, 0);
}

/**
 * ‖J‖²_F of one row by the chain rule in float64, with derivatives taken by central
 * differences of each scalar activation (not from the closed-form derivatives).
 */
export function chainRuleFrobenius(x: readonly number[], layers: readonly Layer64[]): number {
  let jacobian: Matrix = identity(x.length);
  let h = [...x];
  for (const layer of layers) {
    const a = preActivations(h, layer);
    const step = 1e-6;
    const slope = a.map(
      (value) =>
        (activate64(value + step, layer.activation) - activate64(value - step, layer.activation)) /
        (2 * step),
    );
    // J ← diag(σ') Wᵀ J
    jacobian = matmul(
      transposeMatrix(layer.W).map((row, j) => row.map((w) => slope[j]! * w)),
      jacobian,
    );
    h = a.map((value) => activate64(value, layer.activation));
  }
  return frobeniusSquared(jacobian);
}

/** σ'(a) in float64 from the calculus of each activation. */
export function derivative64(a: number, activation: Layer64['activation']): number {
  switch (activation) {
    case 'sigmoid':
      return sigmoid(a) * (1 - sigmoid(a));
    case 'tanh':
      return 1 - Math.tanh(a) ** 2;
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'softplus':
      return sigmoid(a);
    case 'linear':
      return 1;
  }
}

/** Σ over rows of ‖J‖²_F by the chain rule with analytic σ' (smooth enough to difference). */
export function penalty64(xs: readonly (readonly number[])[], layers: readonly Layer64[]): number {
  let total = 0;
  for (const x of xs) {
    let jacobian: Matrix = identity(x.length);
    let h = [...x];
    for (const layer of layers) {
      const a = preActivations(h, layer);
      jacobian = matmul(
        transposeMatrix(layer.W).map((row, j) =>
          row.map((w) => derivative64(a[j]!, layer.activation) * w),
        ),
        jacobian,
      );
      h = a.map((value) => activate64(value, layer.activation));
    }
    total += frobeniusSquared(jacobian);
  }
  return total;
}
