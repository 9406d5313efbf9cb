import { encoderJacobianNorm } from '@aekit/ae';
import { InvalidArgumentError } from '@aekit/core';
import {
  createStackedAe,
  resolveStackedAeConfig,
  type StackedAe,
  type StackedAeConfig,
  type StageFamily,
  stackedAeOptions,
  stackedFamily,
  stageFamilies,
} from '@aekit/stacked';
import type { FamilyAdapter, FamilyOption } from '../family-contract';
import { booleanFlag, flagKey, positiveIntegerFlag } from '../flags';
import { mlpAdapterNamed } from './mlp-adapters';
import type { MlpFamilyAdapter } from './mlp-families';
import { networkFlagOptions } from './network-flags';
import { optionFlags, parseOptionFlags, resolveWithFlags } from './option-flags';
import { type StackedSettings, trainStacked } from './stacked-training';

/** The adapters whose flags a stage takes, by `--layer-family`. */
const stageAdapters = Object.fromEntries(
  stageFamilies.map((family) => [family, mlpAdapterNamed(family)]),
) as Readonly<Record<StageFamily, MlpFamilyAdapter>>;

/**
 * The schema's fields the command sets from the data and its common flags (`--seed`) rather
 * than from flags of its own; the rest (`--layers`, `--layer-family`) are the schema's flags.
 */
const stackCommonFields: readonly string[] = ['inputDim', 'seed'];

/**
 * Every stage family's flags, once each (in the order of the families), but not the network
 * flags (`--arch` …): a stage is fully connected (see `@aekit/stacked`'s README).
 */
function stageOptions(): FamilyOption[] {
  const seen = new Set<string>(networkFlagOptions.map((option) => option.flags));
  const options: FamilyOption[] = [];
  for (const family of stageFamilies) {
    for (const option of stageAdapters[family].options) {
      if (seen.has(option.flags)) continue;
      seen.add(option.flags);
      options.push(option);
    }
  }
  return options;
}

/** Refuses flags of stage families other than `--layer-family`'s (`--rho` with `--layer-family ae`). */
function checkStageFlags(
  layerFamily: StageFamily,
  values: Readonly<Record<string, unknown>>,
): void {
  const own = new Set(stageAdapters[layerFamily].options.map((option) => option.flags));
  for (const family of stageFamilies) {
    for (const option of stageAdapters[family].options) {
      const value = values[flagKey(option.flags)];
      if (own.has(option.flags) || value === undefined) continue;
      throw new InvalidArgumentError({
        functionName: 'aekit train',
        argument: option.flags.split(' ')[0]!,
        rule: `left out with --layer-family ${layerFamily} (it is an option of --family ${family})`,
        value,
      });
    }
  }
}

/**
 * Stacked autoencoders from `@aekit/stacked`, trained the lecture's way (see `trainStacked`):
 * greedy layer-wise pretraining, a softmax head with the stages fixed, optionally fine-tuning
 * against the same network from scratch. `model/` of a run is the stack as pretrained;
 * `classifier/` and `stacked.json` sit beside it (see `stackedFiles`).
 */
export const stackedAdapter: FamilyAdapter = {
  name: stackedFamily.name,
  title: stackedFamily.title ?? stackedFamily.name,
  summary: stackedFamily.summary ?? '',
  options: [
    ...optionFlags(stackedAeOptions, stackCommonFields),
    {
      flags: '--finetune',
      description:
        'after the head, fine-tune every layer, and train the same network from scratch for as many epochs to compare',
    },
    {
      flags: '--pretrain-epochs <n>',
      description: "epochs of each stage's pretraining",
      defaultText: 'the value of --epochs',
    },
    {
      flags: '--head-epochs <n>',
      description: 'epochs of the softmax head with the stages fixed',
      defaultText: 'the value of --epochs',
    },
    ...stageOptions(),
  ],

  parseOptions(values) {
    for (const [key, flag] of [
      ['latent', '--latent'],
      ['hidden', '--hidden'],
    ] as const) {
      if (values[key] !== undefined) {
        throw new InvalidArgumentError({
          functionName: 'aekit train',
          argument: flag,
          rule: "left out with --family stacked (set the stages' widths with --layers)",
          value: values[key],
        });
      }
    }
    // The stack's widths and family, defaulted and checked by the library (with any width of
    // input, before the data is loaded); errors name the flag.
    const given = parseOptionFlags('train', stackedAeOptions, values, stackCommonFields);
    const stack = resolveWithFlags('train', stackedAeOptions, (functionName) =>
      resolveStackedAeConfig({ ...given, inputDim: 1 } as StackedAeConfig, functionName),
    );
    const layerFamily = stack.stages[0]!.family as StageFamily;
    checkStageFlags(layerFamily, values);
    const settings: StackedSettings = {
      layers: [...stack.latentDims],
      layerFamily,
      stage: stageAdapters[layerFamily].parseOptions(values),
      finetune: booleanFlag(values.finetune),
      pretrainEpochs:
        values.pretrainEpochs === undefined
          ? null
          : positiveIntegerFlag('train', '--pretrain-epochs', values.pretrainEpochs),
      headEpochs:
        values.headEpochs === undefined
          ? null
          : positiveIntegerFlag('train', '--head-epochs', values.headEpochs),
    };
    return settings as unknown as ReturnType<FamilyAdapter['parseOptions']>;
  },

  create(settings, shape) {
    if (shape.numClasses === null || shape.numClasses < 2) {
      throw new InvalidArgumentError({
        functionName: 'aekit train',
        argument: '--data',
        rule: 'labelled, with at least 2 classes, for --family stacked (its softmax classifier learns the classes)',
        value: shape.numClasses === null ? 'data without labels' : 'data of one class',
      });
    }
    const { layers, layerFamily, stage } = settings as unknown as StackedSettings;
    return createStackedAe({
      inputDim: shape.inputDim,
      layers: layers.map((latentDim) => ({
        ...(stage as Record<string, never>),
        latentDim,
        family: layerFamily as StageFamily,
      })),
      seed: shape.seed,
    });
  },

  needsLabels: () => false,

  encoderJacobianNorm: (model, x) => encoderJacobianNorm((model as StackedAe).encoder(), x),

  train: trainStacked,

  extraNote(extra, model) {
    if (extra !== 'filters') return undefined;
    const first = (model as StackedAe).stages[0]!;
    return {
      heading: "The first layer's filters",
      explanation: `The weights of each unit of stage 1 (a ${first.config.family} autoencoder) from every input pixel, as learned in pretraining, before any label was seen: the low-level features the higher stages combine.`,
    };
  },
};
