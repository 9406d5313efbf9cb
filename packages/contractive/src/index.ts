import { registerAutoencoderFamily } from '@aekit/core';
import { contractiveFamily } from './contractive';

export type { ContractiveAe } from './contractive';
export { contractiveFamily, createContractiveAe } from './contractive';
export type {
  ContractiveAeConfig,
  ContractiveJacobian,
  ResolvedContractiveAeConfig,
} from './contractive-config';
export {
  contractiveAeOptions,
  contractiveDefaults,
  contractiveFamilyDescription,
  contractiveFamilyName,
  contractiveJacobians,
  contractivePenaltyMethod,
  defaultContractiveWeight,
  defaultJacobianProjections,
  exactJacobianMaxLatentDim,
  resolveContractiveAeConfig,
} from './contractive-config';
export type { ContractivePenaltyOptions } from './contractive-loss';
export { contractiveLossTerms } from './contractive-loss';

// Importing the package registers the 'contractive' family, so `loadModel` can rebuild saved models.
registerAutoencoderFamily(contractiveFamily);
