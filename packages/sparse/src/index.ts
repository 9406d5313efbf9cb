import { registerAutoencoderFamily } from '@aekit/core';
import { sparseFamily } from './sparse';

export type { SparseAe } from './sparse';
export { createSparseAe, sparseFamily } from './sparse';
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
export type { SparsityOptions } from './sparse-loss';
export { sparseLossTerms, sparsityPenalty } from './sparse-loss';

// Importing the package registers the 'sparse' family, so `loadModel` can rebuild saved models.
registerAutoencoderFamily(sparseFamily);
