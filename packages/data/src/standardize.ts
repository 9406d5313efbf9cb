import { checkNumber, checkOptionsObject, InvalidArgumentError } from '@aekit/core';
import { Dataset, datasetOf, stateOf } from './dataset';
import {
  featureStatistics,
  type StandardizeOptions,
  sameAffine,
  standardizeOptionNames,
  standardizeState,
} from './dataset-transforms';

/** Named datasets with a `train` split, as `standardize` takes them: `{ train, test }`. */
export type Splits = { readonly train: Dataset };

/**
 * Standardises every split (zero mean, unit variance per feature) with the mean and standard
 * deviation of `splits.train` alone, so nothing about the other splits leaks into training.
 * Returns the same keys. Split off a validation set before, not after, standardising.
 *
 * ```ts
 * const { train, test } = standardize(await loadFashionMnist());
 * ```
 */
export function standardize<const S extends Splits>(
  splits: S & { readonly [K in keyof S]: Dataset },
  options: StandardizeOptions = {},
): { readonly [K in keyof S]: Dataset } {
  const functionName = 'standardize';
  if (typeof splits !== 'object' || splits === null || !(splits.train instanceof Dataset)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'splits',
      rule: 'an object of datasets with a `train` dataset, e.g. { train, test }',
      value: splits,
    });
  }
  checkOptionsObject(functionName, 'options', options, standardizeOptionNames);
  const minStd =
    options.minStd === undefined
      ? 1e-8
      : checkNumber(functionName, 'minStd', options.minStd, { min: 0 });
  const train = splits.train;
  const trainTransform = stateOf(train).transform;
  for (const [name, dataset] of Object.entries(splits) as [string, unknown][]) {
    if (!(dataset instanceof Dataset)) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: 'a Dataset',
        value: dataset,
      });
    }
    const state = stateOf(dataset);
    if (state.binarization !== null) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: 'a dataset that is not binarised',
        value: 'a binarised dataset',
      });
    }
    if (dataset.dim !== train.dim) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: `a dataset of ${train.dim} values per sample, like splits.train`,
        value: `a dataset of ${dataset.dim}`,
      });
    }
    if (!sameAffine(state.transform, trainTransform)) {
      throw new InvalidArgumentError({
        functionName,
        argument: `splits.${name}`,
        rule: 'a dataset normalised exactly like splits.train (or, like it, not at all)',
        value: 'a dataset normalised differently',
      });
    }
  }
  if (train.size === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'splits.train',
      rule: 'a dataset with at least one sample',
      value: 'an empty dataset',
    });
  }
  const statistics = featureStatistics(stateOf(train), minStd);
  const result: Record<string, Dataset> = {};
  for (const [name, dataset] of Object.entries(splits) as [string, Dataset][]) {
    result[name] = datasetOf(standardizeState(stateOf(dataset), statistics));
  }
  return result as { readonly [K in keyof S]: Dataset };
}
