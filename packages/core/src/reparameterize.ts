import { add, exp, mul, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { checkSeed } from './checks';
import { checkFloatTensorsAlike } from './math-checks';
import { createRng, randomNormalTensor } from './random';

/**
 * The reparameterisation trick: a draw z = mu + exp(½ logVar) ⊙ ε from N(mu, diag exp(logVar)),
 * with ε ~ N(0, I) drawn independently of the parameters, so gradients flow to `mu` and
 * `logVar` (∂z/∂mu = 1, ∂z/∂logVar = ½ exp(½ logVar) ε).
 *
 * ε comes from `createRng(seed)` through `randomNormalTensor`, so the same seed gives the same
 * draw on every backend and platform. Without a seed, one is drawn from `Math.random()` and the
 * result is not reproducible; training code passes `deriveSeed(modelSeed, step)`.
 *
 * @param mu `[batch, dim]` means.
 * @param logVar `[batch, dim]` log-variances.
 * @param seed an integer in [0, 2³²), optional.
 * @returns `[batch, dim]`. Differentiable in `mu` and `logVar`; the inputs are not disposed.
 */
export function reparameterize(mu: Tensor, logVar: Tensor, seed?: number): Tensor {
  const name = 'reparameterize';
  checkFloatTensorsAlike(name, 2, [
    ['mu', mu],
    ['logVar', logVar],
  ]);
  const chosen =
    seed === undefined ? Math.floor(Math.random() * 0x100000000) : checkSeed(name, 'seed', seed);
  return tidy(() => {
    const epsilon = randomNormalTensor(mu.shape, createRng(chosen));
    return add(mu, mul(exp(mul(logVar, 0.5)), epsilon));
  });
}
