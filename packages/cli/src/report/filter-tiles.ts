import { checkPositiveInteger, InvalidArgumentError } from '@aekit/core';

/**
 * Weights drawn as images: row j of `weights` `[count, dim]` mapped to [0, 1] by its own
 * largest magnitude, v_jk = ½ + ½ · w_jk / max_k |w_jk|, so a zero weight is mid-grey, the most
 * positive weight white and the most negative black (a row of zeros stays grey). Each filter
 * gets its own scale, as in the lecture's pictures of learned features.
 * @returns `[count, dim]` row-major, values in [0, 1].
 */
export function filterTiles(weights: ArrayLike<number>, count: number, dim: number): Float32Array {
  checkPositiveInteger('filterTiles', 'count', count);
  checkPositiveInteger('filterTiles', 'dim', dim);
  if (weights.length < count * dim) {
    throw new InvalidArgumentError({
      functionName: 'filterTiles',
      argument: 'weights',
      rule: `at least count × dim = ${count * dim} values`,
      value: `${weights.length} values`,
    });
  }
  const tiles = new Float32Array(count * dim);
  for (let row = 0; row < count; row += 1) {
    let largest = 0;
    for (let k = 0; k < dim; k += 1) largest = Math.max(largest, Math.abs(weights[row * dim + k]!));
    const scale = largest > 0 ? 0.5 / largest : 0;
    for (let k = 0; k < dim; k += 1) tiles[row * dim + k] = 0.5 + scale * weights[row * dim + k]!;
  }
  return tiles;
}
