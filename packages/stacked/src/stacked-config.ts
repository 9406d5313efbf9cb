import { createAe, type MlpAutoencoder } from '@aekit/ae';
import { createContractiveAe } from '@aekit/contractive';
import {
  type AutoencoderConfig,
  checkOneOf,
  checkPositiveInteger,
  checkSeed,
  deriveSeed,
  InvalidArgumentError,
  type JsonValue,
} from '@aekit/core';
import { createDenoisingAe } from '@aekit/denoising';
import { createSparseAe } from '@aekit/sparse';

/** The families a stage can be. */
export type StageFamily = 'ae' | 'denoising' | 'sparse' | 'contractive';

export const stageFamilies: readonly StageFamily[] = ['ae', 'denoising', 'sparse', 'contractive'];

/**
 * How each family is built as one stage: the config field that holds the stage's width and the
 * family's own factory (which validates the rest of the options). A table, so adding a family
 * is one entry.
 */
const stageBuilders: Record<
  StageFamily,
  { readonly widthField: string; readonly create: (config: never) => MlpAutoencoder }
> = {
  ae: { widthField: 'codeDim', create: createAe },
  denoising: { widthField: 'codeDim', create: createDenoisingAe },
  sparse: { widthField: 'hiddenDim', create: createSparseAe },
  contractive: { widthField: 'codeDim', create: createContractiveAe },
};

/** One stage: its width, its family, and any of that family's options (e.g. `rho`, `lambda`). */
export interface StackedLayerOptions {
  /** Width of this stage's code. */
  readonly units: number;
  /** The family this stage is trained as. */
  readonly family: StageFamily;
  /** The family's own options (its `inputDim`, width and `seed` are set by the stack). */
  readonly [option: string]: JsonValue | undefined;
}

/** What `createStackedAe` accepts. */
export interface StackedAeOptions {
  /** Features per example. */
  readonly inputDim: number;
  /** The stages, from the input up: stage k encodes the codes of stage k − 1. */
  readonly layers: readonly StackedLayerOptions[];
  /** Seed of every stage's weights (stage k uses `deriveSeed(seed, k)`). Default 0. */
  readonly seed?: number;
}

/** The complete configuration: each stage's resolved family config, as saved in `config.json`. */
export interface StackedAeConfig extends AutoencoderConfig {
  readonly family: 'stacked';
  readonly inputDim: number;
  /** Code widths of the stages, from the input up. */
  readonly units: readonly number[];
  /** Each stage's complete family configuration (its `family` says which). */
  readonly stages: readonly AutoencoderConfig[];
  readonly seed: number;
}

/**
 * Builds the stage models for `options`, validating each stage with its family's own rules; an
 * error names the stage: `createStackedAe: 'layers[1].rho' must be a finite number in (0, 1), got 2.`
 */
export function buildStages(
  options: StackedAeOptions,
  functionName = 'createStackedAe',
): { config: StackedAeConfig; stages: MlpAutoencoder[] } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'options',
      rule: 'an object { inputDim, layers, seed? }',
      value: options,
    });
  }
  const inputDim = checkPositiveInteger(functionName, 'inputDim', options.inputDim);
  const seed = checkSeed(functionName, 'seed', options.seed ?? 0);
  if (!Array.isArray(options.layers) || options.layers.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'layers',
      rule: 'a non-empty array of { units, family, ...familyOptions }',
      value: options.layers,
    });
  }
  // Every stage's width and family first, so no weights are made for a stack that is refused.
  const checked = options.layers.map((layer, index) => {
    const at = `layers[${index}]`;
    if (typeof layer !== 'object' || layer === null) {
      throw new InvalidArgumentError({
        functionName,
        argument: at,
        rule: 'an object { units, family, ...familyOptions }',
        value: layer,
      });
    }
    const { units, family, ...familyOptions } = layer;
    return {
      at,
      units: checkPositiveInteger(functionName, `${at}.units`, units),
      family: checkOneOf(functionName, `${at}.family`, family, stageFamilies),
      familyOptions,
    };
  });
  const stages: MlpAutoencoder[] = [];
  try {
    let width = inputDim;
    checked.forEach(({ at, units, family, familyOptions }, index) => {
      const builder = stageBuilders[family];
      const stageOptions = {
        ...familyOptions,
        inputDim: width,
        [builder.widthField]: units,
        seed: deriveSeed(seed, index),
      };
      stages.push(withStageName(functionName, at, () => builder.create(stageOptions as never)));
      width = units;
    });
  } catch (error) {
    for (const stage of stages) stage.dispose();
    throw error;
  }
  const config: StackedAeConfig = Object.freeze({
    family: 'stacked',
    inputDim,
    units: Object.freeze(options.layers.map((layer) => layer.units)),
    stages: Object.freeze(stages.map((stage) => stage.config)),
    seed,
  });
  return { config, stages };
}

/** Rebuilds the stages of a saved configuration (weights are loaded afterwards). */
export function rebuildStages(config: StackedAeConfig, functionName: string): MlpAutoencoder[] {
  const stages: MlpAutoencoder[] = [];
  try {
    (config.stages ?? []).forEach((stageConfig, index) => {
      const family = checkOneOf(
        functionName,
        `stages[${index}].family`,
        stageConfig?.family,
        stageFamilies,
      );
      stages.push(
        withStageName(functionName, `stages[${index}]`, () =>
          stageBuilders[family].create(stageConfig as never),
        ),
      );
    });
  } catch (error) {
    for (const stage of stages) stage.dispose();
    throw error;
  }
  if (stages.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'stages',
      rule: 'a non-empty array of stage configurations',
      value: config.stages,
    });
  }
  return stages;
}

/** Runs a family factory, re-labelling its argument errors with the stage they belong to. */
function withStageName<T>(functionName: string, at: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) {
      throw new InvalidArgumentError(
        {
          functionName,
          argument: `${at}.${error.argument}`,
          rule: error.rule,
          value: error.value,
        },
        { cause: error },
      );
    }
    throw error;
  }
}
