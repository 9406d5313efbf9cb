import {
  concat,
  engine,
  reshape,
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  tensor2d,
  tidy,
  tile,
  transpose,
  zeros,
} from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { checkFloatTensor } from './math-checks';

/** How many rows one backward pass handles: (output units in the chunk) × batch. */
const ROWS_PER_PASS = 8192;

/**
 * The Jacobian of a row-wise map, exactly, by reverse-mode autodiff:
 * J[b, i, j] = ∂f(x)[b, i] / ∂x[b, j].
 *
 * `f` must map `[batch, inDim]` to `[batch, outDim]` row by row — row b of the output depends
 * on row b of the input only, as for any stack of dense layers (not for batch normalisation in
 * training mode). That is what makes the method exact and cheap: x is tiled once per output
 * unit, f runs once on the tiled batch, and one backward pass with a one-hot upstream gradient
 * per copy yields every row of every Jacobian together (in chunks of about 8,192 rows).
 *
 * @param f the map; it may be called several times and its tensors are freed.
 * @param x `[batch, inDim]` points at which to differentiate.
 * @returns `[batch, outDim, inDim]`. The input is not disposed.
 */
export function jacobian(f: (x: Tensor2D) => Tensor, x: Tensor): Tensor3D {
  const name = 'jacobian';
  if (typeof f !== 'function') {
    throw new InvalidArgumentError({
      functionName: name,
      argument: 'f',
      rule: 'a function',
      value: f,
    });
  }
  const input = checkFloatTensor<Tensor2D>(name, 'x', x, 2);
  const [batch, inDim] = input.shape;
  return tidy(() => {
    const y = f(input);
    if (y.rank !== 2 || y.shape[0] !== batch) {
      throw new ShapeMismatchError({
        functionName: name,
        argument: 'f(x)',
        expected: `shape [${batch}, *] (one output row per input row)`,
        actual: y.shape,
      });
    }
    const outDim = y.shape[1]!;
    if (batch === 0 || outDim === 0 || inDim === 0)
      return zeros([batch, outDim, inDim]) as Tensor3D;
    const unitsPerPass = Math.max(1, Math.floor(ROWS_PER_PASS / batch));
    const blocks: Tensor[] = [];
    for (let start = 0; start < outDim; start += unitsPerPass) {
      const units = Math.min(unitsPerPass, outDim - start);
      // Copy u of the batch (rows u·batch … u·batch + batch − 1) selects output unit start + u.
      const tiled = tile(input, [units, 1]) as Tensor2D;
      const selector = new Float32Array(units * batch * outDim);
      for (let u = 0; u < units; u += 1) {
        for (let b = 0; b < batch; b += 1) selector[(u * batch + b) * outDim + start + u] = 1;
      }
      const dy = tensor2d(selector, [units * batch, outDim]);
      const rows = vectorJacobianProduct(f, tiled, dy);
      blocks.push(reshape(rows, [units, batch, inDim]));
    }
    const all = blocks.length === 1 ? blocks[0]! : concat(blocks, 0);
    return transpose(all, [1, 0, 2]) as Tensor3D;
  });
}

/** The vector–Jacobian product dyᵀ ∂f/∂x; zeros when f's output does not depend on x. */
function vectorJacobianProduct(f: (x: Tensor2D) => Tensor, x: Tensor2D, dy: Tensor2D): Tensor {
  // engine().gradients with allowNoGradients: a constant f has a zero Jacobian, not an error.
  const { grads } = engine().gradients(
    () => {
      const y = f(x);
      if (y.rank !== 2 || y.shape[0] !== dy.shape[0] || y.shape[1] !== dy.shape[1]) {
        throw new ShapeMismatchError({
          functionName: 'jacobian',
          argument: 'f(x)',
          expected: `shape [${dy.shape.join(', ')}] for ${dy.shape[0]} stacked input rows (f must map rows independently)`,
          actual: y.shape,
        });
      }
      return y;
    },
    [x],
    dy,
    true,
  );
  return grads[0] ?? zeros(x.shape);
}
