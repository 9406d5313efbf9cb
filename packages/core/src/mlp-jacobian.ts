import {
  add,
  expandDims,
  matMul,
  mul,
  reshape,
  square,
  sum,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tidy,
  transpose,
} from '@tensorflow/tfjs-core';
import { activate, activationDerivative } from './activations';
import { checkDenseLayer, type DenseLayer, denseFrobeniusSquared } from './dense-jacobian';
import { InvalidArgumentError } from './errors';
import { checkFloatTensor } from './math-checks';

/**
 * ‖∂f/∂x‖²_F per example for a stack of dense layers f = f_L ∘ … ∘ f_1,
 * f_l(h) = σ_l(h W_l + b_l), exactly: the contractive penalty for a deep encoder.
 *
 * The Jacobian is the product J = D_L W_Lᵀ ⋯ D_1 W_1ᵀ, with D_l = diag(σ_l'(a_l)) from one
 * forward pass. It is accumulated as a batch of matrices from whichever end costs fewer
 * multiply-adds (usually the narrower): from the input, J_l = D_l W_lᵀ J_{l−1} (stored as
 * `[batch, inDim, h_l]`), or from the output (`[batch, outDim, h_l]`). That is a few batched
 * matrix products, not one backward pass per output unit. One layer uses the closed
 * form of `denseJacobianFrobeniusSquared`. Everything is ordinary tfjs ops, so the result is
 * differentiable in `x` and in every `W` and `b` (the contractive loss trains through it).
 *
 * Memory: about batch × min(inDim, outDim) × (widest hidden layer) floats.
 *
 * @param x `[batch, inDim]` inputs.
 * @param layers `{ W: [h_{l−1}, h_l], b: [h_l], activation }` for each layer, first to last.
 * @returns `[batch]`. The inputs are not disposed.
 */
export function mlpJacobianFrobeniusSquared(x: Tensor, layers: readonly DenseLayer[]): Tensor1D {
  const name = 'mlpJacobianFrobeniusSquared';
  const input = checkFloatTensor<Tensor2D>(name, 'x', x, 2);
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new InvalidArgumentError({
      functionName: name,
      argument: 'layers',
      rule: 'a non-empty array of { W, b, activation }',
      value: layers,
    });
  }
  const widths = [input.shape[1]!];
  layers.forEach((layer, index) => {
    if (typeof layer !== 'object' || layer === null) {
      throw new InvalidArgumentError({
        functionName: name,
        argument: `layers[${index}]`,
        rule: 'an object { W, b, activation }',
        value: layer,
      });
    }
    widths.push(
      checkDenseLayer(
        name,
        `layers[${index}].`,
        widths[index]!,
        layer.W,
        layer.b,
        layer.activation,
      ),
    );
  });
  const [only] = layers;
  if (layers.length === 1) {
    return tidy(() => denseFrobeniusSquared(input, only!.W, only!.b, only!.activation));
  }
  const batch = input.shape[0];
  const inDim = widths[0]!;
  const outDim = widths[layers.length]!;
  // Multiply-adds of each direction, per example.
  let forwardCost = inDim * widths[1]!;
  for (let l = 2; l <= layers.length; l += 1) forwardCost += inDim * widths[l - 1]! * widths[l]!;
  let backwardCost = outDim * widths[layers.length - 1]!;
  for (let l = layers.length - 1; l >= 1; l -= 1) {
    backwardCost += outDim * widths[l]! * widths[l - 1]!;
  }

  return tidy(() => {
    // One forward pass: the derivatives σ_l'(a_l), each [batch, h_l].
    const derivatives: Tensor[] = [];
    let h: Tensor = input;
    layers.forEach((layer, l) => {
      const a = add(matMul(h as Tensor2D, layer.W), layer.b);
      derivatives.push(activationDerivative(a, layer.activation));
      if (l < layers.length - 1) h = activate(a, layer.activation);
    });
    // Row scaling by D_l of a stored [batch, rows, h_l] product: multiply by [batch, 1, h_l].
    const scaleColumns = (t: Tensor, l: number) => mul(t, expandDims(derivatives[l]!, 1));
    let product: Tensor;
    if (forwardCost <= backwardCost) {
      // Jᵀ accumulated as [batch, inDim, h_l]: W_1 D_1, then (·) W_l D_l.
      product = scaleColumns(expandDims(layers[0]!.W, 0), 0);
      for (let l = 1; l < layers.length; l += 1) {
        const flat = reshape(product, [batch * inDim, widths[l]!]) as Tensor2D;
        const next = reshape(matMul(flat, layers[l]!.W), [batch, inDim, widths[l + 1]!]);
        product = scaleColumns(next, l);
      }
    } else {
      // J accumulated as [batch, outDim, h_{l−1}]: D_L W_Lᵀ, then (·) D_l W_lᵀ.
      const last = layers.length - 1;
      product = mul(expandDims(transpose(layers[last]!.W), 0), expandDims(derivatives[last]!, 2));
      for (let l = last - 1; l >= 0; l -= 1) {
        const flat = reshape(scaleColumns(product, l), [
          batch * outDim,
          widths[l + 1]!,
        ]) as Tensor2D;
        const next = matMul(flat, transpose(layers[l]!.W));
        product = reshape(next, [batch, outDim, widths[l]!]);
      }
    }
    return sum(square(product), [1, 2]) as Tensor1D;
  });
}
