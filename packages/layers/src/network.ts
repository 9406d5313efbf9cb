import {
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSeed,
  checkTensor,
  deriveSeed,
  InvalidArgumentError,
} from '@aekit/core';
import { concat, type Tensor2D, type Tensor4D, tidy, type Variable } from '@tensorflow/tfjs-core';
import { type ActivationName, checkActivation } from './activations';
import {
  applyConv2d,
  applyConvTranspose2d,
  type ConvParams,
  conv2dOutputSize,
  disposeConv,
  initConv2d,
  initConvTranspose2d,
} from './conv';
import { applyDense, type DenseParams, disposeDense, initDense } from './dense';
import { type LayerInitializerName, layerInitializerNames } from './initializer-names';
import {
  type ConvNetworkSpec,
  convSpecKind,
  type DenseNetworkSpec,
  denseSpecKind,
  type NetworkSpec,
  type NetworkSpecKind,
  networkKindOf,
  networkKindRegistry,
  resolveNetworkSpec,
} from './network-spec';
import { flatten, unflatten } from './pooling';

/**
 * Networks as data: an encoder or a decoder described by a plain JSON object (a `NetworkSpec`,
 * what a model's `config.json` stores) and built by the network kind its `type` names. Two kinds
 * are built in — `'dense'` (fully connected) and `'conv'` (convolutional) — and
 * `registerNetworkKind` adds your own, so that a saved model naming it is rebuilt on load.
 *
 * A built part is params-as-data like the other blocks: its variables under stable names and a
 * pure `apply`. Inputs and outputs are flat `[batch, features]` matrices; an image is stored
 * row-major with its channels last (`[height, width, channels]` flattened, tfjs's NHWC), the
 * layout aekit's data sets use, and a convolutional part reshapes it inside.
 */

/** What an encoder is built for. */
export interface EncoderContext {
  /** The input of one example: `[features]` or an image `[height, width, channels]`. */
  readonly inputShape: readonly number[];
  /**
   * Width of an extra input joined to the features (e.g. a one-hot label of a conditional
   * model): at the input for a dense network, after the flatten for a convolutional one. 0: none.
   */
  readonly extraDim: number;
  /** Activation of every layer. */
  readonly activation: ActivationName;
  readonly init: LayerInitializerName;
  readonly seed: number;
}

/** What a decoder is built for. */
export interface DecoderContext {
  /** Width of its input (the code, and any joined extra). */
  readonly inDim: number;
  /** The output of one example, as `EncoderContext.inputShape`. */
  readonly outputShape: readonly number[];
  /** Activation of every layer but the last. */
  readonly activation: ActivationName;
  /** Activation of the last layer (`'linear'` for logits). */
  readonly outputActivation: ActivationName;
  readonly init: LayerInitializerName;
  readonly seed: number;
}

/** A built encoder or decoder: plain data, owned by whoever built it. */
export interface NetworkPart {
  /** Width of the flat input, the extra excluded. */
  readonly inDim: number;
  /** Width of an extra input `apply` takes (0: none). */
  readonly extraDim: number;
  /** Width of the flat output. */
  readonly outDim: number;
  /** Its variables under stable names relative to the part, in order: `'0.W'`, `'0.b'`, `'1.W'`, …. */
  readonly variables: Readonly<Record<string, Variable>>;
  /**
   * Runs `x` `[batch, inDim]` (with `extra` `[batch, extraDim]` when `extraDim` > 0) through the
   * part. Returns `[batch, outDim]`, owned by the caller; the inputs are not disposed.
   */
  apply(x: Tensor2D, extra?: Tensor2D): Tensor2D;
  /** One line per layer, e.g. `'conv 3×3 stride 2: 28×28×1 → 14×14×32'`. */
  readonly layers: readonly string[];
}

/**
 * A kind of network: how to check its spec and build an encoder and a decoder from it.
 * Register your own with `registerNetworkKind`.
 */
export interface NetworkKind<Spec extends NetworkSpec = NetworkSpec> extends NetworkSpecKind<Spec> {
  /** An encoder from the input to its features (the family adds its code layer after it). */
  encoder(spec: Spec, context: EncoderContext): NetworkPart;
  /** A decoder from a code to the output, its last layer with `context.outputActivation`. */
  decoder(spec: Spec, context: DecoderContext): NetworkPart;
}

/**
 * Registers a kind of network, so that specs of its `type` resolve and build (and saved models
 * using it load). Registering a type again replaces the earlier entry.
 */
