import {
  checkBoolean,
  checkInteger,
  checkOptionsObject,
  checkSeed,
  createRng,
  formatValue,
  InvalidArgumentError,
} from '@aekit/core';
import { apportion } from './apportion';
import { type DatasetState, labelsInOrder, range, selectPositions, sizeOf } from './dataset-state';

/**
 * Choosing and ordering samples: `shuffle`, `take`, `split` (optionally stratified) and
 * `filterLabels`. Each only makes a new order over the same storage.
 */

/** Options of `Dataset.split`. */
export interface SplitOptions {
  /** Shuffle before splitting, with this seed; both parts come out in shuffled order. */
  readonly seed?: number;
  /** Keep each label's share the same in both parts (largest remainder). Needs labels. */
  readonly stratify?: boolean;
}

const splitOptionNames = ['seed', 'stratify'] as const satisfies readonly (keyof SplitOptions)[];

/** `Dataset.shuffle`: the samples in a random order given by `seed`. */
export function shuffleState(state: DatasetState, seed: number): DatasetState {
  checkSeed('Dataset.shuffle', 'seed', seed);
  return selectPositions(state, createRng(seed).permutation(sizeOf(state)));
}

/** `Dataset.take`: the first `count` samples. */
export function takeState(state: DatasetState, count: number): DatasetState {
  checkInteger('Dataset.take', 'count', count, { min: 0, max: sizeOf(state) });
  return selectPositions(state, range(0, count));
}

/** `Dataset.split`: the two parts. */
export function splitState(
  state: DatasetState,
  first: number,
  options: SplitOptions,
): [DatasetState, DatasetState] {
  const functionName = 'Dataset.split';
  checkOptionsObject(functionName, 'options', options, splitOptionNames);
  const size = sizeOf(state);
  let count: number;
  if (typeof first === 'number' && first > 0 && first < 1) {
    count = Math.round(first * size);
  } else {
    if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > size) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'first',
        rule: `a count, an integer in [0, ${size}], or a fraction strictly between 0 and 1`,
        value: first,
      });
    }
    count = first;
  }
  const seed =
    options.seed === undefined ? undefined : checkSeed(functionName, 'seed', options.seed);
  const stratify =
    options.stratify === undefined
      ? false
      : checkBoolean(functionName, 'stratify', options.stratify);
  const rng = seed === undefined ? undefined : createRng(seed);
  let firstPart: Uint32Array;
  let secondPart: Uint32Array;
  if (stratify) {
    const labels = labelsInOrder(state);
    if (labels === null) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'stratify',
        rule: 'false for a dataset without labels',
        value: true,
      });
    }
    [firstPart, secondPart] = stratifiedParts(labels, count, rng);
  } else {
    const positions = rng === undefined ? range(0, size) : rng.permutation(size);
    firstPart = positions.slice(0, count);
    secondPart = positions.slice(count);
  }
  return [selectPositions(state, firstPart), selectPositions(state, secondPart)];
}

/** `Dataset.filterLabels`: the samples whose label is one of `keep`. */
export function filterLabelsState(
  state: DatasetState,
  keep: readonly (number | string)[],
): DatasetState {
  const functionName = 'Dataset.filterLabels';
  const { classNames } = state;
  const labels = labelsInOrder(state);
  if (labels === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'this',
      rule: 'a dataset with labels',
      value: 'a dataset without labels',
    });
  }
  if (!Array.isArray(keep) || keep.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'keep',
      rule: 'a non-empty array of labels or class names',
      value: keep,
    });
  }
  const wanted = new Set<number>();
  keep.forEach((item, index) => {
    if (typeof item === 'string') {
      const label = classNames?.indexOf(item) ?? -1;
      if (label < 0) {
        throw new InvalidArgumentError({
          functionName,
          argument: `keep[${index}]`,
          rule:
            classNames === null
              ? 'a label (this dataset has no class names)'
              : `a label or one of the class names ${classNames.map((name) => formatValue(name)).join(', ')}`,
          value: item,
        });
      }
      wanted.add(label);
    } else {
      wanted.add(checkInteger(functionName, `keep[${index}]`, item, { min: 0 }));
    }
  });
  const positions: number[] = [];
  labels.forEach((label, position) => {
    if (wanted.has(label)) positions.push(position);
  });
  return selectPositions(state, Uint32Array.from(positions));
}

/** Positions (into `labels`) of the two parts of a stratified split. */
function stratifiedParts(
  labels: Int32Array,
  count: number,
  rng: ReturnType<typeof createRng> | undefined,
): [Uint32Array, Uint32Array] {
  const byLabel = new Map<number, number[]>();
  labels.forEach((label, position) => {
    let group = byLabel.get(label);
    if (group === undefined) {
      group = [];
      byLabel.set(label, group);
    }
    group.push(position);
  });
  const groups = [...byLabel.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
  const shares = apportion(
    groups.map((group) => group.length),
    count,
  );
  const first: number[] = [];
  const second: number[] = [];
  groups.forEach((group, index) => {
    const members =
      rng === undefined ? group : Array.from(rng.permutation(group.length), (i) => group[i]!);
    first.push(...members.slice(0, shares[index]));
    second.push(...members.slice(shares[index]));
  });
  const arrange = (positions: number[]): Uint32Array => {
    if (rng === undefined) return Uint32Array.from(positions.sort((a, b) => a - b));
    const permutation = rng.permutation(positions.length);
    return Uint32Array.from(permutation, (i) => positions[i]!);
  };
  return [arrange(first), arrange(second)];
}
