import { mean, moments, mul, sqrt, sub, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { checkInteger, checkSeed, checkTensor } from './checks';
import { InvalidArgumentError, ShapeMismatchError } from './errors';

/** A Monte Carlo estimate and its standard error, both tensors of the same shape. */
export interface MonteCarloEstimate {
  /** The sample mean; differentiable when the samples and densities are. */
  readonly estimate: Tensor;
  /** The sample standard deviation over √n: the estimate's standard error. */
  readonly standardError: Tensor;
}

function checkFunction(argument: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError({
      functionName: 'klMonteCarlo',
      argument,
      rule: 'a function',
      value,
    });
  }
}

function checkSampleRows(argument: string, value: unknown, n: number, shape?: readonly number[]) {
  const t = checkTensor('klMonteCarlo', argument, value);
  const fits =
    shape === undefined
      ? t.rank >= 1 && t.shape[0] === n
      : t.rank === shape.length && t.shape.every((size, axis) => size === shape[axis]);
  if (!fits) {
    throw new ShapeMismatchError({
      functionName: 'klMonteCarlo',
      argument,
      expected:
        shape === undefined
          ? `n = ${n} rows, one per sample`
          : `shape [${shape.join(', ')}], the shape of 'logQ(z)'`,
      actual: t.shape,
    });
  }
  return t;
}

/**
 * A sampling estimate of KL(q ‖ p) = E_q[ln q(z) − ln p(z)], in nats, with its standard error:
 * draws n samples z ~ q with `sampleQ(n, seed)` and averages ln q(z) − ln p(z) over them.
 * Used to check the closed forms; also usable where none exists.
 *
 * Batched: `sampleQ` returns `[n, …]` (e.g. `[n, batch, dim]`), and `logQ`, `logP` return
 * `[n, …rest]` (e.g. `[n, batch]`); the estimate is `[…rest]`. `sampleQ` should draw from
 * `seed` (e.g. with `createRng(seed)` or `reparameterize(mu, logVar, seed)`), so the estimate
 * is reproducible. When it is reparameterised, the estimate is differentiable in q's
 * parameters. Every tensor the callbacks make is freed.
 *
 * @param logQ ln q(z) for a batch of samples.
 * @param logP ln p(z) for the same samples.
 * @param sampleQ `(n, seed) → z`, n draws from q.
 * @param n the number of samples, an integer ≥ 2.
 * @param seed an integer in [0, 2³²), passed to `sampleQ`.
 * @returns `{ estimate, standardError }`, owned by the caller.
 */
export function klMonteCarlo(
  logQ: (z: Tensor) => Tensor,
  logP: (z: Tensor) => Tensor,
  sampleQ: (n: number, seed: number) => Tensor,
  n: number,
  seed: number,
): MonteCarloEstimate {
  checkFunction('logQ', logQ);
  checkFunction('logP', logP);
  checkFunction('sampleQ', sampleQ);
  checkInteger('klMonteCarlo', 'n', n, { min: 2 });
  checkSeed('klMonteCarlo', 'seed', seed);
  return tidy(() => {
    const z = checkSampleRows('sampleQ(n, seed)', sampleQ(n, seed), n);
    const lq = checkSampleRows('logQ(z)', logQ(z), n);
    const lp = checkSampleRows('logP(z)', logP(z), n, lq.shape);
    const terms = sub(lq, lp);
    const estimate = mean(terms, 0);
    // Unbiased sample variance / n.
    const { variance } = moments(terms, 0);
    const standardError = sqrt(mul(variance, 1 / (n - 1)));
    return { estimate, standardError };
  });
}
