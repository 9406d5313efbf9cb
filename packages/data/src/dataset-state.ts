import { createRng, deriveSeed } from '@aekit/core';
import type { IdxDataType, IdxTypedArray } from './idx';

/**
 * What a `Dataset` is made of, for the modules that implement its operations (construction,
 * selection, transforms, batches); not exported from the package. A state is never changed:
 * every operation makes a new one that shares `storage` (except the epoch counter of a dynamic
 * draw, which datasets derived after `binarize` share on purpose).
 */

/** How samples are stored: the type they were loaded as (IDX images stay `uint8`). */
export type SampleDtype = IdxDataType;

/** The typed arrays a dataset stores samples in. */
export type SampleArray = IdxTypedArray;

/** The samples as loaded, shared by every dataset derived from one another. */
export interface Storage {
  readonly values: SampleArray;
  readonly dtype: SampleDtype;
  readonly count: number;
  readonly dim: number;
  readonly labels: Int32Array | null;
}

/** A per-feature affine map, `value · mul[feature] + add[feature]`. */
export interface Affine {
  readonly mul: Float64Array;
  readonly add: Float64Array;
}

export type Binarization =
  | { readonly kind: 'threshold'; readonly threshold: number }
  | {
      readonly kind: 'draw';
      readonly seed: number;
      /** The next epoch of a dynamic draw, shared by every dataset derived after `binarize`; `null` for a static draw. */
      readonly counter: { next: number } | null;
    };

export interface DatasetState {
  readonly storage: Storage;
  /** Positions in storage, in this dataset's order; `null` for all of storage in order. */
  readonly order: Uint32Array | null;
  readonly featureShape: readonly number[];
  readonly classNames: readonly string[] | null;
  /** Applied per value when a batch is made: `value · mul[feature] + add[feature]`. */
  readonly transform: Affine | null;
  /** Every value is known to lie in [0, 1] (after `normalize`). */
  readonly unitInterval: boolean;
  readonly binarization: Binarization | null;
}

/** The number of samples. */
export function sizeOf(state: DatasetState): number {
  return state.order?.length ?? state.storage.count;
}

/** The storage position of the sample at `position` in this dataset's order. */
export function sampleIndex(state: DatasetState, position: number): number {
  return state.order === null ? position : state.order[position]!;
}

/** The labels in this dataset's order (a fresh copy), or `null` when there are none. */
export function labelsInOrder(state: DatasetState): Int32Array | null {
  const { storage, order } = state;
  if (storage.labels === null) return null;
  if (order === null) return storage.labels.slice();
  const labels = new Int32Array(order.length);
  for (let position = 0; position < order.length; position += 1) {
    labels[position] = storage.labels[order[position]!]!;
  }
  return labels;
}

/** The samples at `positions` (of this dataset's order), in that order. */
export function selectPositions(state: DatasetState, positions: Uint32Array): DatasetState {
  const { order } = state;
  const next = order === null ? positions : positions.map((position) => order[position]!);
  return { ...state, order: next };
}

/** The positions `start`, …, `end − 1`. */
export function range(start: number, end: number): Uint32Array {
  const positions = new Uint32Array(end - start);
  for (let index = 0; index < positions.length; index += 1) positions[index] = start + index;
  return positions;
}

/**
 * The epoch a pass draws: `explicit` when given (the counter then continues after it), else the
 * counter's next one; 0 for a dataset without a dynamic draw.
 */
export function nextEpoch(state: DatasetState, explicit: number | undefined): number {
  const { binarization } = state;
  if (binarization?.kind !== 'draw' || binarization.counter === null) return 0;
  if (explicit !== undefined) {
    binarization.counter.next = explicit + 1;
    return explicit;
  }
  const epoch = binarization.counter.next;
  binarization.counter.next += 1;
  return epoch;
}

/** Writes `count` samples from position `start` into `out`, transformed and binarised. */
export function fillSamples(
  state: DatasetState,
  out: Float32Array,
  start: number,
  count: number,
  epoch: number,
): void {
  const { storage, order, transform, binarization } = state;
  const { values, dim } = storage;
  for (let row = 0; row < count; row += 1) {
    const sample = order === null ? start + row : order[start + row]!;
    const source = sample * dim;
    const target = row * dim;
    if (transform === null) {
      out.set(values.subarray(source, source + dim), target);
    } else {
      const { mul, add } = transform;
      for (let feature = 0; feature < dim; feature += 1) {
        out[target + feature] = values[source + feature]! * mul[feature]! + add[feature]!;
      }
    }
    if (binarization === null) continue;
    if (binarization.kind === 'threshold') {
      const { threshold } = binarization;
      for (let offset = target; offset < target + dim; offset += 1) {
        out[offset] = out[offset]! > threshold ? 1 : 0;
      }
    } else {
      // One generator per (epoch, sample): the draw is independent of order and batching.
      const rng = createRng(deriveSeed(binarization.seed, epoch, sample));
      for (let offset = target; offset < target + dim; offset += 1) {
        out[offset] = rng.nextFloat() < out[offset]! ? 1 : 0;
      }
    }
  }
}
