/** The activations a layer can use, by name. */
export const activationNames = [
  'sigmoid',
  'relu',
  'tanh',
  'softplus',
  'leakyRelu',
  'elu',
  'linear',
] as const;

/**
 * An activation by name:
 * - `sigmoid`: 1 / (1 + e^(−x))
 * - `relu`: max(0, x)
 * - `tanh`: tanh(x)
 * - `softplus`: log(1 + e^x)
 * - `leakyRelu`: x for x ≥ 0, `leakyReluAlpha`·x below (slope 0.2, tfjs's default)
 * - `elu`: x for x > 0, e^x − 1 below (α = 1)
 * - `linear`: x
 */
export type ActivationName = (typeof activationNames)[number];
