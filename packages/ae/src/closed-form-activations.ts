import type { DenseActivation } from '@aekit/core/options';

/** The activations whose Jacobian `@aekit/core` computes in closed form (and differentiably). */
export const closedFormActivations: readonly DenseActivation[] = [
  'sigmoid',
  'tanh',
  'relu',
  'softplus',
  'linear',
];
