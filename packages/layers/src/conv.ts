import {
  checkBoolean,
  checkInteger,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  checkTensor,
  InvalidArgumentError,
  ShapeMismatchError,
} from '@aekit/core';
import {
  add,
  conv2d,
  conv2dTranspose,
  type Rank,
  type Tensor4D,
  tensor,
  tidy,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';
import { type ActivationName, activateOwned, checkActivation } from './activations';
import {
  initialLayerValues,
  type LayerInitializerName,
  layerInitializerNames,
} from './initializers';

/**
 * Convolutions on NHWC images `[batch, height, width, channels]` (tfjs's layout), as
 * params-as-data blocks like `initDense`/`applyDense`: `init…` makes the variables, `apply…`
 * computes with them, `dispose…` frees them.
 */

/** A size given once for both axes, or as `[rows, columns]`. */
export type SizePair = number | readonly [number, number];

/**
 * How a convolution pads its input:
 * - `'same'`: ⌈in / stride⌉ outputs; the zeros needed for that are split with the smaller half
 *   before the first row or column (TensorFlow's rule; with stride 1 and an odd kernel, k ÷ 2 on
 *   each side, as PyTorch's `padding='same'`);
 * - `'valid'`: no padding, ⌊(in − k) / stride⌋ + 1 outputs;
 * - a number p: p zeros on every side, ⌊(in + 2p − k) / stride⌋ + 1 outputs (PyTorch's
 *   `padding=p`; use it to match a PyTorch network with stride 2, where `'same'` pads
 *   differently).
 */
export type ConvPadding = 'same' | 'valid' | number;

/**
 * Initialisers of a convolution's filter: `@aekit/layers`' `layerInitializerNames` with the fans
 * of a filter (`fans`); `'fanInUniform'` is PyTorch's default for `Conv2d` and
 * `ConvTranspose2d`.
 */
export const convInitializerNames = layerInitializerNames;
export type ConvInitializerName = LayerInitializerName;

/**
 * A convolution's parameters: plain data, owned by whoever made them. For `initConv2d` the
 * filter is `[kH, kW, inChannels, outChannels]`; for `initConvTranspose2d`
 * `[kH, kW, outChannels, inChannels]` (tfjs's layouts; PyTorch stores `(out, in, kH, kW)` and
 * `(in, out, kH, kW)`).
 */
export interface ConvParams {
  readonly W: Variable<Rank.R4>;
  /** Biases `[outChannels]`, or `null` for a convolution without bias. */
  readonly b: Variable<Rank.R1> | null;
}

/** Options of `initConv2d` and `initConvTranspose2d`. */
export interface InitConvOptions {
  /** Seed of the filter (and of the bias with `'fanInUniform'`), an integer in [0, 2³²). */
  readonly seed: number;
  /** Kernel rows and columns. Default 3. */
  readonly kernelSize?: SizePair;
  /** Default `'fanInUniform'` (PyTorch's). */
  readonly init?: ConvInitializerName;
  /** Whether the layer adds a bias. Default true. */
  readonly bias?: boolean;
  /** Whether an optimiser may update the variables. Default true. */
  readonly trainable?: boolean;
}

/** `[rows, columns]` of a size pair, each a positive integer. */
function sizePair(functionName: string, argument: string, value: unknown): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) {
      throw new InvalidArgumentError({
        functionName,
        argument,
        rule: 'a positive integer or [rows, columns] of positive integers',
        value,
      });
    }
    return [
      checkPositiveInteger(functionName, `${argument}[0]`, value[0]),
      checkPositiveInteger(functionName, `${argument}[1]`, value[1]),
    ];
  }
  const size = checkPositiveInteger(functionName, argument, value);
  return [size, size];
}

function checkPadding(functionName: string, argument: string, value: unknown): ConvPadding {
  if (typeof value === 'number') return checkInteger(functionName, argument, value, { min: 0 });
  return checkOneOf(functionName, argument, value, ['same', 'valid'] as const);
}

