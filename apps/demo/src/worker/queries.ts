import { corrupt } from '@aekit/denoising';
import { fitPca } from '@aekit/evaluation';
import { interpolationWeights } from '@aekit/vae';
import {
  dispose,
  fill,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tensor2d,
} from '@tensorflow/tfjs-core';
import type { Histogram, Images, LatentPoints, Queries, QueryName } from '../protocol';
import { corruptionFor } from './corruption';
import type { HistogramValues } from './family-models';
import { inputDim, type Session } from './session';

/** Reads a tensor into a fresh Float32Array and disposes it. */
function take(tensor: Tensor): Float32Array {
  try {
    return Float32Array.from(tensor.dataSync() as Float32Array);
  } finally {
    tensor.dispose();
  }
}

function images(tensor: Tensor2D): Images {
  const count = tensor.shape[0];
  return { count, pixels: take(tensor) };
}

/** Labels for `n` rows of one class, when the model is conditional; the caller disposes. */
function labelsFor(session: Session, n: number, label: number | undefined): Tensor1D | undefined {
  const handle = session.requireModel();
  if (handle.numClasses === null) return undefined;
  const chosen = label ?? 0;
  if (!Number.isInteger(chosen) || chosen < 0 || chosen >= handle.numClasses) {
    throw new Error(`The digit must be an integer in [0, ${handle.numClasses}), got ${label}.`);
  }
  return fill([n], chosen, 'int32') as Tensor1D;
}

