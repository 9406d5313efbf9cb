import {
  add,
  clipByValue,
  clone,
  customGrad,
  log,
  log1p,
  maximum,
  mul,
  neg,
  scalar,
  sub,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { checkNumber, checkSameShape, checkTensor } from './checks';

/** The smallest ρ̂ used: 1e−12, far below any activation rate, so 1e−9 is still exact. */
export const RHO_HAT_MIN = 1e-12;
/** The largest ρ̂ used: 1 − 2⁻²⁴, the largest float32 below 1 (so at this end only ρ̂ = 1 moves). */
export const RHO_HAT_MAX = 1 - 2 ** -24;
/** Below this, ρ ln ρ is taken as its limit 0. */
const TINY = 1e-30;

/**
 * Clamps to [RHO_HAT_MIN, RHO_HAT_MAX] in value but passes the gradient through unchanged, so a
 * saturated ρ̂ still receives the (finite) derivative of the KL at the clamp and is pushed back.
 */
function clampRhoHat(rhoHat: Tensor): Tensor {
  const op = customGrad((x) => ({
    value: clipByValue(x as Tensor, RHO_HAT_MIN, RHO_HAT_MAX),
    gradFunc: (dy: Tensor) => clone(dy),
  }));
  return op(rhoHat);
}

/** x ln x with 0 ln 0 = 0, finite (with a finite gradient) at x = 0. */
function xLogX(x: Tensor): Tensor {
  return mul(x, log(maximum(x, TINY)));
}

/**
 * KL divergence between Bernoulli distributions, element-wise, in nats:
 * ρ ln(ρ/ρ̂) + (1−ρ) ln((1−ρ)/(1−ρ̂)) — the sparse autoencoder's penalty, with ρ the target
 * activation rate and ρ̂ the observed mean activation of each hidden unit.
 *
 * Safe at the ends: 0 ln 0 is taken as 0 (so ρ may be 0 or 1), and ρ̂ is clamped to
 * [1e−12, 1 − 2⁻²⁴] — the upper bound is the largest float32 below 1, so in float32 only ρ̂ = 1
 * exactly is moved (1 − 1e−9 is stored as 1), and any ρ̂ ≥ 1e−12 is used as given. The value is
 * therefore never NaN or infinite, and the gradient with respect to ρ̂ is −ρ/ρ̂ + (1−ρ)/(1−ρ̂)
 * evaluated at the clamped ρ̂: finite, and still pointing back into (0, 1) at a saturated unit.
 * `ln(1 − ρ̂)` is computed as `log1p(−ρ̂)`, exact for small ρ̂.
 *
 * @param rho the target: a number in [0, 1], or a float32 tensor of `rhoHat`'s shape.
 * @param rhoHat the estimate, a float32 tensor of values in [0, 1] (not checked: reading them
 *   would stall the device).
 * @returns a tensor of `rhoHat`'s shape, ≥ 0. Differentiable in `rhoHat` (and in `rho` when it
 *   is a tensor); the inputs are not disposed.
 */
export function klBernoulli(rho: number | Tensor, rhoHat: Tensor): Tensor {
  const name = 'klBernoulli';
  let rhoTensor: Tensor | undefined;
  if (typeof rho === 'number') {
    checkNumber(name, 'rho', rho, { min: 0, max: 1 });
    checkTensor(name, 'rhoHat', rhoHat, { dtype: 'float32' });
  } else {
    rhoTensor = checkTensor(name, 'rho', rho, { dtype: 'float32' });
    checkTensor(name, 'rhoHat', rhoHat, { dtype: 'float32' });
    checkSameShape(name, 'rho', rhoTensor, 'rhoHat', rhoHat);
  }
  return tidy(() => {
    const p = rhoTensor ?? scalar(rho as number);
    const q = sub(1, p);
    const clamped = clampRhoHat(rhoHat);
    const negativeEntropy = add(xLogX(p), xLogX(q));
    const crossEntropy = add(mul(p, log(clamped)), mul(q, log1p(neg(clamped))));
    return sub(negativeEntropy, crossEntropy);
  });
}
