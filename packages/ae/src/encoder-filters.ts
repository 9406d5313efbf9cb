import { InvalidArgumentError } from '@aekit/core';
import type { Mlp } from '@aekit/layers';
import { clone, reshape, type Tensor2D, tidy, transpose } from '@tensorflow/tfjs-core';
import { checkMlp } from './check-mlp';
import type { AutoencoderNetwork } from './network';

/**
 * The learned filters: the first layer's weights of each hidden unit, row j holding the weights
 * from every input to unit j (W₁ᵀ, the images the lectures draw as 28×28 tiles for 784 inputs).
 * @param encoder `[inputDim, h₁, …]`.
 * @returns `[h₁, inputDim]`, a new tensor owned by the caller.
 */
export function encoderFilters(encoder: Mlp): Tensor2D {
  const stack = checkMlp('encoderFilters', 'encoder', encoder);
  const first = stack.layers[0]!;
  // A tied layer already stores W as [outDim, inDim].
  return tidy(() => (first.tied ? clone(first.W) : transpose(first.W))) as Tensor2D;
}

/**
 * The encoder's first-layer filters, one row per unit or channel of its first layer: the
 * fully connected encoder's `encoderFilters`, or for an encoder spec the first weight of its
 * part — a dense `[inDim, h₁]` gives `[h₁, inDim]`, a convolution `[kh, kw, in, out]` gives
 * `[out, kh·kw·in]` (each row a kernel, channels last).
 * @returns a new tensor owned by the caller.
 */
export function networkFilters(network: AutoencoderNetwork): Tensor2D {
  if (network.parts === null) return encoderFilters(network.encoder!);
  const W = firstWeight(network);
  return tidy(() => {
    if (W.rank === 2) return transpose(W) as Tensor2D;
    const [kh, kw, inChannels, outChannels] = W.shape as [number, number, number, number];
    return reshape(transpose(W, [3, 0, 1, 2]), [outChannels, kh * kw * inChannels]) as Tensor2D;
  });
}

/** The shape of one row of `networkFilters` as a picture. */
export function networkFilterShape(network: AutoencoderNetwork): readonly number[] {
  const { inputShape, inputDim } = network.options;
  if (network.parts === null) return inputShape ?? [inputDim];
  const W = firstWeight(network);
  if (W.rank === 2) return inputShape ?? [inputDim];
  return W.shape.slice(0, 3);
}

function firstWeight(network: AutoencoderNetwork) {
  const W = network.parts!.encoder.variables['0.W'];
  if (W === undefined || (W.rank !== 2 && W.rank !== 4)) {
    throw new InvalidArgumentError({
      functionName: 'filters',
      argument: 'network.parts.encoder',
      rule: "a part whose first variable '0.W' is a dense [in, out] or convolution [kh, kw, in, out] weight",
      value: W?.shape ?? Object.keys(network.parts!.encoder.variables),
    });
  }
  return W;
}
