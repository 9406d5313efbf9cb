import { encoderJacobianNorm } from '@aekit/ae';
import { InvalidArgumentError } from '@aekit/core';
import { createStackedAe, type StackedAe, type StageFamily, stageFamilies } from '@aekit/stacked';
import type { FamilyAdapter, FamilyOption } from '../family-contract';
import { booleanFlag, choiceFlag, flagKey, integerListFlag, positiveIntegerFlag } from '../flags';
import { aeAdapter } from './ae';
import { contractiveAdapter } from './contractive';
import { denoisingAdapter } from './denoising';
import type { MlpFamilyAdapter } from './mlp-families';
import { sparseAdapter } from './sparse';
import { type StackedSettings, trainStacked } from './stacked-training';

/** The adapters whose flags a stage takes, by `--layer-family`. */
const stageAdapters: Readonly<Record<StageFamily, MlpFamilyAdapter>> = {
  ae: aeAdapter,
  denoising: denoisingAdapter,
  sparse: sparseAdapter,
  contractive: contractiveAdapter,
};

/** `--layers` and `--layer-family` when not given. */
export const stackedDefaults = { layers: [256, 128], layerFamily: 'denoising' } as const;

/** Every stage family's flags, once each (in the order of the families). */
function stageOptions(): FamilyOption[] {
  const seen = new Set<string>();
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
  name: 'stacked',
  title: 'Stacked autoencoder',
  summary:
    'stacked autoencoder: stages pretrained one after another on the codes below, then a softmax classifier, optionally fine-tuned',
  options: [
    {
      flags: '--layers <widths>',
      description: "the stages' code widths from the input up, comma-separated",
      defaultText: stackedDefaults.layers.join(','),
    },
    {
      flags: '--layer-family <name>',
      description:
        "the family of every stage; the stages take that family's options (--masking, --rho, --lambda, --loss, …)",
      defaultText: stackedDefaults.layerFamily,
      choices: stageFamilies,
    },
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
    const layers = integerListFlag(
      'train',
      '--layers',
      values.layers ?? stackedDefaults.layers.join(','),
    );
    const layerFamily = choiceFlag(
      'train',
      '--layer-family',
      values.layerFamily ?? stackedDefaults.layerFamily,
      stageFamilies,
    );
    checkStageFlags(layerFamily, values);
    const settings: StackedSettings = {
      layers,
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
