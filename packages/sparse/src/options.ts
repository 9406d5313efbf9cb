// `@aekit/sparse/options`: the sparse family's description and options, loading no
// TensorFlow.js, for pages that draw controls while a worker trains. `@aekit/sparse` exports
// all of it too.
export type { ResolvedSparseAeConfig, SparseAeConfig, SparsityPenalty } from './sparse-config';
export {
  defaultSparsityWeights,
  renamedSparseAeConfigFields,
  resolveSparseAeConfig,
  sparseAeOptions,
  sparseFamilyDescription,
  sparseFamilyName,
  sparseNetworkOptions,
  sparsityPenalties,
  upgradeSparseAeConfig,
} from './sparse-config';
