import { createRng } from '@aekit/core';
import type { LabelledFeatures } from '../labelled-features';

/** Gaussian blobs: class c centred at `separation`·e_c in `dim` dimensions, unit noise. */
export function blobs(
  count: number,
  dim: number,
  classes: number,
  separation: number,
  seed: number,
): LabelledFeatures {
  const rng = createRng(seed);
  const noise = rng.normalArray(count * dim);
  const labels = new Int32Array(count);
  const features = new Float32Array(count * dim);
  for (let i = 0; i < count; i += 1) {
    labels[i] = i % classes;
    for (let j = 0; j < dim; j += 1) {
      features[i * dim + j] = noise[i * dim + j]! + (j === labels[i] ? separation : 0);
    }
  }
  return { features, labels, count, dim };
}
