/** The weight initialisers, by name. */
export const initializerNames = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'zeros',
] as const;

/**
 * How a weight `[fanIn, fanOut]` starts:
 * - `glorotUniform`: U(−l, l) with l = √(6 / (fanIn + fanOut))
 * - `glorotNormal`: N(0, σ²) truncated at ±2σ₀, variance 2 / (fanIn + fanOut)
 * - `heUniform`: U(−l, l) with l = √(6 / fanIn)
 * - `heNormal`: N(0, σ²) truncated at ±2σ₀, variance 2 / fanIn
 * - `zeros`: 0
 *
 * The truncated normals draw from N(0, σ₀²) and redraw beyond 2σ₀, with
 * σ₀ = σ / 0.87962566103423978 so that the truncated distribution has variance σ² (as Keras's
 * variance-scaling initialisers do).
 */
export type InitializerName = (typeof initializerNames)[number];

/**
 * The initialisers of a layer's weights: `initializerNames` (the bias starts at zero) and
 * `'fanInUniform'`, U(−1/√fanIn, 1/√fanIn) for the weight and the bias, PyTorch's default for
 * `Linear`, `Conv2d` and `ConvTranspose2d`.
 */
export const layerInitializerNames = ['fanInUniform', ...initializerNames] as const;
export type LayerInitializerName = (typeof layerInitializerNames)[number];
