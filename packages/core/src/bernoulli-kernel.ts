/**
 * The contract of a Bernoulli log-likelihood kernel: per row of `x` and `logits`
 * (`[batch, dim]`, float32), Σ_j x_j l_j − softplus(l_j), as `[batch]`, in one kernel call with
 * a registered gradient (∂logits = dy ⊙ (x − σ(l)), ∂x = dy ⊙ l, dy broadcast along rows).
 * `@aekit/runtime-wasm` registers it on `wasm`; `bernoulliLogLikelihood` uses it where the
 * active backend has it and composes tfjs ops elsewhere.
 */
export const bernoulliLogLikelihoodKernelName = 'AekitBernoulliLogLikelihood';
