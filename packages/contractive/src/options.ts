// `@aekit/contractive/options`: the contractive family's description and options, loading no
// TensorFlow.js, for pages that draw controls while a worker trains. `@aekit/contractive`
// exports all of it too.
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
