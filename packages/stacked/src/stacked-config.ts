import {
  createAe,
  type MlpAutoencoder,
  renamedNetworkConfigFields,
  resolveAeConfig,
  upgradeNetworkConfig,
} from '@aekit/ae';
import { createContractiveAe, resolveContractiveAeConfig } from '@aekit/contractive';
import {
  type AutoencoderConfig,
  checkConfigObject,
  checkOneOf,
  checkPositiveInteger,
  deepFreeze,
  deriveSeed,
  InvalidArgumentError,
  type JsonValue,
  jsonOption,
  type ResolvedSoFar,
  renameFields,
  resolveOptions,
  UnknownOptionError,
} from '@aekit/core';
import { createDenoisingAe, resolveDenoisingAeConfig } from '@aekit/denoising';
import {
  createSparseAe,
  renamedSparseAeConfigFields,
  resolveSparseAeConfig,
  upgradeSparseAeConfig,
} from '@aekit/sparse';
import {
  type StageFamily,
  stackedAeOptions,
  stackedFamilyName,
  stageFamilies,
} from './stacked-options';

/**
 * How each family serves as one stage: its resolver (which validates the stage's options), its
 * factory, the upgrade of a stage config saved by an earlier version, and the fields it renamed.
 * A table, so adding a family is one entry.
 */
const stageBuilders: Record<
  StageFamily,
  {
    readonly resolve: (config: never, functionName: string) => AutoencoderConfig;
    readonly create: (config: never) => MlpAutoencoder;
    readonly upgrade: (config: unknown) => unknown;
    readonly renamed: Readonly<Record<string, string>>;
  }
> = {
  ae: {
    resolve: resolveAeConfig,
    create: createAe,
    upgrade: upgradeNetworkConfig,
    renamed: renamedNetworkConfigFields,
  },
  denoising: {
    resolve: resolveDenoisingAeConfig,
    create: createDenoisingAe,
    upgrade: upgradeNetworkConfig,
    renamed: renamedNetworkConfigFields,
  },
  sparse: {
    resolve: resolveSparseAeConfig,
    create: createSparseAe,
    upgrade: upgradeSparseAeConfig,
    renamed: renamedSparseAeConfigFields,
  },
  contractive: {
    resolve: resolveContractiveAeConfig,
    create: createContractiveAe,
    upgrade: upgradeNetworkConfig,
    renamed: renamedNetworkConfigFields,
  },
};

/** One stage: its code width, its family, and any of that family's options (e.g. `rho`, `lambda`). */
export interface StackedStageConfig {
  /** Width of this stage's code. */
  readonly latentDim: number;
  /** The family this stage is trained as. */
  readonly family: StageFamily;
  /** The family's own options (its `inputDim`, `latentDim` and `seed` are set by the stack). */
  readonly [option: string]: JsonValue | undefined;
}

/**
 * What `createStackedAe` accepts: the stages as `layers`, or, for a stack whose stages are all
 * one family with its defaults, their widths `latentDims` and family `stageFamily`.
 */
export interface StackedAeConfig {
  /** `'stacked'` when given. */
  readonly family?: 'stacked';
  /** Features per example. */
  readonly inputDim: number;
  /**
   * The stages' code widths from the input up, when `layers` is left out (then left out
   * itself). Default `[256, 128]`.
   */
  readonly latentDims?: readonly number[];
  /** The family of every stage, when `layers` is left out. Default `'denoising'`. */
  readonly stageFamily?: StageFamily;
  /**
   * The stages, from the input up: stage k encodes the codes of stage k − 1. Default: one
   * stage of `stageFamily` per width of `latentDims`, with that family's defaults.
   */
  readonly layers?: readonly StackedStageConfig[];
  /** Seed of every stage's weights (stage k uses `deriveSeed(seed, k)`). Default 0. */
  readonly seed?: number;
}

