import { type AutoencoderFamily, registerAutoencoderFamily } from '@aekit/core';
import { version } from '../package.json';
import { rebuildStackedAe } from './stacked';
import { createStackedClassifier } from './stacked-classifier';
import type { StackedAeConfig } from './stacked-config';
import type { StackedClassifierConfig } from './stacked-types';

export type { StackedData } from './batch-sources';
export { mapBatches, tensorSource, toBatchSource } from './batch-sources';
export { createStackedAe } from './stacked';
export type {
  StackedAeConfig,
  StackedAeOptions,
  StackedLayerOptions,
  StageFamily,
} from './stacked-config';
export { stageFamilies } from './stacked-config';
export type {
  ClassifierEvaluation,
  PretrainOptions,
  PretrainResult,
  StackedAe,
  StackedClassifier,
  StackedClassifierConfig,
  StackedClassifierOptions,
  TrainableMask,
} from './stacked-types';

/** The 'stacked' family: a saved stack is rebuilt stage by stage from its stage configs. */
export const stackedFamily: AutoencoderFamily<StackedAeConfig> = {
  name: 'stacked',
  packageName: '@aekit/stacked',
  version,
  create: (config) => rebuildStackedAe(config, 'loadModel'),
};

/** The 'stacked-classifier' family: the stack plus the softmax head (it owns the rebuilt stack). */
export const stackedClassifierFamily: AutoencoderFamily<StackedClassifierConfig> = {
  name: 'stacked-classifier',
  packageName: '@aekit/stacked',
  version,
  create: (config) =>
    createStackedClassifier(
      rebuildStackedAe(config.stack, 'loadModel'),
      { numClasses: config.numClasses, trainable: config.trainable, seed: config.seed },
      { ownsStack: true, functionName: 'loadModel' },
    ),
};

registerAutoencoderFamily(stackedFamily);
registerAutoencoderFamily(stackedClassifierFamily);