export function registerNetworkKind<Spec extends NetworkSpec>(kind: NetworkKind<Spec>): void {
  const valid =
    typeof kind === 'object' &&
    kind !== null &&
    typeof kind.type === 'string' &&
    /^[a-zA-Z][\w-]*$/.test(kind.type) &&
    typeof kind.resolve === 'function' &&
    typeof kind.encoder === 'function' &&
    typeof kind.decoder === 'function';
  if (!valid) {
    throw new InvalidArgumentError({
      functionName: 'registerNetworkKind',
      argument: 'kind',
      rule: 'an object { type, resolve(spec), encoder(spec, context), decoder(spec, context) } whose type is a name (a letter, then letters, digits, _ or -)',
      value: kind,
    });
  }
  networkKindRegistry().set(kind.type, kind as unknown as NetworkSpecKind);
}

/** The builders of `type`'s kind. */
function buildersOf(functionName: string, type: string): NetworkKind {
  const kind = networkKindOf(functionName, 'spec', type) as Partial<NetworkKind>;
  if (typeof kind.encoder !== 'function' || typeof kind.decoder !== 'function') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'spec.type',
      rule: 'a kind registered with registerNetworkKind (with its builders)',
      value: type,
    });
  }
  return kind as NetworkKind;
}

function checkContext(functionName: string, context: EncoderContext | DecoderContext): void {
  checkActivation(functionName, 'context.activation', context.activation);
  checkSeed(functionName, 'context.seed', context.seed);
  if (!(layerInitializerNames as readonly unknown[]).includes(context.init)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'context.init',
      rule: `one of ${layerInitializerNames.map((name) => `'${name}'`).join(', ')}`,
      value: context.init,
    });
  }
}

/** Builds the encoder a (resolved or not) spec describes. */
export function buildEncoder(spec: NetworkSpec, context: EncoderContext): NetworkPart {
  const functionName = 'buildEncoder';
  const resolved = resolveNetworkSpec(functionName, 'spec', spec);
  checkPositiveIntegerList(functionName, 'context.inputShape', context?.inputShape);
  if (context.extraDim !== 0)
    checkPositiveInteger(functionName, 'context.extraDim', context.extraDim);
  checkContext(functionName, context);
  return buildersOf(functionName, resolved.type).encoder(resolved, context);
}

/** Builds the decoder a (resolved or not) spec describes. */
export function buildDecoder(spec: NetworkSpec, context: DecoderContext): NetworkPart {
  const functionName = 'buildDecoder';
  const resolved = resolveNetworkSpec(functionName, 'spec', spec);
  checkPositiveInteger(functionName, 'context.inDim', context?.inDim);
  checkPositiveIntegerList(functionName, 'context.outputShape', context.outputShape);
  checkContext(functionName, context);
  checkActivation(functionName, 'context.outputActivation', context.outputActivation);
  return buildersOf(functionName, resolved.type).decoder(resolved, context);
}

/** Frees the variables of a built part. */
export function disposeNetworkPart(part: NetworkPart): void {
  for (const variable of Object.values(part.variables)) variable.dispose();
}

const product = (shape: readonly number[]) => shape.reduce((total, size) => total * size, 1);

/** `[batch, width]` of a part's input, checked. */
function checkPartInput(
  functionName: string,
  part: { inDim: number; extraDim: number },
  x: Tensor2D,
  extra: Tensor2D | undefined,
): void {
  checkTensor(functionName, 'x', x, { rank: 2, shape: [null, part.inDim] });
  if (part.extraDim === 0) {
    if (extra !== undefined) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'extra',
        rule: 'left out: this part takes no extra input',
        value: extra.shape,
      });
    }
    return;
  }
  checkTensor(functionName, 'extra', extra, { rank: 2, shape: [x.shape[0], part.extraDim] });
}

/** One layer of a built part. */
type Layer =
  | { readonly kind: 'dense'; readonly params: DenseParams; readonly activation: ActivationName }
  | {
      readonly kind: 'conv' | 'convTranspose';
      readonly params: ConvParams;
      readonly stride: number;
      readonly outSize: readonly [number, number];
      readonly activation: ActivationName;
    }
  | { readonly kind: 'flatten' }
  | { readonly kind: 'unflatten'; readonly shape: readonly [number, number, number] }
  | { readonly kind: 'join' };

