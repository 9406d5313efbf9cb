export type { Autoencoder, LossContext, LossTerms, TrainableModel } from './autoencoder';
export type { Batch, BatchSource } from './batch-source';
export { bernoulliLogLikelihoodKernelName } from './bernoulli-kernel';
export { bhattacharyyaGaussians } from './bhattacharyya';
export type { DenseLayer } from './dense-jacobian';
export { denseJacobianFrobeniusSquared } from './dense-jacobian';
export type { DenseKernelAttrs } from './dense-kernel';
export { denseKernelActivations, denseKernelName } from './dense-kernel';
export { familyExtraKinds, familyExtras } from './families';
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
// Everything of `@aekit/core/options` (the part that loads no TensorFlow.js).
export * from './options-entry';
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
