import { checkBoolean, checkNumber, checkSeed, checkTensor, createRng } from '@aekit/core';
import { clone, mul, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';

/** Options of `dropout` and `maskingNoise`. */
export interface NoiseOptions {
  /** Probability that an element is zeroed, in [0, 1). */
  readonly rate: number;
  /** Apply the noise only when true; when false the input passes through unchanged. */
  readonly training: boolean;
  /**
   * Seed of the mask, an integer in [0, 2³²). Required when the noise applies. Derive one per
   * step (`deriveSeed(seed, step)`) so each step draws a new mask and a resumed run the same.
   */
  readonly seed?: number;
}

/**
 * The keep-mask (1 with probability 1 − rate, else 0), scaled by 1 / (1 − rate) when `rescale`;
 * undefined when no noise applies.
 */
function keepMask(
  functionName: string,
  x: Tensor,
  options: NoiseOptions,
  rescale: boolean,
): Float32Array | undefined {
  checkTensor(functionName, 'x', x);
  const rate = checkNumber(functionName, 'options.rate', options?.rate, {
    min: 0,
    max: 1,
    maxExclusive: true,
  });
  const training = checkBoolean(functionName, 'options.training', options.training);
  if (!training || rate === 0) return undefined;
  const seed = checkSeed(functionName, 'options.seed', options.seed);
  const keep = 1 - rate;
  const mask = createRng(seed).bernoulliArray(x.size, keep);
  if (rescale) {
    const scale = 1 / keep;
    for (let index = 0; index < mask.length; index += 1) mask[index]! *= scale;
  }
  return mask;
}

function applyMask<T extends Tensor>(x: T, mask: Float32Array | undefined): T {
  if (mask === undefined) return clone(x);
  return tidy(() => mul(x, tensor(mask, x.shape, 'float32'))) as T;
}

/**
 * Inverted dropout: while `training`, each element is zeroed with probability `rate` and the
 * survivors are scaled by 1 / (1 − rate), so the expected value is unchanged; otherwise `x`
 * passes through. The mask is drawn in JavaScript from `seed`: the same on every backend.
 * @param x any shape. Not disposed; the caller owns the result (a new tensor in every case).
 */
export function dropout<T extends Tensor>(x: T, options: NoiseOptions): T {
  return applyMask(x, keepMask('dropout', x, options, true));
}

/**
 * Masking noise, the corruption of a denoising autoencoder: while `training`, each element is
 * set to 0 with probability `rate`, without rescaling; otherwise `x` passes through. The mask is
 * drawn in JavaScript from `seed`: the same on every backend.
 * @param x any shape. Not disposed; the caller owns the result (a new tensor in every case).
 */
export function maskingNoise<T extends Tensor>(x: T, options: NoiseOptions): T {
  return applyMask(x, keepMask('maskingNoise', x, options, false));
}
