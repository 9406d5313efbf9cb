/** The reconstruction losses, in the order they are documented (the first is the default). */
export const reconstructionLosses = ['mse-sum', 'mse', 'bernoulli'] as const;

/**
 * How a reconstruction x̂ is compared with its target x, per example (D features):
 * - `'mse-sum'`: Σ_j (x_j − x̂_j)², the squared error summed over features — aekit's
 *   convention for every loss term (summed over features, averaged over the batch). The default.
 * - `'mse'`: (1/D) Σ_j (x_j − x̂_j)², the mean over features as in the lecture's formula:
 *   exactly `'mse-sum'` / D, so the same minimiser, with gradients D times smaller (penalty
 *   weights λ tuned for one are D times too strong for the other).
 * - `'bernoulli'`: −Σ_j [x_j ln σ(l_j) + (1 − x_j) ln(1 − σ(l_j))], the cross-entropy from the
 *   decoder's logits l (x̂ = σ(l)), for data in [0, 1]; summed over features, in nats.
 */
export type ReconstructionLoss = (typeof reconstructionLosses)[number];
