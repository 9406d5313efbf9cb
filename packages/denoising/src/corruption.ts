import { checkSeed, checkTensor, createRng, deriveSeed, randomNormalTensor } from '@aekit/core';
import { maskingNoise } from '@aekit/layers';
import { add, clipByValue, clone, mul, type Tensor2D, tensor, tidy } from '@tensorflow/tfjs-core';
import { type Corruption, type ResolvedCorruption, resolveCorruptions } from './corruption-config';

// The corruptions as data (their types and checks) live in a module of their own, which loads
// no TensorFlow.js (`@aekit/denoising/options`).
export type {
  Corruption,
  GaussianCorruption,
  MaskingCorruption,
  ResolvedCorruption,
  SaltAndPepperCorruption,
} from './corruption-config';
export { corruptionLabels, corruptionTypes, resolveCorruptions } from './corruption-config';

/** Salt-and-pepper on checked arguments: one uniform u per input, u < p/2 → low, u < p → high. */
function saltAndPepper(
  x: Tensor2D,
  corruption: Extract<ResolvedCorruption, { type: 'salt-and-pepper' }>,
  seed: number,
): Tensor2D {
  const rng = createRng(seed);
  const keep = new Float32Array(x.size);
  const replacement = new Float32Array(x.size);
  const half = corruption.rate / 2;
  for (let index = 0; index < keep.length; index += 1) {
    const u = rng.nextFloat();
    if (u < half) replacement[index] = corruption.low;
    else if (u < corruption.rate) replacement[index] = corruption.high;
    else keep[index] = 1;
  }
  return add(mul(x, tensor(keep, x.shape)), tensor(replacement, x.shape)) as Tensor2D;
}

function applyOne(x: Tensor2D, corruption: ResolvedCorruption, seed: number): Tensor2D {
  switch (corruption.type) {
    case 'masking':
      return maskingNoise(x, { rate: corruption.rate, training: true, seed });
    case 'gaussian': {
      const noisy = add(x, randomNormalTensor(x.shape, createRng(seed), { std: corruption.std }));
      const { clip } = corruption;
      return (clip === null ? noisy : clipByValue(noisy, clip[0], clip[1])) as Tensor2D;
    }
    case 'salt-and-pepper':
      return saltAndPepper(x, corruption, seed);
  }
}

/**
 * Corrupts `x` by each corruption in turn; corruption k draws its noise from
 * `deriveSeed(seed, k)`, in JavaScript, so the result is the same on every backend and a
 * training run that resumes from a checkpoint draws the same noise.
 * @param x `[batch, dim]`.
 * @param corruptions applied in order (see `Corruption`).
 * @param seed an integer in [0, 2³²).
 * @returns `[batch, dim]`, a new tensor owned by the caller; `x` is not disposed.
 */
export function corrupt(x: Tensor2D, corruptions: readonly Corruption[], seed: number): Tensor2D {
  checkTensor('corrupt', 'x', x, { rank: 2, dtype: 'float32' });
  const resolved = resolveCorruptions('corrupt', corruptions);
  checkSeed('corrupt', 'seed', seed);
  return corruptWith(x, resolved, seed);
}

/** `corrupt` on checked arguments. */
export function corruptWith(
  x: Tensor2D,
  corruptions: readonly ResolvedCorruption[],
  seed: number,
): Tensor2D {
  return tidy(() =>
    corruptions.reduce<Tensor2D>(
      (current, corruption, index) => applyOne(current, corruption, deriveSeed(seed, index)),
      clone(x),
    ),
  );
}