/** The filter and bias values of a new convolution, `shape` `[kH, kW, a, b]`, `b` channels of bias. */
function initConvParams(
  functionName: string,
  inChannels: number,
  outChannels: number,
  options: InitConvOptions,
  filterShape: (kernel: [number, number]) => [number, number, number, number],
  biasSize: number,
): ConvParams {
  checkPositiveInteger(functionName, 'inChannels', inChannels);
  checkPositiveInteger(functionName, 'outChannels', outChannels);
  const seed = checkSeed(functionName, 'options.seed', options?.seed);
  const kernel = sizePair(functionName, 'options.kernelSize', options.kernelSize ?? 3);
  const init = checkOneOf(
    functionName,
    'options.init',
    options.init ?? 'fanInUniform',
    convInitializerNames,
  );
  const hasBias = checkBoolean(functionName, 'options.bias', options.bias ?? true);
  const trainable = checkBoolean(functionName, 'options.trainable', options.trainable ?? true);
  const shape = filterShape(kernel);
  const { weight, bias } = initialLayerValues(shape, init, seed, biasSize);
  return {
    W: newVariable(weight, shape, trainable) as Variable<Rank.R4>,
    b: hasBias ? (newVariable(bias, [biasSize], trainable) as Variable<Rank.R1>) : null,
  };
}

function newVariable(values: Float32Array, shape: number[], trainable: boolean): Variable {
  const initial = tensor(values, shape, 'float32');
  try {
    return variable(initial, trainable);
  } finally {
    initial.dispose();
  }
}

/**
 * A convolution's parameters: filter `W [kH, kW, inChannels, outChannels]` and bias
 * `b [outChannels]`, drawn from `options.seed` in JavaScript (the same values on every backend).
 * Free them with `disposeConv`.
 */
export function initConv2d(
  inChannels: number,
  outChannels: number,
  options: InitConvOptions,
): ConvParams {
  return initConvParams(
    'initConv2d',
    inChannels,
    outChannels,
    options,
    ([kH, kW]) => [kH, kW, inChannels, outChannels],
    outChannels,
  );
}

/**
 * A transposed convolution's parameters: filter `W [kH, kW, outChannels, inChannels]` and bias
 * `b [outChannels]`. With `'fanInUniform'` the bound is 1/√(kH·kW·outChannels), as PyTorch's
 * `ConvTranspose2d` computes it from its weight `(in, out, kH, kW)`.
 */
export function initConvTranspose2d(
  inChannels: number,
  outChannels: number,
  options: InitConvOptions,
): ConvParams {
  return initConvParams(
    'initConvTranspose2d',
    inChannels,
    outChannels,
    options,
    ([kH, kW]) => [kH, kW, outChannels, inChannels],
    outChannels,
  );
}

/** Options of `applyConv2d` and `applyConvTranspose2d`. */
export interface ApplyConvOptions {
  /** Step of the window over rows and columns. Default 1. */
  readonly stride?: SizePair;
  /** Default `'same'`. */
  readonly padding?: ConvPadding;
  /** Applied after the bias. Default `'linear'`. */
  readonly activation?: ActivationName;
}

