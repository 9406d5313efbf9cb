import { type AutoencoderFamily, registerAutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import { rebuildStackedAe } from './stacked';
import { createStackedClassifier } from './stacked-classifier';
import {
  type ResolvedStackedAeConfig,
  stackedAeConfigOptions,
  upgradeStackedAeConfig,
} from './stacked-config';
import { stackedFamilyName, stackedFamilySummary, stackedFamilyTitle } from './stacked-options';
import type { StackedClassifierConfig } from './stacked-types';

export type { StackedData } from './batch-sources';
export { mapBatches, tensorSource, toBatchSource } from './batch-sources';
export { createStackedAe } from './stacked';
export type {
  ResolvedStackedAeConfig,
  StackedAeConfig,
  StackedStageConfig,
} from './stacked-config';
export {
  resolveStackedAeConfig,
  stackedAeConfigOptions,
  upgradeStackedAeConfig,
} from './stacked-config';
export type { StageFamily } from './stacked-options';
export {
  stackedAeOptions,
  stackedFamilyName,
  stackedFamilySummary,
  stackedFamilyTitle,
  stageFamilies,
} from './stacked-options';
export type {
  AnyTrainer,
  ClassifierEvaluation,
  PretrainOptions,
  PretrainResult,
  StackedAe,
  StackedClassifier,
  StackedClassifierConfig,
  StackedClassifierOptions,
  TrainableMask,
  TrainerOptions,
} from './stacked-types';

/**
 * The 'stacked' family: a saved stack is rebuilt stage by stage from its stage configs, also
 * one saved with the field names of earlier versions (see `upgradeStackedAeConfig`).
 */
export const stackedFamily: AutoencoderFamily<ResolvedStackedAeConfig> = {
  name: stackedFamilyName,
  packageName: '@aekit/stacked',
  version,
  title: stackedFamilyTitle,
  summary: stackedFamilySummary,
  options: stackedAeConfigOptions,
  extras: ['pretraining', 'stage-codes', 'filters', 'classifier'],
  create: (config) =>
    rebuildStackedAe(upgradeStackedAeConfig(config) as ResolvedStackedAeConfig, 'loadModel'),
};

/** The 'stacked-classifier' family: the stack plus the softmax head (it owns the rebuilt stack). */
export const stackedClassifierFamily: AutoencoderFamily<StackedClassifierConfig> = {
  name: 'stacked-classifier',
  packageName: '@aekit/stacked',
  version,
  create: (config) =>
    createStackedClassifier(
      rebuildStackedAe(
        upgradeStackedAeConfig(config.stack) as ResolvedStackedAeConfig,
        'loadModel',
      ),
      { numClasses: config.numClasses, trainable: config.trainable, seed: config.seed },
      { ownsStack: true, functionName: 'loadModel' },
    ),
};

registerAutoencoderFamily(stackedFamily);
registerAutoencoderFamily(stackedClassifierFamily);