/** The complete configuration: each stage's resolved family config, as saved in `config.json`. */
export interface ResolvedStackedAeConfig extends AutoencoderConfig {
  readonly family: 'stacked';
  readonly inputDim: number;
  /** The stages' latent widths (each stage's `latentDim`), from the input up. */
  readonly latentDims: readonly number[];
  /** Each stage's complete family configuration (its `family` says which). */
  readonly stages: readonly AutoencoderConfig[];
  readonly seed: number;
}

const resolvedFields = ['inputDim', 'latentDims', 'stages', 'seed'] as const;

/** The field of `ResolvedStackedAeConfig` that configs saved by earlier versions name otherwise. */
const renamedResolvedFields: Readonly<Record<string, string>> = { units: 'latentDims' };

/** The field of a stage (`StackedStageConfig`) that earlier versions named otherwise. */
const renamedStageFields: Readonly<Record<string, string>> = { units: 'latentDim' };

/**
 * A saved `ResolvedStackedAeConfig` with the field names of earlier versions (`units`, and
 * each stage's own family's old names) given their current ones; the registered family's
 * `create` calls it, so stacks saved then still load.
 */
export function upgradeStackedAeConfig(config: unknown): unknown {
  const upgraded = renameFields(config, renamedResolvedFields);
  if (typeof upgraded !== 'object' || upgraded === null) return upgraded;
  const stages = (upgraded as { stages?: unknown }).stages;
  if (!Array.isArray(stages)) return upgraded;
  return {
    ...upgraded,
    stages: stages.map((stage: unknown) => {
      const family = (stage as { family?: unknown } | null)?.family;
      const builder = stageBuilders[family as StageFamily];
      return stageFamilies.includes(family as StageFamily) ? builder.upgrade(stage) : stage;
    }),
  };
}

/**
 * Each stage of `layers` resolved with its family's own rules, stage k on the codes of stage
 * k − 1 with the seed `deriveSeed(seed, k)`; an error names the stage (`'layers[1].rho'`).
 */
function resolveStages(
  functionName: string,
  argument: string,
  layers: unknown,
  resolved: ResolvedSoFar,
): AutoencoderConfig[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'a non-empty array of { latentDim, family, ...familyOptions }',
      value: layers,
    });
  }
  const seed = resolved.seed as number;
  let width = resolved.inputDim as number;
  return layers.map((layer: unknown, index) => {
    const at = `${argument}[${index}]`;
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
      throw new InvalidArgumentError({
        functionName,
        argument: at,
        rule: 'an object { latentDim, family, ...familyOptions }',
        value: layer,
      });
    }
    const { latentDim, family, ...familyOptions } = layer as Record<string, unknown>;
    for (const old of Object.keys(renamedStageFields)) {
      if (old in familyOptions) {
        throw new UnknownOptionError({
          functionName,
          option: `${at}.${old}`,
          known: ['latentDim', 'family'],
          value: familyOptions[old],
          renamed: renamedStageFields,
        });
      }
    }
    for (const field of ['encoder', 'inputShape'] as const) {
      if (familyOptions[field] !== undefined && familyOptions[field] !== null) {
        throw new InvalidArgumentError({
          functionName,
          argument: `${at}.${field}`,
          rule: 'left out: the stages of a stacked autoencoder are fully connected (stage k trains on the flat codes of stage k − 1, and fine-tuning composes their dense encoders into one network; a convolutional model is a single deep autoencoder: createAe({ inputShape, encoder: { type: "conv", … } }))',
          value: familyOptions[field],
        });
      }
    }
    const stageWidth = checkPositiveInteger(functionName, `${at}.latentDim`, latentDim);
    const stageFamily = checkOneOf(functionName, `${at}.family`, family, stageFamilies);
    const builder = stageBuilders[stageFamily];
    const stageOptions = {
      ...familyOptions,
      inputDim: width,
      latentDim: stageWidth,
      seed: deriveSeed(seed, index),
    };
    width = stageWidth;
    return withStageName(functionName, at, builder.renamed, () =>
      builder.resolve(stageOptions as never, functionName),
    );
  });
}

/**
 * Every option `createStackedAe` takes: `stackedAeOptions` and the stages `layers`, which
 * default to a stack of `stageFamily` stages of the widths `latentDims`; `resolveOptions` returns
 * `layers` as the stages' resolved configs. The stacked family registers this schema.
 */
