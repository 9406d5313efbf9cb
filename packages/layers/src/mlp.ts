import {
  checkBoolean,
  checkNumber,
  checkOneOf,
  checkPositiveIntegerList,
  checkSeed,
  checkTensor,
  deriveSeed,
  InvalidArgumentError,
} from '@aekit/core';
import {
  type Rank,
  type Tensor2D,
  tidy,
  type Variable,
  variable,
  zeros,
} from '@tensorflow/tfjs-core';
import { type ActivationName, activationNames, checkActivation } from './activations';
import { applyDense, initDense } from './dense';
import { dropout } from './dropout';
import { type InitializerName, initializerNames } from './initializers';

/** One layer of an `Mlp`. */
export interface MlpLayer {
  /**
   * Weights `[inDim, outDim]`; for a tied layer, the mirrored encoder layer's `[outDim, inDim]`,
   * used transposed and owned by the encoder.
   */
  readonly W: Variable<Rank.R2>;
  /** Biases `[outDim]`, always the layer's own. */
  readonly b: Variable<Rank.R1>;
  readonly activation: ActivationName;
  /** True when `W` belongs to the encoder this stack is tied to. */
  readonly tied: boolean;
}

/** A stack of dense layers: plain data. Apply it with `applyMlp`, free it with `disposeMlp`. */
export interface Mlp {
  /** `[inDim, hidden…, outDim]`. */
  readonly widths: readonly number[];
  readonly layers: readonly MlpLayer[];
}

/** Options of `mlp`. */
export interface MlpOptions {
  /** `[inDim, hidden…, outDim]`, at least two positive integers, e.g. `[784, 400, 20]`. */
  readonly widths: readonly number[];
  /** One activation for every layer, or one per layer (`widths.length − 1` of them). */
  readonly activations: ActivationName | readonly ActivationName[];
  /** Seed of the weights; layer i uses `deriveSeed(seed, i)`. */
  readonly seed: number;
  /** Initialiser of every W. Default `'glorotUniform'`. */
  readonly init?: InitializerName;
  /**
   * Tie this stack to an encoder: layer i uses the transpose of `tiedTo`'s layer n−1−i weights
   * (so `widths` must be `tiedTo.widths` reversed) with biases of its own. The encoder owns the
   * shared weights; `mlpVariables` and `disposeMlp` of this stack leave them alone.
   */
  readonly tiedTo?: Mlp;
}

function sameWidths(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((width, index) => width === b[index]);
}

/**
 * A stack of dense layers `widths[0] → widths[1] → … → widths[n]`, e.g. an encoder
 * `mlp({ widths: [784, 400, 20], activations: ['relu', 'linear'], seed })` and its tied
 * decoder `mlp({ widths: [20, 400, 784], activations: ['relu', 'sigmoid'], seed, tiedTo })`.
 */
export function mlp(options: MlpOptions): Mlp {
  const widths = checkPositiveIntegerList('mlp', 'options.widths', options?.widths);
  if (widths.length < 2) {
    throw new InvalidArgumentError({
      functionName: 'mlp',
      argument: 'options.widths',
      rule: 'an array of at least two positive integers [inDim, …, outDim]',
      value: options.widths,
    });
  }
  const layerCount = widths.length - 1;
  const activations = resolveActivations(options.activations, layerCount);
  const seed = checkSeed('mlp', 'options.seed', options.seed);
  const init = checkOneOf('mlp', 'options.init', options.init ?? 'glorotUniform', initializerNames);
  const { tiedTo } = options;
  if (tiedTo !== undefined && !sameWidths(widths, [...tiedTo.widths].reverse())) {
    throw new InvalidArgumentError({
      functionName: 'mlp',
      argument: 'options.widths',
      rule: `the reverse of the tied encoder's widths, [${[...tiedTo.widths].reverse().join(', ')}]`,
      value: widths,
    });
  }
  const layers = activations.map((activation, index): MlpLayer => {
    const inDim = widths[index]!;
    const outDim = widths[index + 1]!;
    const layerSeed = deriveSeed(seed, index);
    if (tiedTo === undefined) {
      return { ...initDense(inDim, outDim, { seed: layerSeed, init }), activation, tied: false };
    }
    const b = tidy(() => variable(zeros([outDim]))) as Variable<Rank.R1>;
    const mirrored = tiedTo.layers[layerCount - 1 - index]!;
    return { W: mirrored.W, b, activation, tied: true };
  });
  return { widths, layers };
}

function resolveActivations(value: unknown, layerCount: number): ActivationName[] {
  if (typeof value === 'string') {
    const activation = checkActivation('mlp', 'options.activations', value);
    return Array.from({ length: layerCount }, () => activation);
  }
  if (!Array.isArray(value) || value.length !== layerCount) {
    throw new InvalidArgumentError({
      functionName: 'mlp',
      argument: 'options.activations',
      rule: `an activation name or an array of ${layerCount} (one per layer) of ${activationNames.map((name) => `'${name}'`).join(', ')}`,
      value,
    });
  }
  return value.map((item, index) => checkActivation('mlp', `options.activations[${index}]`, item));
}

/** Options of `applyMlp`. */
export interface ApplyMlpOptions {
  /** Whether dropout applies. Default false. */
  readonly training?: boolean;
  /** Dropout rate after every hidden layer (not the output), in [0, 1). Default 0. */
  readonly dropout?: number;
  /** Seed of the dropout masks (layer i uses `deriveSeed(seed, i)`); needed when dropout applies. */
  readonly seed?: number;
}

/**
 * Runs `x` through the stack.
 * @param x `[batch, widths[0]]`
 * @returns `[batch, widths[n]]`, owned by the caller. The input is not disposed.
 */
export function applyMlp(stack: Mlp, x: Tensor2D, options: ApplyMlpOptions = {}): Tensor2D {
  checkTensor('applyMlp', 'x', x, { rank: 2, shape: [null, stack.widths[0]!] });
  const training = checkBoolean('applyMlp', 'options.training', options.training ?? false);
  const rate = checkNumber('applyMlp', 'options.dropout', options.dropout ?? 0, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const dropping = training && rate > 0;
  const seed = dropping ? checkSeed('applyMlp', 'options.seed', options.seed) : 0;
  return tidy(() => {
    let h = x;
    stack.layers.forEach((layer, index) => {
      h = applyDense(layer, h, layer.activation, { transposeW: layer.tied });
      if (dropping && index < stack.layers.length - 1) {
        h = dropout(h, { rate, training, seed: deriveSeed(seed, index) });
      }
    });
    return h;
  });
}

/**
 * The variables this stack owns under stable logical names, in order:
 * `prefix.0.W`, `prefix.0.b`, `prefix.1.W`, … (a tied layer lists only its `b`).
 */
export function mlpVariables(stack: Mlp, prefix: string): Record<string, Variable> {
  const variables: Record<string, Variable> = {};
  stack.layers.forEach((layer, index) => {
    if (!layer.tied) variables[`${prefix}.${index}.W`] = layer.W;
    variables[`${prefix}.${index}.b`] = layer.b;
  });
  return variables;
}

/** Frees the variables this stack owns (a tied stack leaves the encoder's weights alone). */
export function disposeMlp(stack: Mlp): void {
  for (const layer of stack.layers) {
    if (!layer.tied) layer.W.dispose();
    layer.b.dispose();
  }
}