/** A part from its layers, the variables named by their position among layers with parameters. */
function partOf(
  layers: readonly Layer[],
  shape: { inDim: number; extraDim: number; outDim: number },
  descriptions: readonly string[],
): NetworkPart {
  const variables: Record<string, Variable> = {};
  let index = 0;
  for (const layer of layers) {
    if (layer.kind === 'dense' || layer.kind === 'conv' || layer.kind === 'convTranspose') {
      variables[`${index}.W`] = layer.params.W;
      if (layer.params.b !== null) variables[`${index}.b`] = layer.params.b;
      index += 1;
    }
  }
  const part: NetworkPart = {
    ...shape,
    variables,
    layers: descriptions,
    apply(x, extra) {
      checkPartInput('NetworkPart.apply', part, x, extra);
      return tidy(() => {
        let flat: Tensor2D | null = x;
        let image: Tensor4D | null = null;
        for (const layer of layers) {
          switch (layer.kind) {
            case 'dense':
              flat = applyDense(layer.params, flat!, layer.activation);
              break;
            case 'conv':
              image = applyConv2d(layer.params, image!, {
                stride: layer.stride,
                padding: 'same',
                activation: layer.activation,
              });
              break;
            case 'convTranspose':
              image = applyConvTranspose2d(layer.params, image!, {
                stride: layer.stride,
                padding: 'same',
                activation: layer.activation,
                outputSize: layer.outSize,
              });
              break;
            case 'flatten':
              flat = flatten(image!);
              image = null;
              break;
            case 'unflatten':
              image = unflatten(flat!, layer.shape);
              flat = null;
              break;
            case 'join':
              if (extra !== undefined) flat = concat([flat!, extra], 1);
              break;
          }
        }
        return flat ?? flatten(image!);
      });
    },
  };
  return part;
}

/** Frees what was built so far when building a later layer throws. */
function buildLayers(build: (layers: Layer[]) => void): Layer[] {
  const layers: Layer[] = [];
  try {
    build(layers);
    return layers;
  } catch (error) {
    for (const layer of layers) {
      if (layer.kind === 'dense') disposeDense(layer.params);
      else if (layer.kind === 'conv' || layer.kind === 'convTranspose') disposeConv(layer.params);
    }
    throw error;
  }
}

/**
 * Appends dense layers `widths[0] → … → widths[n]` (the last with `lastActivation`), layer i
 * seeded by `deriveSeed(context.seed, first + i)`, and their descriptions; returns the seed
 * index after them.
 */
function pushDenseLayers(
  built: Layer[],
  descriptions: string[],
  widths: readonly number[],
  context: {
    readonly seed: number;
    readonly init: LayerInitializerName;
    readonly activation: ActivationName;
  },
  first: number,
  lastActivation: ActivationName = context.activation,
): number {
  for (let layer = 0; layer + 1 < widths.length; layer += 1) {
    const activation = layer + 2 === widths.length ? lastActivation : context.activation;
    const params = initDense(widths[layer]!, widths[layer + 1]!, {
      seed: deriveSeed(context.seed, first + layer),
      init: context.init,
    });
    built.push({ kind: 'dense', params, activation });
    descriptions.push(`dense ${activation}: ${widths[layer]} → ${widths[layer + 1]}`);
  }
  return first + widths.length - 1;
}

const denseKind: NetworkKind<DenseNetworkSpec> = {
  ...denseSpecKind,
  encoder(spec, context) {
    const inDim = product(context.inputShape);
    const widths = [inDim + context.extraDim, ...spec.hiddenDims];
    const descriptions: string[] = [];
    const layers = buildLayers((built) => {
      built.push({ kind: 'join' });
      pushDenseLayers(built, descriptions, widths, context, 0);
    });
    return partOf(
      layers,
      { inDim, extraDim: context.extraDim, outDim: widths.at(-1)! },
      descriptions,
    );
  },
  decoder(spec, context) {
    const outDim = product(context.outputShape);
    const widths = [context.inDim, ...[...spec.hiddenDims].reverse(), outDim];
    const descriptions: string[] = [];
    const layers = buildLayers((built) => {
      pushDenseLayers(built, descriptions, widths, context, 0, context.outputActivation);
    });
    return partOf(layers, { inDim: context.inDim, extraDim: 0, outDim }, descriptions);
  },
};

const at = (value: number | readonly number[], index: number) =>
  typeof value === 'number' ? value : value[index]!;

/** The image shape `[height, width, channels]` a convolutional part needs. */
function imageShape(
  functionName: string,
  argument: string,
  shape: readonly number[],
): [number, number, number] {
  if (shape.length !== 3) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: "an image shape [height, width, channels] (a 'conv' network needs images)",
      value: shape,
    });
  }
  return [shape[0]!, shape[1]!, shape[2]!];
}

/** The image sizes before each convolution and after the last: `[H, W]`, then each output. */
function convSizes(
  spec: ConvNetworkSpec,
  image: readonly [number, number, number],
): [number, number][] {
  const sizes: [number, number][] = [[image[0], image[1]]];
  spec.channels.forEach((_, index) => {
    const kernel = at(spec.kernelSize, index);
    sizes.push(
      conv2dOutputSize(sizes[index]!, kernel, { stride: at(spec.strides, index), padding: 'same' }),
    );
  });
  return sizes;
}