/** Output rows (or columns) of a convolution over `inSize`, by the rules of `ConvPadding`. */
function outputLength(
  inSize: number,
  kernel: number,
  stride: number,
  padding: ConvPadding,
): number {
  if (padding === 'same') return Math.ceil(inSize / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((inSize + 2 * pad - kernel) / stride) + 1;
}

/**
 * `[rows, columns]` a convolution gives on an image of `inSize` `[rows, columns]`; throws when
 * the kernel does not fit even once.
 */
export function conv2dOutputSize(
  inSize: readonly [number, number],
  kernelSize: SizePair,
  options: { readonly stride?: SizePair; readonly padding?: ConvPadding } = {},
): [number, number] {
  const functionName = 'conv2dOutputSize';
  const rows = checkPositiveInteger(functionName, 'inSize[0]', inSize?.[0]);
  const cols = checkPositiveInteger(functionName, 'inSize[1]', inSize?.[1]);
  const kernel = sizePair(functionName, 'kernelSize', kernelSize);
  const stride = sizePair(functionName, 'options.stride', options.stride ?? 1);
  const padding = checkPadding(functionName, 'options.padding', options.padding ?? 'same');
  return checkedOutputSize(functionName, [rows, cols], kernel, stride, padding);
}

function checkedOutputSize(
  functionName: string,
  inSize: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: ConvPadding,
): [number, number] {
  const out: [number, number] = [
    outputLength(inSize[0], kernel[0], stride[0], padding),
    outputLength(inSize[1], kernel[1], stride[1], padding),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'x',
      rule: `an image at least as large as the ${kernel[0]}×${kernel[1]} kernel with padding ${JSON.stringify(padding)}`,
      value: `${inSize[0]}×${inSize[1]}`,
    });
  }
  return out;
}

function checkBias(functionName: string, b: Variable<Rank.R1> | null, channels: number): void {
  if (b !== null && (b.rank !== 1 || b.shape[0] !== channels)) {
    throw new ShapeMismatchError({
      functionName,
      argument: 'params.b',
      expected: [channels],
      actual: b.shape,
    });
  }
}

function epilogue(y: Tensor4D, b: Variable<Rank.R1> | null, activation: ActivationName): Tensor4D {
  return activateOwned(b === null ? y : (add(y, b) as Tensor4D), activation);
}

/** The checked input, bias and options of `applyConv2d` and `applyConvTranspose2d`. */
function applySettings(
  functionName: string,
  params: ConvParams,
  x: Tensor4D,
  options: ApplyConvOptions,
  inChannels: number,
  outChannels: number,
): { stride: [number, number]; padding: ConvPadding; activation: ActivationName } {
  checkTensor(functionName, 'x', x, { rank: 4, shape: [null, null, null, inChannels] });
  checkBias(functionName, params.b, outChannels);
  return {
    stride: sizePair(functionName, 'options.stride', options.stride ?? 1),
    padding: checkPadding(functionName, 'options.padding', options.padding ?? 'same'),
    activation: checkActivation(functionName, 'options.activation', options.activation ?? 'linear'),
  };
}

/**
 * `activation(conv(x, W) + b)`: cross-correlation of `x [batch, H, W, inChannels]` with the
 * filter, as deep-learning libraries define convolution.
 * @returns `[batch, outH, outW, outChannels]` (`conv2dOutputSize`), owned by the caller.
 */
export function applyConv2d(
  params: ConvParams,
  x: Tensor4D,
  options: ApplyConvOptions = {},
): Tensor4D {
  const functionName = 'applyConv2d';
  const { W, b } = params;
  const [kH, kW, inChannels, outChannels] = W.shape;
  const { stride, padding, activation } = applySettings(
    functionName,
    params,
    x,
    options,
    inChannels,
    outChannels,
  );
  checkedOutputSize(functionName, [x.shape[1], x.shape[2]], [kH, kW], stride, padding);
  return tidy(() => epilogue(conv2d(x, W, stride, padding), b, activation));
}

/**
 * The output sizes a transposed convolution may give for an input of `inSize`: every size whose
 * convolution with the same kernel, stride and padding has `inSize` outputs. With stride s there
 * are up to s of them, because a strided convolution drops the last rows that do not fill a
 * step; PyTorch picks one with `output_padding` (0 … s − 1 added to the smallest), aekit by the
 * size itself (`ApplyConvTransposeOptions.outputSize`).
 */
export function convTranspose2dOutputSizes(
  inSize: readonly [number, number],
  kernelSize: SizePair,
  options: { readonly stride?: SizePair; readonly padding?: ConvPadding } = {},
): { readonly smallest: [number, number]; readonly largest: [number, number] } {
  const functionName = 'convTranspose2dOutputSizes';
  const rows = checkPositiveInteger(functionName, 'inSize[0]', inSize?.[0]);
  const cols = checkPositiveInteger(functionName, 'inSize[1]', inSize?.[1]);
  const kernel = sizePair(functionName, 'kernelSize', kernelSize);
  const stride = sizePair(functionName, 'options.stride', options.stride ?? 1);
  const padding = checkPadding(functionName, 'options.padding', options.padding ?? 'same');
  return transposedSizes([rows, cols], kernel, stride, padding);
}

