export type { Numeric, Tolerance } from './all-close';
export { expectAllClose } from './all-close';
export type { Conv64, Window64 } from './conv64';
export {
  conv2d64,
  convTranspose2d64,
  pool64,
  upsampleNearest64,
  window64,
  windowSize64,
} from './conv64';
export type { BackendActivator, TestBackend } from './describe-backends';
export { describeBackends, selectedBackends, setBackendActivator } from './describe-backends';
export type {
  CheckableModel,
  ConfigErrorCase,
  ModelFiles,
  OneStepOptions,
  RegisteredFamily,
  SteppableModel,
} from './family-checks';
export {
  expectConfigError,
  expectFamilyRegistered,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  itRejectsConfigs,
  temporaryFolder,
} from './family-checks';
export type { Activation64, Dense64, Matrix, Values64 } from './float64';
export {
  activate64,
  derivative64,
  finiteDifference,
  finiteDifferenceJacobian,
  forward64,
  frobeniusSquared64,
  jacobian64,
  preActivation64,
  setVariables64,
  sigmoid64,
  softplus64,
  stream,
  uniformMatrix,
  uniforms,
} from './float64';
export type { NetworkCheckSetup, NetworkModel } from './network-checks';
export { itTrainsOnANetworkSpec, smallConvNetwork } from './network-checks';
export { expectModelFreesItsTensors, expectNoLeaks } from './no-leaks';
