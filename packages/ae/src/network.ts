import { deriveSeed } from '@aekit/core';
import {
  type ActivationName,
  applyMlp,
  disposeMlp,
  type InitializerName,
  type Mlp,
  mlp,
  mlpVariables,
} from '@aekit/layers';
import { sigmoid, type Tensor2D, tidy, type Variable } from '@tensorflow/tfjs-core';
import type { ReconstructionLoss } from './reconstruction-loss';

/**
 * The complete description of an encoder–decoder pair, every field set (a resolved config).
 * The encoder is `[inputDim, ...hiddenDims, latentDim]`, the decoder its mirror
 * `[latentDim, ...hiddenDims reversed, inputDim]`.
 */
export interface NetworkOptions {
  readonly inputDim: number;
  /** Widths of the encoder's hidden layers before the code; the decoder mirrors them. */
  readonly hiddenDims: readonly number[];
  /** Width of the code (the bottleneck); may exceed `inputDim`. */
  readonly latentDim: number;
  /** Activation of every hidden layer, in the encoder and the decoder. */
  readonly hiddenActivation: ActivationName;
  /** Activation of the code layer (the encoder's last). */
  readonly codeActivation: ActivationName;
  /**
   * Activation of the reconstruction. With loss `'bernoulli'` it is `'sigmoid'`, applied to the
   * decoder's logits (the decoder's last layer is then linear).
   */
  readonly outputActivation: ActivationName;
  readonly loss: ReconstructionLoss;
  /** The decoder uses the transposed encoder weights (biases of its own). */
  readonly tiedWeights: boolean;
  /** Initialiser of every weight matrix. */
  readonly init: InitializerName;
  /** Seed of the weights: the encoder uses `deriveSeed(seed, 0)`, the decoder `deriveSeed(seed, 1)`. */
  readonly seed: number;
}

/** An encoder and a decoder: plain data, owned by the model that made them. */
export interface AutoencoderNetwork {
  readonly options: NetworkOptions;
  /** `[inputDim, ...hiddenDims, latentDim]`. */
  readonly encoder: Mlp;
  /** `[latentDim, ...hiddenDims reversed, inputDim]`; its last layer gives logits for `'bernoulli'`. */
  readonly decoder: Mlp;
}

/** The stream of `deriveSeed(seed, stream, …)` that models use for their training noise. */
export const noiseSeedStream = 2;

/** Builds the encoder and decoder described by `options` (already validated). */
export function createNetwork(options: NetworkOptions): AutoencoderNetwork {
  const { inputDim, hiddenDims, latentDim, hiddenActivation, codeActivation, init, seed } = options;
  const encoderWidths = [inputDim, ...hiddenDims, latentDim];
  const encoder = mlp({
    widths: encoderWidths,
    activations: [...hiddenDims.map(() => hiddenActivation), codeActivation],
    seed: deriveSeed(seed, 0),
    init,
  });
  const lastActivation = options.loss === 'bernoulli' ? 'linear' : options.outputActivation;
  try {
    const decoder = mlp({
      widths: [...encoderWidths].reverse(),
      activations: [...hiddenDims.map(() => hiddenActivation), lastActivation],
      seed: deriveSeed(seed, 1),
      init,
      ...(options.tiedWeights ? { tiedTo: encoder } : {}),
    });
    return { options, encoder, decoder };
  } catch (error) {
    disposeMlp(encoder);
    throw error;
  }
}

/** The code `[batch, latentDim]` of `x` `[batch, inputDim]` (checked by the caller). */
export function encodeWith(network: AutoencoderNetwork, x: Tensor2D): Tensor2D {
  return applyMlp(network.encoder, x);
}

/** The decoder's raw output `[batch, inputDim]` of codes `z`: logits for `'bernoulli'`. */
export function decoderOutput(network: AutoencoderNetwork, z: Tensor2D): Tensor2D {
  return applyMlp(network.decoder, z);
}

/** A reconstruction in data space from the decoder's raw output (σ of logits for `'bernoulli'`). */
export function outputToData(network: AutoencoderNetwork, output: Tensor2D): Tensor2D {
  return network.options.loss === 'bernoulli' ? sigmoid(output) : output;
}

/** `decode(z)` in data space, `[batch, inputDim]`. */
export function decodeWith(network: AutoencoderNetwork, z: Tensor2D): Tensor2D {
  return tidy(() => outputToData(network, decoderOutput(network, z)));
}

/** `encoder.0.W`, `encoder.0.b`, …, `decoder.0.W`, … (a tied decoder lists only its biases). */
export function networkVariables(network: AutoencoderNetwork): Record<string, Variable> {
  return {
    ...mlpVariables(network.encoder, 'encoder'),
    ...mlpVariables(network.decoder, 'decoder'),
  };
}

/** Frees the network's variables. */
export function disposeNetwork(network: AutoencoderNetwork): void {
  disposeMlp(network.decoder);
  disposeMlp(network.encoder);
}