/** The range of sizes o with outputLength(o) = in, per axis. */
function transposedSizes(
  inSize: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: ConvPadding,
): { smallest: [number, number]; largest: [number, number] } {
  const axis = (n: number, k: number, s: number): [number, number] => {
    if (padding === 'same') return [(n - 1) * s + 1, n * s];
    const pad = padding === 'valid' ? 0 : padding;
    const smallest = (n - 1) * s + k - 2 * pad;
    return [smallest, smallest + s - 1];
  };
  const [rowsMin, rowsMax] = axis(inSize[0], kernel[0], stride[0]);
  const [colsMin, colsMax] = axis(inSize[1], kernel[1], stride[1]);
  return { smallest: [rowsMin, colsMin], largest: [rowsMax, colsMax] };
}

/** Options of `applyConvTranspose2d`. */
export interface ApplyConvTransposeOptions extends ApplyConvOptions {
  /**
   * `[rows, columns]` of the output, one of the sizes `convTranspose2dOutputSizes` allows: the
   * size of the image the matching convolution read. Default: with `'same'` padding
   * in × stride (Keras's choice), otherwise the smallest (PyTorch's with `output_padding=0`).
   */
  readonly outputSize?: readonly [number, number];
}

/**
 * `activation(convTranspose(x, W) + b)`: every input pixel adds its values times the filter
 * to a window of the output, stride apart — the gradient of `applyConv2d` with respect to its
 * input, and the decoder's way back up. `W` is `[kH, kW, outChannels, inChannels]`.
 * @returns `[batch, outH, outW, outChannels]`, owned by the caller.
 */
export function applyConvTranspose2d(
  params: ConvParams,
  x: Tensor4D,
  options: ApplyConvTransposeOptions = {},
): Tensor4D {
  const functionName = 'applyConvTranspose2d';
  const { W, b } = params;
  const [kH, kW, outChannels, inChannels] = W.shape;
  const { stride, padding, activation } = applySettings(
    functionName,
    params,
    x,
    options,
    inChannels,
    outChannels,
  );
  const sizes = transposedSizes([x.shape[1], x.shape[2]], [kH, kW], stride, padding);
  const fallback = padding === 'same' ? sizes.largest : sizes.smallest;
  const outputSize =
    options.outputSize === undefined
      ? fallback
      : sizePair(functionName, 'options.outputSize', options.outputSize);
  for (const axis of [0, 1] as const) {
    const size = outputSize[axis];
    if (size < sizes.smallest[axis] || size > sizes.largest[axis] || size < 1) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'options.outputSize',
        rule: `rows in ${sizes.smallest[0]}…${sizes.largest[0]} and columns in ${sizes.smallest[1]}…${sizes.largest[1]} (the images whose convolution with this kernel, stride and padding is ${x.shape[1]}×${x.shape[2]})`,
        value: outputSize,
      });
    }
  }
  return tidy(() =>
    epilogue(
      conv2dTranspose(
        x,
        W,
        [x.shape[0], outputSize[0], outputSize[1], outChannels],
        stride,
        padding,
      ),
      b,
      activation,
    ),
  );
}

/** `{ 'prefix.W': W, 'prefix.b': b }` (no `b` without bias): the layer's variables under stable names. */
export function convVariables(params: ConvParams, prefix: string): Record<string, Variable> {
  return params.b === null
    ? { [`${prefix}.W`]: params.W }
    : { [`${prefix}.W`]: params.W, [`${prefix}.b`]: params.b };
}

/** Frees the layer's variables. */
export function disposeConv(params: ConvParams): void {
  params.W.dispose();
  params.b?.dispose();
}
