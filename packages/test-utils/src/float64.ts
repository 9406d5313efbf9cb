import { tensor, tidy, type Variable } from '@tensorflow/tfjs-core';

/**
 * Float64 references for network tests, written from the textbook formulas with plain
 * JavaScript numbers and independent of any library code: a seeded stream of numbers, dense
 * layers, activations, and central finite differences. Matrices are arrays of rows.
 */

export type Matrix = number[][];

/** A deterministic pseudo-random stream in [0, 1) (mulberry32), independent of the library's Rng. */
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

/** `count` values uniform in [low, high), rounded to float32 (as a tensor stores them). */
export function uniforms(count: number, seed: number, low = -1, high = 1): number[] {
  const next = stream(seed);
  return Array.from({ length: count }, () => Math.fround(low + (high - low) * next()));
}

/** A `[rows][cols]` matrix of float32-rounded uniforms in [low, high). */
export function uniformMatrix(
  rows: number,
  cols: number,
  seed: number,
  low = -1,
  high = 1,
): Matrix {
  const values = uniforms(rows * cols, seed, low, high);
  return Array.from({ length: rows }, (_, row) => values.slice(row * cols, (row + 1) * cols));
}

/** The activations of the references, by the names @aekit/layers uses. */
export type Activation64 =
  | 'sigmoid'
  | 'relu'
  | 'tanh'
  | 'softplus'
  | 'leakyRelu'
  | 'elu'
  | 'linear';

/** σ(a) in float64, stable on both sides. */
export function sigmoid64(a: number): number {
  return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
}

/** ln(1 + eᵃ) in float64, stable on both sides. */
export function softplus64(a: number): number {
  return a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
}

/** An activation in float64 (leakyRelu with slope 0.2, elu with α = 1, as in @aekit/layers). */
export function activate64(a: number, activation: Activation64): number {
  switch (activation) {
    case 'sigmoid':
      return sigmoid64(a);
    case 'relu':
      return Math.max(a, 0);
    case 'tanh':
      return Math.tanh(a);
    case 'softplus':
      return softplus64(a);
    case 'leakyRelu':
      return a >= 0 ? a : 0.2 * a;
    case 'elu':
      return a > 0 ? a : Math.expm1(a);
    case 'linear':
      return a;
  }
}

/** A dense layer in float64: `W` is `[inDim][outDim]` (or `[outDim][inDim]` when `transposed`). */
export interface Dense64 {
  readonly W: Matrix;
  readonly b: readonly number[];
  readonly activation: Activation64;
  /** Use `W` transposed (a tied decoder layer). Default false. */
  readonly transposed?: boolean;
}

/** Pre-activations `x·W + b` of one layer for one row. */
export function preActivation64(x: readonly number[], layer: Dense64): number[] {
  return layer.b.map((bias, j) =>
    x.reduce(
      (sum, value, i) => sum + value * (layer.transposed ? layer.W[j]![i]! : layer.W[i]![j]!),
      bias,
    ),
  );
}

/** The derivative σ'(a) of an activation in float64 (relu: 0 at a = 0). */
export function derivative64(a: number, activation: Activation64): number {
  switch (activation) {
    case 'sigmoid': {
      const h = sigmoid64(a);
      return h * (1 - h);
    }
    case 'relu':
      return a > 0 ? 1 : 0;
    case 'tanh':
      return 1 - Math.tanh(a) ** 2;
    case 'softplus':
      return sigmoid64(a);
    case 'leakyRelu':
      return a >= 0 ? 1 : 0.2;
    case 'elu':
      return a > 0 ? 1 : Math.exp(a);
    case 'linear':
      return 1;
  }
}

/**
 * The Jacobian `[outDim][inDim]` of a stack of dense layers at one row by the chain rule,
 * J = D_L W_Lᵀ ⋯ D_1 W_1ᵀ with D_l = diag(σ_l'(a_l)), accumulated from the input side.
 */
export function jacobian64(x: readonly number[], layers: readonly Dense64[]): Matrix {
  let h = [...x];
  // J starts as the identity [inDim][inDim].
  let product: Matrix = x.map((_, i) => x.map((__, j) => (i === j ? 1 : 0)));
  for (const layer of layers) {
    const a = preActivation64(h, layer);
    const weight = (i: number, j: number) => (layer.transposed ? layer.W[j]![i]! : layer.W[i]![j]!);
    product = a.map((value, out) => {
      const slope = derivative64(value, layer.activation);
      return x.map((_, column) =>
        product.reduce((sum, row, i) => sum + slope * weight(i, out) * row[column]!, 0),
      );
    });
    h = a.map((value) => activate64(value, layer.activation));
  }
  return product;
}

/** Σ_ij m_ij², the squared Frobenius norm. */
export function frobeniusSquared64(m: Matrix): number {
  return m.reduce((sum, row) => sum + row.reduce((rowSum, value) => rowSum + value * value, 0), 0);
}

/** A stack of dense layers applied to one row. */
export function forward64(x: readonly number[], layers: readonly Dense64[]): number[] {
  return layers.reduce<number[]>(
    (h, layer) => preActivation64(h, layer).map((a) => activate64(a, layer.activation)),
    [...x],
  );
}

/** The Jacobian `[outDim][inDim]` of `f` at `x` by central differences with step `h`. */
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
    const up = f(plus);
    const down = f(minus);
    return up.map((value, i) => (value - down[i]!) / (2 * h));
  });
  return columns[0]!.map((_, i) => columns.map((column) => column[i]!));
}

/** The derivative of a scalar function of one number by central differences. */
export function finiteDifference(f: (value: number) => number, value: number, h = 1e-6): number {
  return (f(value + h) - f(value - h)) / (2 * h);
}

/** A variable's values as float64 numbers: a matrix for rank 2, a list for rank 1. */
export type Values64 = Matrix | number[];

/**
 * Overwrites every variable with float32-rounded uniforms in [−scale, scale) (variable i uses
 * seed `seed + i`), and returns the values written, by name, as float64 numbers: the fixed
 * network of a reference test.
 */
export function setVariables64(
  variables: Readonly<Record<string, Variable>>,
  seed: number,
  scale = 1,
): Record<string, Values64> {
  const written: Record<string, Values64> = {};
  Object.entries(variables).forEach(([name, variable], index) => {
    const values = uniforms(variable.size, seed + index, -scale, scale);
    tidy(() => variable.assign(tensor(values, variable.shape, 'float32')));
    if (variable.rank === 2) {
      const cols = variable.shape[1]!;
      written[name] = Array.from({ length: variable.shape[0]! }, (_, row) =>
        values.slice(row * cols, (row + 1) * cols),
      );
    } else {
      written[name] = values;
    }
  });
  return written;
}