export const stackedAeConfigOptions = {
  ...stackedAeOptions,
  layers: jsonOption<JsonValue>({
    shape: 'a non-empty array of { latentDim, family, ...familyOptions }',
    default: (resolved) =>
      (resolved.latentDims as readonly number[]).map((latentDim) => ({
        latentDim,
        family: resolved.stageFamily as StageFamily,
      })),
    defaultHelp: 'one stage of stageFamily per width of latentDims',
    help: "the stages from the input up, each { latentDim, family, ...that family's options }",
    resolve: (functionName, argument, value, resolved) =>
      resolveStages(functionName, argument, value, resolved) as unknown as JsonValue,
  }),
} as const;

/** The shorthand fields that `layers` replaces. */
const shorthandFields = ['latentDims', 'stageFamily'] as const;

/**
 * Checks `config`, resolving each stage with its family's own rules, and returns the complete
 * configuration, frozen. An error names the stage:
 * `createStackedAe: 'layers[1].rho' must be a finite number in (0, 1), got 2.`
 */
export function resolveStackedAeConfig(
  config: StackedAeConfig,
  functionName = 'createStackedAe',
): ResolvedStackedAeConfig {
  const record = checkConfigObject(
    functionName,
    config,
    stackedFamilyName,
    'StackedAeConfig',
    Object.keys(stackedAeConfigOptions),
  );
  if (record.layers !== undefined) {
    for (const field of shorthandFields) {
      if (record[field] === undefined) continue;
      throw new InvalidArgumentError({
        functionName,
        argument: field,
        rule: "left out when 'layers' is given (each layer has its own latentDim and family)",
        value: record[field],
      });
    }
  }
  const options = resolveOptions(functionName, stackedAeConfigOptions, record, ['family']);
  const stages = options.layers as unknown as readonly AutoencoderConfig[];
  return deepFreeze({
    family: stackedFamilyName,
    inputDim: options.inputDim,
    latentDims: stages.map((stage) => stage.latentDim as number),
    stages,
    seed: options.seed,
  });
}

/**
 * Builds the stage models for `config` (see `resolveStackedAeConfig`); every stage is checked
 * before any weights are made.
 */
export function buildStages(
  config: StackedAeConfig,
  functionName = 'createStackedAe',
): { config: ResolvedStackedAeConfig; stages: MlpAutoencoder[] } {
  const resolved = resolveStackedAeConfig(config, functionName);
  return { config: resolved, stages: rebuildStages(resolved, functionName) };
}

/** Rebuilds the stages of a saved configuration (weights are loaded afterwards). */
export function rebuildStages(
  config: ResolvedStackedAeConfig,
  functionName: string,
): MlpAutoencoder[] {
  checkConfigObject(
    functionName,
    config,
    'stacked',
    'ResolvedStackedAeConfig',
    resolvedFields,
    renamedResolvedFields,
  );
  const stages: MlpAutoencoder[] = [];
  try {
    (config.stages ?? []).forEach((stageConfig, index) => {
      const family = checkOneOf(
        functionName,
        `stages[${index}].family`,
        stageConfig?.family,
        stageFamilies,
      );
      const builder = stageBuilders[family];
      stages.push(
        withStageName(functionName, `stages[${index}]`, builder.renamed, () =>
          builder.create(stageConfig as never),
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

/**
 * Runs a family's resolver or factory, re-labelling its argument errors with the stage they
 * belong to; an unknown option stays an `UnknownOptionError` with the same suggestion.
 * @param renamed the stage family's renamed fields (old name → new name).
 */
function withStageName<T>(
  functionName: string,
  at: string,
  renamed: Readonly<Record<string, string>>,
  build: () => T,
): T {
  try {
    return build();
  } catch (error) {
    if (UnknownOptionError.isInstance(error)) {
      throw new UnknownOptionError({
        functionName,
        option: `${at}.${error.argument}`,
        known: error.known,
        value: error.value,
        renamed,
      });
    }
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
