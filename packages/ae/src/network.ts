import { deriveSeed } from '@aekit/core';
import {
  type ActivationName,
  applyDense,
  applyMlp,
  buildDecoder,
  buildEncoder,
  type DenseParams,
  denseVariables,
  disposeDense,
  disposeMlp,
  disposeNetworkPart,
  type ImageShape,
  type InitializerName,
  initDense,
  type Mlp,
  mlp,
  mlpVariables,
  type NetworkPart,
  type NetworkSpec,
} from '@aekit/layers';
import { sigmoid, type Tensor2D, tidy, type Variable } from '@tensorflow/tfjs-core';
import type { ReconstructionLoss } from './reconstruction-loss';

/**
 * The complete description of an encoder–decoder pair, every field set (a resolved config).
 * Fully connected (`encoder` null): the encoder is `[inputDim, ...hiddenDims, latentDim]`, the
 * decoder its mirror `[latentDim, ...hiddenDims reversed, inputDim]`. With an `encoder` spec:
 * the spec's encoder, then a dense code layer to `latentDim`; the decoder is the spec's mirror
 * from the code to the input.
 */
export interface NetworkOptions {
  readonly inputDim: number;
  /** One example as an image, or null. */
  readonly inputShape: ImageShape | null;
  /** The encoder's network spec, or null for the fully connected network of `hiddenDims`. */
  readonly encoder: NetworkSpec | null;
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

/**
 * The networks an encoder spec describes: the spec's encoder, the code layer after it, and the
 * spec's mirror as the decoder.
 */
export interface SpecNetworkParts {
  /** From the input to its features. */
  readonly encoder: NetworkPart;
  /** The dense layer from the encoder's features to the code, of `codeActivation`. */
  readonly code: DenseParams;
  /** From the code to the output; its last layer gives logits for `'bernoulli'`. */
  readonly decoder: NetworkPart;
}

/** An encoder and a decoder: plain data, owned by the model that made them. */
export interface AutoencoderNetwork {
  readonly options: NetworkOptions;
  /** `[inputDim, ...hiddenDims, latentDim]`; null with an encoder spec (see `parts`). */
  readonly encoder: Mlp | null;
  /**
   * `[latentDim, ...hiddenDims reversed, inputDim]`; its last layer gives logits for
   * `'bernoulli'`. Null with an encoder spec.
   */
  readonly decoder: Mlp | null;
  /** The networks of an encoder spec; null for the fully connected network. */
  readonly parts: SpecNetworkParts | null;
}

/** The stream of `deriveSeed(seed, stream, …)` that models use for their training noise. */
export const noiseSeedStream = 2;

/** The stream of the code layer's weights after an encoder spec. */
const codeSeedStream = 3;

/** Builds the encoder and decoder described by `options` (already validated). */
export function createNetwork(options: NetworkOptions): AutoencoderNetwork {
  const { inputDim, hiddenDims, latentDim, hiddenActivation, codeActivation, init, seed } = options;
  const lastActivation = options.loss === 'bernoulli' ? 'linear' : options.outputActivation;
  if (options.encoder !== null) {
    return { options, encoder: null, decoder: null, parts: createSpecParts(options) };
  }
  const encoderWidths = [inputDim, ...hiddenDims, latentDim];
  const encoder = mlp({
    widths: encoderWidths,
    activations: [...hiddenDims.map(() => hiddenActivation), codeActivation],
    seed: deriveSeed(seed, 0),
    init,
  });
  try {
    const decoder = mlp({
      widths: [...encoderWidths].reverse(),
      activations: [...hiddenDims.map(() => hiddenActivation), lastActivation],
      seed: deriveSeed(seed, 1),
      init,
      ...(options.tiedWeights ? { tiedTo: encoder } : {}),
    });
    return { options, encoder, decoder, parts: null };
  } catch (error) {
    disposeMlp(encoder);
    throw error;
  }
}

/** The encoder spec's networks, seeded like the fully connected ones (encoder 0, decoder 1). */
function createSpecParts(options: NetworkOptions): SpecNetworkParts {
  const spec = options.encoder!;
  const shape = options.inputShape ?? [options.inputDim];
  const common = { activation: options.hiddenActivation, init: options.init } as const;
  const encoder = buildEncoder(spec, {
    ...common,
    inputShape: shape,
    extraDim: 0,
    seed: deriveSeed(options.seed, 0),
  });
  let code: DenseParams | null = null;
  try {
    code = initDense(encoder.outDim, options.latentDim, {
      seed: deriveSeed(options.seed, codeSeedStream),
      init: options.init,
    });
    const decoder = buildDecoder(spec, {
      ...common,
      inDim: options.latentDim,
      outputShape: shape,
      outputActivation: options.loss === 'bernoulli' ? 'linear' : options.outputActivation,
      seed: deriveSeed(options.seed, 1),
    });
    return { encoder, code, decoder };
  } catch (error) {
    disposeNetworkPart(encoder);
    if (code !== null) disposeDense(code);
    throw error;
  }
}

/** The code `[batch, latentDim]` of `x` `[batch, inputDim]` (checked by the caller). */
export function encodeWith(network: AutoencoderNetwork, x: Tensor2D): Tensor2D {
  const { parts } = network;
  if (parts === null) return applyMlp(network.encoder!, x);
  return tidy(() => applyDense(parts.code, parts.encoder.apply(x), network.options.codeActivation));
}

/** The decoder's raw output `[batch, inputDim]` of codes `z`: logits for `'bernoulli'`. */
export function decoderOutput(network: AutoencoderNetwork, z: Tensor2D): Tensor2D {
  return network.parts === null ? applyMlp(network.decoder!, z) : network.parts.decoder.apply(z);
}

/** A reconstruction in data space from the decoder's raw output (σ of logits for `'bernoulli'`). */
export function outputToData(network: AutoencoderNetwork, output: Tensor2D): Tensor2D {
  return network.options.loss === 'bernoulli' ? sigmoid(output) : output;
}

/** `decode(z)` in data space, `[batch, inputDim]`. */
export function decodeWith(network: AutoencoderNetwork, z: Tensor2D): Tensor2D {
  return tidy(() => outputToData(network, decoderOutput(network, z)));
}

const prefixed = (part: NetworkPart, prefix: string): Record<string, Variable> =>
  Object.fromEntries(
    Object.entries(part.variables).map(([name, variable]) => [`${prefix}.${name}`, variable]),
  );

/**
 * `encoder.0.W`, `encoder.0.b`, …, `decoder.0.W`, … (a tied decoder lists only its biases);
 * with an encoder spec, the parts' own names under `encoder.` and `decoder.`, and the code
 * layer's `code.W`, `code.b`.
 */
export function networkVariables(network: AutoencoderNetwork): Record<string, Variable> {
  const { parts } = network;
  if (parts !== null) {
    return {
      ...prefixed(parts.encoder, 'encoder'),
      ...denseVariables(parts.code, 'code'),
      ...prefixed(parts.decoder, 'decoder'),
    };
  }
  return {
    ...mlpVariables(network.encoder!, 'encoder'),
    ...mlpVariables(network.decoder!, 'decoder'),
  };
}

/** Frees the network's variables. */
export function disposeNetwork(network: AutoencoderNetwork): void {
  const { parts } = network;
  if (parts !== null) {
    disposeNetworkPart(parts.decoder);
    disposeDense(parts.code);
    disposeNetworkPart(parts.encoder);
    return;
  }
  disposeMlp(network.decoder!);
  disposeMlp(network.encoder!);
}
