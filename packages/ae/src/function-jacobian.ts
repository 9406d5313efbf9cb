import {
  checkInteger,
  checkSeed,
  checkTensor,
  createRng,
  InvalidArgumentError,
  randomNormalTensor,
  ShapeMismatchError,
} from '@aekit/core';
import {
  add,
  div,
  engine,
  mul,
  reshape,
  type Scalar,
  slice,
  square,
  sum,
  type Tensor1D,
  type Tensor2D,
  tensor2d,
  tidy,
  tile,
  zeros,
} from '@tensorflow/tfjs-core';
import { installSecondOrderGradients } from './second-order-gradients';

/** How many rows one backward pass handles: (directions in the pass) × batch. */
const ROWS_PER_PASS = 8192;

/** Options of `functionJacobianFrobeniusSquaredEstimate`. */
export interface JacobianEstimateOptions {
  /** P ≥ 1, the number of random directions per example. */
  readonly projections: number;
  /** Seed of the directions u ~ N(0, I), an integer in [0, 2³²): the same seed, the same draws. */
  readonly seed: number;
}

/** `[count·batch, outDim]` directions for copies `start … start + count − 1` of the batch. */
type Directions = (start: number, count: number, outDim: number) => Tensor2D;

function checkArguments(functionName: string, f: unknown, x: unknown): Tensor2D {
  if (typeof f !== 'function') {
    throw new InvalidArgumentError({ functionName, argument: 'f', rule: 'a function', value: f });
  }
  return checkTensor<Tensor2D>(functionName, 'x', x, { rank: 2, dtype: 'float32' });
}

/**
 * Σ_c ‖Jᵀ(x_b) u_{c,b}‖² per example b, over `copies` copies of the batch with directions
 * u_{c,b} (row c·batch + b of `directions`). x is tiled once per copy (in passes of about 8,192
 * rows), f runs once on the tiled batch X, and one backward pass of the scalar ⟨f(X), U⟩ gives
 * every Jᵀu together: rows of f are independent, so row c·batch + b of ∂⟨f(X), U⟩/∂X is
 * Jᵀ(x_b) u_{c,b}. The backward pass is recorded on the caller's gradient tape, so the result is
 * differentiable in every variable f reads (a gradient of a gradient).
 */
function sumOfSquaredProducts(
  functionName: string,
  f: (x: Tensor2D) => Tensor2D,
  x: Tensor2D,
  copies: number,
  directions: Directions,
): Tensor1D {
  const [batch, inDim] = x.shape;
  installSecondOrderGradients();
  return tidy(() => {
    if (batch === 0 || inDim === 0) return zeros([batch]) as Tensor1D;
    const perPass = Math.max(1, Math.floor(ROWS_PER_PASS / batch));
    let total = zeros([batch]) as Tensor1D;
    for (let start = 0; start < copies; start += perPass) {
      const count = Math.min(perPass, copies - start);
      const tiled = count === 1 ? x : (tile(x, [count, 1]) as Tensor2D);
      // allowNoGradients: a constant f has a zero Jacobian, not an error.
      const { grads } = engine().gradients(
        () => {
          const y = f(tiled);
          if (y.rank !== 2 || y.shape[0] !== count * batch) {
            throw new ShapeMismatchError({
              functionName,
              argument: 'f(x)',
              expected: `shape [${count * batch}, *] for ${count} stacked copies of the batch (f must map rows independently)`,
              actual: y.shape,
            });
          }
          return sum(mul(y, directions(start, count, y.shape[1]!))) as Scalar;
        },
        [tiled],
        undefined,
        true,
      );
      const rows = grads[0] ?? zeros(tiled.shape);
      const perCopy = sum(reshape(square(rows), [count, batch, inDim]), [0, 2]) as Tensor1D;
      total = add(total, perCopy) as Tensor1D;
    }
    return total;
  });
}