const sizeText = (size: readonly [number, number], channels: number) =>
  `${size[0]}×${size[1]}×${channels}`;

const convKind: NetworkKind<ConvNetworkSpec> = {
  ...convSpecKind,
  encoder(spec, context) {
    const image = imageShape('buildEncoder', 'context.inputShape', context.inputShape);
    const sizes = convSizes(spec, image);
    const channels = [image[2], ...spec.channels];
    const last = sizes.at(-1)!;
    const flatDim = last[0] * last[1] * channels.at(-1)!;
    const widths = [flatDim + context.extraDim, ...spec.hiddenDims];
    const descriptions: string[] = [];
    const layers = buildLayers((built) => {
      built.push({ kind: 'unflatten', shape: image });
      let index = 0;
      spec.channels.forEach((outChannels, layer) => {
        const kernel = at(spec.kernelSize, layer);
        const stride = at(spec.strides, layer);
        const params = initConv2d(channels[layer]!, outChannels, {
          seed: deriveSeed(context.seed, index),
          kernelSize: kernel,
          init: context.init,
        });
        built.push({
          kind: 'conv',
          params,
          stride,
          outSize: sizes[layer + 1]!,
          activation: context.activation,
        });
        descriptions.push(
          `conv ${kernel}×${kernel} stride ${stride} ${context.activation}: ${sizeText(sizes[layer]!, channels[layer]!)} → ${sizeText(sizes[layer + 1]!, outChannels)}`,
        );
        index += 1;
      });
      built.push({ kind: 'flatten' }, { kind: 'join' });
      descriptions.push(
        `flatten: ${sizeText(last, channels.at(-1)!)} → ${flatDim}${context.extraDim > 0 ? ` (+ ${context.extraDim} joined)` : ''}`,
      );
      index = pushDenseLayers(built, descriptions, widths, context, index);
    });
    return partOf(
      layers,
      { inDim: product(image), extraDim: context.extraDim, outDim: widths.at(-1)! },
      descriptions,
    );
  },
  decoder(spec, context) {
    const image = imageShape('buildDecoder', 'context.outputShape', context.outputShape);
    const sizes = convSizes(spec, image);
    const channels = [image[2], ...spec.channels];
    const top = sizes.at(-1)!;
    const topChannels = channels.at(-1)!;
    const widths = [
      context.inDim,
      ...[...spec.hiddenDims].reverse(),
      top[0] * top[1] * topChannels,
    ];
    const descriptions: string[] = [];
    const layers = buildLayers((built) => {
      let index = 0;
      index = pushDenseLayers(built, descriptions, widths, context, index);
      built.push({ kind: 'unflatten', shape: [top[0], top[1], topChannels] });
      descriptions.push(`unflatten: ${widths.at(-1)} → ${sizeText(top, topChannels)}`);
      let inChannels = topChannels;
      for (let layer = spec.channels.length - 1; layer >= 0; layer -= 1) {
        // Back to the size convolution `layer` read, with the channels it produced (Keras's
        // mirror: 7×7×64 → 14×14×64 → 28×28×32 for channels [32, 64]).
        const outChannels = spec.channels[layer]!;
        const kernel = at(spec.kernelSize, layer);
        const stride = at(spec.strides, layer);
        const params = initConvTranspose2d(inChannels, outChannels, {
          seed: deriveSeed(context.seed, index),
          kernelSize: kernel,
          init: context.init,
        });
        built.push({
          kind: 'convTranspose',
          params,
          stride,
          outSize: sizes[layer]!,
          activation: context.activation,
        });
        descriptions.push(
          `conv transpose ${kernel}×${kernel} stride ${stride} ${context.activation}: ${sizeText(sizes[layer + 1]!, inChannels)} → ${sizeText(sizes[layer]!, outChannels)}`,
        );
        inChannels = outChannels;
        index += 1;
      }
      const kernel = at(spec.kernelSize, 0);
      const params = initConv2d(inChannels, image[2], {
        seed: deriveSeed(context.seed, index),
        kernelSize: kernel,
        init: context.init,
      });
      built.push({
        kind: 'conv',
        params,
        stride: 1,
        outSize: sizes[0]!,
        activation: context.outputActivation,
      });
      descriptions.push(
        `conv ${kernel}×${kernel} stride 1 ${context.outputActivation}: ${sizeText(sizes[0]!, inChannels)} → ${sizeText(sizes[0]!, image[2])}`,
      );
    });
    return partOf(
      layers,
      { inDim: context.inDim, extraDim: 0, outDim: product(image) },
      descriptions,
    );
  },
};

registerNetworkKind(denseKind);
registerNetworkKind(convKind);
