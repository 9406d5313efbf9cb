/**
 * An independent float64 VAE forward pass, written from the model's definition for the tests:
 * h = act(x·W + b) per hidden layer, [μ, log σ²] = h·W_head + b_head, z = μ + exp(½ log σ²)·ε,
 * decoder back to logits/mean, and the closed-form log-likelihoods and KL. Plain JS numbers.
 */

export type Matrix = number[][];

export interface DenseWeights {
  readonly W: Matrix; // [in, out]
  readonly b: number[]; // [out]
}

export interface VaeWeights {
  readonly encoder: readonly DenseWeights[];
  readonly head: DenseWeights;
  readonly decoder: readonly DenseWeights[];
  readonly logVariance?: number[];
}

const activations: Record<string, (v: number) => number> = {
  relu: (v) => Math.max(0, v),
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  linear: (v) => v,
};

export function dense(x: number[], layer: DenseWeights, activation: string): number[] {
  const act = activations[activation]!;
  return layer.b.map((bias, j) =>
    act(x.reduce((sum, value, i) => sum + value * layer.W[i]![j]!, bias)),
  );
}

export function posterior(
  x: number[],
  weights: VaeWeights,
  activation: string,
  latentDim: number,
): { mu: number[]; logVar: number[] } {
  let h = x;
  for (const layer of weights.encoder) h = dense(h, layer, activation);
  const out = dense(h, weights.head, 'linear');
  return { mu: out.slice(0, latentDim), logVar: out.slice(latentDim) };
}

export function decoderOutput(z: number[], weights: VaeWeights, activation: string): number[] {
  let h = z;
  weights.decoder.forEach((layer, index) => {
    h = dense(h, layer, index === weights.decoder.length - 1 ? 'linear' : activation);
  });
  return h;
}

/** Σ_d x_d·ℓ_d − log(1 + e^ℓ_d), computed stably. */
export function bernoulliLogLikelihood(x: number[], logits: number[]): number {
  return logits.reduce(
    (sum, l, d) => sum + x[d]! * l - (Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)))),
    0,
  );
}

/** Σ_d −½(ln 2π + log σ²_d + (x_d − m_d)²/σ²_d). */
export function gaussianLogLikelihood(x: number[], mean: number[], logVar: number[]): number {
  return mean.reduce(
    (sum, m, d) =>
      sum - 0.5 * (Math.log(2 * Math.PI) + logVar[d]! + (x[d]! - m) ** 2 / Math.exp(logVar[d]!)),
    0,
  );
}

/** ½ Σ_j (exp(logVar_j) + μ_j² − 1 − logVar_j). */
export function klStdNormal(mu: number[], logVar: number[]): number {
  return 0.5 * mu.reduce((sum, m, j) => sum + Math.exp(logVar[j]!) + m * m - 1 - logVar[j]!, 0);
}

export function logMeanExp(values: number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0) / values.length);
}
