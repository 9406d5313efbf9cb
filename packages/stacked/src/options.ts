// `@aekit/stacked/options`: the stacked family's options, loading no TensorFlow.js, for pages
// that draw controls while a worker trains. `@aekit/stacked` exports all of it too.
export type { StageFamily } from './stacked-options';
export {
  stackedAeOptions,
  stackedFamilyName,
  stackedFamilySummary,
  stackedFamilyTitle,
  stageFamilies,
} from './stacked-options';