/**
 * ‖J_f(x_b)‖²_F = Σ_ij (∂f_i/∂x_j)² per example, exactly, for any encoder f `[batch, inputDim]
 * → [batch, outDim]` that maps rows independently (dense, convolutional, a registered network
 * and its code layer): Σ_{i < outDim} ‖Jᵀ e_i‖², one vector–Jacobian product per output unit
 * e_i, all of a pass in one backward pass of f on x tiled outDim times. Cost: outDim backward
 * passes' worth of work (and memory for outDim copies of the batch, in passes of about 8,192
 * rows).
 *
 * Differentiable in every variable f reads (the backward pass runs under the caller's gradient
 * tape): train with it inside `variableGrads`. For a fully connected `Mlp`,
 * `encoderJacobianFrobeniusSquared` gives the same value by a closed form, faster.
 * @param f the encoder; it may be called several times and its tensors are freed.
 * @param x `[batch, inputDim]`, float32.
 * @returns `[batch]`. The input is not disposed.
 */
export function functionJacobianFrobeniusSquared(
  f: (x: Tensor2D) => Tensor2D,
  x: Tensor2D,
): Tensor1D {
  const name = 'functionJacobianFrobeniusSquared';
  const input = checkArguments(name, f, x);
  const batch = input.shape[0];
  return tidy(() => {
    // f's width is known once it has run: unit 0 goes first, alone, then the others.
    const seen = { outDim: 0 };
    // Copy c of the batch selects output unit `offset + start + c`.
    const oneHot =
      (offset: number): Directions =>
      (start, count, outDim) => {
        seen.outDim = outDim;
        const values = new Float32Array(count * batch * outDim);
        for (let c = 0; c < count; c += 1) {
          const unit = offset + start + c;
          for (let b = 0; b < batch; b += 1) values[(c * batch + b) * outDim + unit] = 1;
        }
        return tensor2d(values, [count * batch, outDim]);
      };
    const first = sumOfSquaredProducts(name, f, input, 1, oneHot(0));
    if (seen.outDim <= 1) return first;
    const rest = sumOfSquaredProducts(name, f, input, seen.outDim - 1, oneHot(1));
    return add(first, rest) as Tensor1D;
  });
}

/**
 * An unbiased estimate of ‖J_f(x_b)‖²_F per example (Hutchinson's): (1/P) Σ_p ‖Jᵀ u_{p,b}‖²
 * with independent u_{p,b} ~ N(0, I_outDim), since E‖Jᵀu‖² = tr(J E[uuᵀ] Jᵀ) = ‖J‖²_F. Its
 * variance per example is 2‖JJᵀ‖²_F / P. Cost: P vector–Jacobian products (one backward pass
 * of f on x tiled P times), whatever the code width. The draws come from `options.seed` in
 * JavaScript, the same on every backend.
 *
 * Differentiable in every variable f reads, like `functionJacobianFrobeniusSquared`.
 * @param f the encoder `[batch, inputDim] → [batch, outDim]`, mapping rows independently.
 * @param x `[batch, inputDim]`, float32.
 * @returns `[batch]`. The input is not disposed.
 */
export function functionJacobianFrobeniusSquaredEstimate(
  f: (x: Tensor2D) => Tensor2D,
  x: Tensor2D,
  options: JacobianEstimateOptions,
): Tensor1D {
  const name = 'functionJacobianFrobeniusSquaredEstimate';
  const input = checkArguments(name, f, x);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      functionName: name,
      argument: 'options',
      rule: 'an object { projections, seed }',
      value: options,
    });
  }
  const projections = checkInteger(name, 'options.projections', options.projections, { min: 1 });
  const seed = checkSeed(name, 'options.seed', options.seed);
  const batch = input.shape[0];
  return tidy(() => {
    let drawn: Tensor2D | null = null;
    const gaussian: Directions = (start, count, outDim) => {
      drawn ??= randomNormalTensor([projections * batch, outDim], createRng(seed)) as Tensor2D;
      return slice(drawn, [start * batch, 0], [count * batch, outDim]);
    };
    const total = sumOfSquaredProducts(name, f, input, projections, gaussian);
    return div(total, projections) as Tensor1D;
  });
}
