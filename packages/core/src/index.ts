export type { DenseActivation } from './activations';
export type {
  Autoencoder,
  AutoencoderConfig,
  JsonValue,
  LossContext,
  LossTerms,
  TrainableModel,
} from './autoencoder';
export type { Batch, BatchSource } from './batch-source';
export { bernoulliLogLikelihoodKernelName } from './bernoulli-kernel';
export { bhattacharyyaGaussians } from './bhattacharyya';
export type { NumberRange, TensorRequirements } from './checks';
export {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSameShape,
  checkSeed,
  checkTensor,
} from './checks';
export type { DenseLayer } from './dense-jacobian';
export { denseJacobianFrobeniusSquared } from './dense-jacobian';
export type { DenseKernelAttrs } from './dense-kernel';
export { denseKernelActivations, denseKernelName } from './dense-kernel';
export type { InvalidArgumentDetails, ShapeMismatchDetails, ShapePattern } from './errors';
export {
  AekitError,
  InvalidArgumentError,
  ShapeMismatchError,
  UnsupportedKernelError,
} from './errors';
export type {
  AutoencoderFamily,
  AutoencoderFamilyDescription,
  FamilyExtra,
  FamilyNotes,
  FamilyView,
} from './families';
export {
  familyExtraKinds,
  familyExtras,
  familyViewKinds,
  findAutoencoderFamily,
  registerAutoencoderFamily,
  registeredAutoencoderFamilies,
} from './families';
export { formatValue } from './format-value';
export { jacobian } from './jacobian';
export { klBernoulli } from './kl-bernoulli';
export { klDiagGaussianStdNormal, klDiagGaussians } from './kl-diag-gaussian';
export type { MonteCarloEstimate } from './kl-monte-carlo';
export { klMonteCarlo } from './kl-monte-carlo';
export { klMultivariateGaussians } from './kl-multivariate-gaussians';
export { bernoulliLogLikelihood, gaussianLogLikelihood } from './likelihoods';
export { logMeanExp, logSumExp } from './log-sum-exp';
export { mlpJacobianFrobeniusSquared } from './mlp-jacobian';
export type { OptimizerStepAttrs, OptimizerStepMethod } from './optimizer-step-kernel';
export { optimizerStepKernelName, optimizerStepStateNames } from './optimizer-step-kernel';
export type {
  BooleanOptionSpec,
  ChoiceOptionSpec,
  IntegerListOptionSpec,
  IntegerOptionSpec,
  JsonOptionSpec,
  NumberOptionSpec,
  OptionCondition,
  OptionSchema,
  OptionSpec,
  OptionValue,
  ResolvedOptions,
  ResolvedSoFar,
  SeedOptionSpec,
  SuggestedRange,
} from './option-schema';
export {
  booleanOption,
  checkOptionValue,
  choiceOption,
  describeDefault,
  describeOption,
  integerListOption,
  integerOption,
  jsonOption,
  numberOption,
  optionDefault,
  optionFlag,
  resolveOptions,
  seedOption,
} from './option-schema';
export type { UnknownOptionDetails } from './options';
export {
  checkConfigObject,
  checkKnownFields,
  checkOptionsObject,
  closestName,
  deepFreeze,
  renameFields,
  UnknownOptionError,
} from './options';
export type { RngState } from './random';
export {
  createRng,
  deriveSeed,
  Rng,
  randomNormalTensor,
  randomUniformTensor,
} from './random';
export { reparameterize } from './reparameterize';
export type { Trainer } from './trainer';
