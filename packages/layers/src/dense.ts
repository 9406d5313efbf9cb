import {
  checkBoolean,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  checkTensor,
  type DenseKernelAttrs,
  denseKernelName,
  ShapeMismatchError,
} from '@aekit/core';
import {
  add,
  engine,
  fused,
  getBackend,
  getKernel,
  matMul,
  type NamedAttrMap,
  type Rank,
  type Tensor2D,
  tensor1d,
  tensor2d,
  tidy,
  type Variable,
  variable,
} from '@tensorflow/tfjs-core';
import { type ActivationName, activateOwned, checkActivation, leakyReluAlpha } from './activations';
import {
  initialLayerValues,
  type LayerInitializerName,
  layerInitializerNames,
} from './initializers';

/** The parameters of a dense layer: plain data, owned by whoever made them. */
export interface DenseParams {
  /** Weights `[inDim, outDim]`. */
  readonly W: Variable<Rank.R2>;
  /** Biases `[outDim]`. */
  readonly b: Variable<Rank.R1>;
}

/** Options of `initDense`. */
export interface InitDenseOptions {
  /** Seed of the weights, an integer in [0, 2³²): the same seed gives the same W everywhere. */
  readonly seed: number;
  /**
   * Initialiser of W. Default `'glorotUniform'`; biases start at zero, except with
   * `'fanInUniform'` (PyTorch's `Linear`): W and b from U(−1/√inDim, 1/√inDim).
   */
  readonly init?: LayerInitializerName;
  /** Whether an optimiser may update the variables. Default true. */
  readonly trainable?: boolean;
}

/**
 * A dense layer's parameters: `W [inDim, outDim]` drawn by `init` from `seed` (the values of
 * `initialValues([inDim, outDim], init, seed)`), `b [outDim]` zeros. The variables carry
 * tfjs's automatic unique names (tfjs variable names are global); keep the stable logical name,
 * e.g. `encoder.0.W`, in your own records (see `denseVariables`). Free them with
 * `disposeDense`.
 */
export function initDense(inDim: number, outDim: number, options: InitDenseOptions): DenseParams {
  checkPositiveInteger('initDense', 'inDim', inDim);
  checkPositiveInteger('initDense', 'outDim', outDim);
  const seed = checkSeed('initDense', 'options.seed', options?.seed);
  const init = checkOneOf(
    'initDense',
    'options.init',
    options.init ?? 'glorotUniform',
    layerInitializerNames,
  );
  const trainable = checkBoolean('initDense', 'options.trainable', options.trainable ?? true);
  const { weight, bias } = initialLayerValues([inDim, outDim], init, seed, outDim);
  return tidy(() => ({
    W: variable(tensor2d(weight, [inDim, outDim]), trainable) as Variable<Rank.R2>,
    b: variable(tensor1d(bias), trainable) as Variable<Rank.R1>,
  }));
}

/** Options of `applyDense`. */
export interface ApplyDenseOptions {
  /**
   * Multiply by Wᵀ instead of W, so `W [outDim, inDim]` of another layer serves here: the
   * tied decoder of a classic autoencoder. Default false.
   */
  readonly transposeW?: boolean;
}

const fusedActivations: Partial<Record<ActivationName, fused.Activation>> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  elu: 'elu',
  leakyRelu: 'leakyrelu',
};

/**
 * Where `tf.fused.matMul` measured faster than matMul + add + activation (`pnpm bench`,
 * "dense layer" table, 128×784→400 and 128×400→32): on `wasm` in a forward pass, by 0–12%
 * (typically 2–4%, never slower). Under a gradient tape tfjs fuses only the bias, and that
 * measured up to 35% slower and never clearly faster (its custom gradient also computes the
 * input's gradient when nothing needs it); on `cpu` the fused kernel runs the same three ops
 * and measured the same. So: fuse with `tf.fused.matMul` on `wasm` outside gradients only;
 * under a gradient, relu and linear layers use the dense kernel (see below), which does not
 * have that flaw.
 */
function fusedActivation(activation: ActivationName): fused.Activation | undefined {
  if (getBackend() !== 'wasm' || engine().state.gradientDepth > 0) return undefined;
  return fusedActivations[activation];
}

/**
 * Under a gradient tape, the dense kernel of `@aekit/core`'s contract (`denseKernelName`), when
 * the active backend has it (`@aekit/runtime-wasm` registers it on `wasm` and `cpu`) and the
 * activation is one it fuses: one kernel forward, and a gradient that skips the input's
 * product when the input is data. Otherwise separate ops, as before.
 */
function denseKernelActivation(
  activation: ActivationName,
): DenseKernelAttrs['activation'] | undefined {
  if (activation !== 'relu' && activation !== 'linear') return undefined;
  if (engine().state.gradientDepth === 0) return undefined;
  return getKernel(denseKernelName, getBackend()) === undefined ? undefined : activation;
}

/**
 * `activation(x·W + b)`, or `activation(x·Wᵀ + b)` with `transposeW`.
 * @param params     `W [inDim, outDim]` (`[outDim, inDim]` with `transposeW`), `b [outDim]`
 * @param x          `[batch, inDim]`
 * @param activation default `'linear'`
 * @returns          `[batch, outDim]`, owned by the caller. Inputs are not disposed.
 */
export function applyDense(
  params: DenseParams,
  x: Tensor2D,
  activation: ActivationName = 'linear',
  options: ApplyDenseOptions = {},
): Tensor2D {
  const name = checkActivation('applyDense', 'activation', activation);
  const transposeW = options.transposeW ?? false;
  const { W, b } = params;
  const inDim = transposeW ? W.shape[1] : W.shape[0];
  const outDim = transposeW ? W.shape[0] : W.shape[1];
  checkTensor('applyDense', 'x', x, { rank: 2, shape: [null, inDim] });
  if (b.rank !== 1 || b.shape[0] !== outDim) {
    throw new ShapeMismatchError({
      functionName: 'applyDense',
      argument: 'params.b',
      expected: [outDim],
      actual: b.shape,
    });
  }
  const kernelActivation = x.dtype === 'float32' ? denseKernelActivation(name) : undefined;
  if (kernelActivation !== undefined) {
    const attrs: DenseKernelAttrs = { transposeW, activation: kernelActivation };
    return engine().runKernel(
      denseKernelName,
      { x, W, b },
      attrs as unknown as NamedAttrMap,
    ) as Tensor2D;
  }
  const fusedName = fusedActivation(name);
  if (fusedName !== undefined) {
    return fused.matMul({
      a: x,
      b: W,
      transposeB: transposeW,
      bias: b,
      activation: fusedName,
      leakyreluAlpha: leakyReluAlpha,
    }) as Tensor2D;
  }
  return tidy(() => activateOwned(add(matMul(x, W, false, transposeW), b) as Tensor2D, name));
}

/** `{ 'prefix.W': W, 'prefix.b': b }`: the layer's variables under stable logical names. */
export function denseVariables(params: DenseParams, prefix: string): Record<string, Variable> {
  return { [`${prefix}.W`]: params.W, [`${prefix}.b`]: params.b };
}

/** Frees the layer's variables. */
export function disposeDense(params: DenseParams): void {
  params.W.dispose();
  params.b.dispose();
}