/** A histogram of `values` in `bins` equal bins spanning their range (widened to `span`). */
export function histogram(
  values: HistogramValues,
  bins: number,
  span?: readonly [number, number],
): Histogram {
  let low = span?.[0] ?? Number.POSITIVE_INFINITY;
  let high = span?.[1] ?? Number.NEGATIVE_INFINITY;
  for (const value of values.values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (!(high > low)) high = low + 1;
  const edges = Float32Array.from({ length: bins + 1 }, (_, i) => low + ((high - low) * i) / bins);
  const counts = new Int32Array(bins);
  for (const value of values.values) {
    const bin = Math.min(bins - 1, Math.floor(((value - low) / (high - low)) * bins));
    counts[bin]! += 1;
  }
  return {
    title: values.title,
    note: values.note,
    edges,
    counts,
    ...(values.reference === undefined ? {} : { reference: values.reference }),
  };
}

function firstIndices(session: Session, count: number): number[] {
  const available = session.digits.testLabels.length;
  return Array.from({ length: Math.min(count, available) }, (_, index) => index);
}

type Handlers = {
  [Name in QueryName]: (session: Session, args: Queries[Name]['args']) => Queries[Name]['result'];
};

/** Answers to the page's questions about the current model. */
export const queries: Handlers = {
  reconstruct(session, { indices }) {
    const handle = session.requireModel();
    const { x, labels } = session.testBatch(indices);
    try {
      return images(handle.reconstruct(x, labels));
    } finally {
      dispose([x, labels]);
    }
  },

  latent(session, { count }): LatentPoints {
    const handle = session.requireModel();
    const indices = firstIndices(session, count);
    const { x, labels } = session.testBatch(indices);
    let codes: Float32Array;
    try {
      codes = take(handle.encode(x, labels));
    } finally {
      dispose([x, labels]);
    }
    const dim = handle.codeDim;
    const base = { indices: Int32Array.from(indices) };
    if (dim === 2) return { ...base, coordinates: codes, projection: 'latent', explained: [1, 1] };
    if (dim === 1) {
      const coordinates = new Float32Array(indices.length * 2);
      codes.forEach((value, row) => {
        coordinates[row * 2] = value;
      });
      return { ...base, coordinates, projection: 'latent', explained: [1, 0] };
    }
    // dim > 2 here: two principal components, each with its share of the variance.
    const pca = fitPca(codes, indices.length, dim, { components: 2 });
    const coordinates = Float32Array.from(pca.project(codes, indices.length));
    const [first = 0, second = 0] = pca.explainedVarianceRatio;
    return { ...base, coordinates, projection: 'pca', explained: [first, second] };
  },

  decode(session, { z, label }) {
    const handle = session.requireModel();
    if (z.length !== handle.codeDim) {
      throw new Error(`The code must have ${handle.codeDim} numbers, got ${z.length}.`);
    }
    const code = tensor2d([...z], [1, z.length]);
    const labels = labelsFor(session, 1, label);
    try {
      return images(handle.decode(code, labels));
    } finally {
      dispose([code, ...(labels === undefined ? [] : [labels])]);
    }
  },

  manifold(session, { n, range, label }) {
    const handle = session.requireModel();
    if (handle.codeDim !== 2) throw new Error('The manifold grid needs a 2-D latent space.');
    // Row-major, the top row at z₂ = +range, the left column at z₁ = −range.
    const points: number[] = [];
    for (let row = 0; row < n; row += 1) {
      for (let column = 0; column < n; column += 1) {
        points.push(-range + (2 * range * column) / (n - 1), range - (2 * range * row) / (n - 1));
      }
    }
    const code = tensor2d(points, [n * n, 2]);
    const labels = labelsFor(session, n * n, label);
    try {
      return images(handle.decode(code, labels));
    } finally {
      dispose([code, ...(labels === undefined ? [] : [labels])]);
    }
  },

  interpolate(session, { from, to, steps, method }) {
    const handle = session.requireModel();
    const ends = session.testBatch([from, to]);
    let codes: Float32Array;
    try {
      codes = take(handle.encode(ends.x, ends.labels));
    } finally {
      dispose([ends.x, ends.labels]);
    }
    const dim = handle.codeDim;
    const a = Array.from(codes.subarray(0, dim));
    const b = Array.from(codes.subarray(dim));
    const path = interpolationWeights(a, b, steps, method).flatMap(([wa, wb]) =>
      a.map((value, j) => wa * value + wb * b[j]!),
    );
    const code = tensor2d(path, [steps, dim]);
    // A conditional model decodes the whole path as the first digit's class.
    const labels = labelsFor(session, steps, session.digits.testLabels[from]);
    try {
      return images(handle.decode(code, labels));
    } finally {
      dispose([code, ...(labels === undefined ? [] : [labels])]);
    }
  },

  sample(session, { n, seed, label }) {
    const handle = session.requireModel();
    if (handle.sample === undefined) throw new Error('This model has no prior to sample from.');
    const labels = labelsFor(session, n, label);
    try {
      return images(handle.sample(n, seed, labels));
    } finally {
      labels?.dispose();
    }
  },

  denoise(session, { pixels, noise, label }) {
    const handle = session.requireModel();
    if (pixels.length !== inputDim) {
      throw new Error(`An image has ${inputDim} pixels, got ${pixels.length}.`);
    }
    const clean = tensor2d(pixels, [1, inputDim]);
    const x =
      noise.level > 0
        ? corrupt(clean, [corruptionFor(noise.kind, noise.level)], noise.seed)
        : clean;
    const labels = labelsFor(session, 1, label);
    try {
      return {
        noisy: { count: 1, pixels: Float32Array.from(x.dataSync()) },
        reconstruction: images(handle.reconstruct(x, labels)),
      };
    } finally {
      dispose([clean, x, ...(labels === undefined ? [] : [labels])]);
    }
  },

  filters(session, { count }) {
    const handle = session.requireModel();
    if (handle.filters === undefined) {
      throw new Error('This model has no dense first layer on the pixels.');
    }
    return images(handle.filters(count));
  },

  histograms(session, { count }) {
    const handle = session.requireModel();
    const { x, labels } = session.testBatch(firstIndices(session, count));
    try {
      return (handle.histograms?.(x, labels) ?? []).map((values) =>
        histogram(values, 40, values.reference === 'standard-normal' ? [-3, 3] : undefined),
      );
    } finally {
      dispose([x, labels]);
    }
  },
};
