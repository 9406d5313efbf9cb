import {
  aeOptions,
  isMlpAutoencoder,
  type MlpAutoencoder,
  networkConfigFields,
  reconstructionLosses,
} from '@aekit/ae';
import {
  AekitError,
  type Autoencoder,
  type AutoencoderFamily,
  type FamilyNotes,
  InvalidArgumentError,
  type JsonValue,
  type OptionSchema,
  type ResolvedSoFar,
} from '@aekit/core';
import type { FamilyAdapter, FamilyOption, FamilySettings } from '../family-contract';
import { booleanFlag, choiceFlag, commandName } from '../flags';
import { filterTilesExplanation } from '../report/unit-sections';
import { encoderSpec, networkFlagOptions, parseNetworkFlags } from './network-flags';
import {
  checkFlagsUsed,
  optionFlags,
  parseOptionFlags,
  resolveWithFlags,
  usedOptions,
} from './option-flags';

/**
 * What the four families built on an encoder and a decoder MLP (`@aekit/ae`'s
 * `MlpAutoencoder`: ae, denoising, sparse, contractive) share in the command: the code width
 * and hidden widths from `--latent` and `--hidden`, the flags `--loss` and `--tied`, the
 * closed-form encoder Jacobian for `aekit eval`, and the words of the report's histogram of
 * hidden activations and tiles of learned filters (which sections a family gets, it declares in
 * its registry entry). Everything else comes from the family's registry entry (see
 * `registeredMlpSpec`): its names, its flags (its option schema), its resolver and factory, its
 * notes; a family whose flags need code of their own (denoising) replaces only those. A stacked
 * autoencoder's stages take the same settings (see `stacked.ts`).
 */

/** The code width when `--latent` is not given, and no hidden layers before it: one hidden layer of 256, the lecture's shape. */
export const mlpDefaults = { latentDim: 256, hidden: [] as readonly number[] } as const;

/** `--loss`, `--tied`: every MLP family's, as `@aekit/ae`'s option schema describes them. */
export const mlpCommonOptions: readonly FamilyOption[] = optionFlags({
  loss: aeOptions.loss,
  tiedWeights: aeOptions.tiedWeights,
});

/**
 * The config fields every MLP family shares (`@aekit/ae`'s network fields), which the command
 * sets from its common flags (`--latent`, `--hidden`, `--seed`, `--loss`, `--tied`) and the data
 * rather than from a family's own flags; `init` and the activations have no flag.
 */
export const mlpCommonFields: readonly string[] = networkConfigFields;

/** The fields of `--loss` and `--tied`, as every MLP family's config names them. */
export function parseMlpCommonOptions(values: Readonly<Record<string, unknown>>): {
  loss: (typeof reconstructionLosses)[number];
  tiedWeights: boolean;
} {
  return {
    loss: choiceFlag(
      'train',
      '--loss',
      values.loss ?? aeOptions.loss.default,
      reconstructionLosses,
    ),
    tiedWeights: booleanFlag(values.tied),
  };
}

/**
 * The widths an MLP family's network gets from `--latent` and `--hidden`, and with `--arch conv`
 * the encoder spec (its dense layers those of `--hidden`, so `hiddenDims` is then empty) and
 * the images' shape.
 */
export interface MlpShape {
  readonly inputDim: number;
  readonly latentDim: number;
  readonly hiddenDims: readonly number[];
  readonly seed: number;
  readonly encoder?: { readonly [key: string]: JsonValue };
  readonly inputShape?: readonly [number, number, number];
}

/** What a family gives `mlpFamilyAdapter`. */
export interface MlpFamilySpec {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** The family's own flags (`--loss` and `--tied` are added). */
  readonly options: readonly FamilyOption[];
  /**
   * Whether the encoder may have hidden layers before the code (`--hidden`); false for the
   * sparse autoencoder, whose one hidden layer is the code (with `--arch conv`, `--hidden` are
   * the dense layers after the convolutions, which every family takes).
   */
  readonly hiddenLayers: boolean;
  /** Whether the family's config takes an encoder spec (`--arch conv`): its schema has `encoder`. */
  readonly encoderSpecs: boolean;
  /**
   * Parses the family's own flags and returns the settings: exactly the fields of the
   * family's config beyond `inputDim`, the widths and `seed` (plain JSON), so a stage of a
   * stacked autoencoder takes them as they are. `common` holds `--loss` and `--tied`.
   */
  parseFamilyOptions(
    values: Readonly<Record<string, unknown>>,
    common: ReturnType<typeof parseMlpCommonOptions>,
  ): FamilySettings;
  /** The family's factory on the settings and the widths. */
  create(settings: FamilySettings, shape: MlpShape): MlpAutoencoder;
  /**
   * The family's remarks on the report's views (its registry entry's `notes`): under
   * 'code-histograms' what the activation histogram should show, under 'filters' what the
   * learned filters should show, after what a tile is.
   */
  readonly notes?: FamilyNotes;
}

/** An adapter of an MLP family, with the spec it was made from (the stacked adapter reuses its parsing). */
export interface MlpFamilyAdapter extends FamilyAdapter {
  readonly spec: MlpFamilySpec;
}

/** The model as an `MlpAutoencoder` (loaded models of these families are). */
export function asMlp(model: Autoencoder, command: string): MlpAutoencoder {
  if (!isMlpAutoencoder(model)) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: 'model',
      rule: 'an autoencoder made of an encoder and a decoder MLP',
      value: model.config.family,
    });
  }
  return model;
}

/** A `FamilyAdapter` for an MLP family: shared flags, shapes, Jacobian and report notes. */
export function mlpFamilyAdapter(spec: MlpFamilySpec): MlpFamilyAdapter {
  const adapter: MlpFamilyAdapter = {
    spec,
    name: spec.name,
    title: spec.title,
    summary: spec.summary,
    options: [
      ...spec.options,
      ...mlpCommonOptions,
      ...(spec.encoderSpecs ? networkFlagOptions : []),
    ],
    parseOptions(values) {
      const encoder = spec.encoderSpecs ? parseNetworkFlags('train', values) : null;
      if (!spec.hiddenLayers && encoder === null && values.hidden !== undefined) {
        throw new InvalidArgumentError({
          functionName: 'aekit train',
          argument: '--hidden',
          rule: `left out with --family ${spec.name} (its one hidden layer is the code: set its width with --latent)`,
          value: values.hidden,
        });
      }
      const settings = spec.parseFamilyOptions(values, parseMlpCommonOptions(values));
      // Recorded only for a conv network, so dense runs record what they always have.
      return encoder === null ? settings : { ...settings, encoder };
    },
    create(settings, shape) {
      const { encoder: recorded, ...familySettings } = settings;
      const encoder = encoderSpec('train', recorded, shape.hidden, shape.imageShape ?? null);
      const widths = {
        inputDim: shape.inputDim,
        latentDim: shape.latentDim ?? mlpDefaults.latentDim,
        seed: shape.seed,
      };
      return spec.create(
        familySettings,
        encoder === null
          ? { ...widths, hiddenDims: shape.hidden ?? mlpDefaults.hidden }
          : {
              ...widths,
              hiddenDims: [],
              encoder: encoder as unknown as { readonly [key: string]: JsonValue },
              inputShape: shape.imageShape!,
            },
      );
    },
    needsLabels: () => false,
    encoderJacobianNorm: (model, x) => asMlp(model, 'eval').jacobianNorm(x),
    extraNote(extra) {
      const note = spec.notes?.[extra];
      if (note === undefined) return undefined;
      if (extra === 'code-histograms') return { explanation: note };
      if (extra === 'filters') return { explanation: `${filterTilesExplanation} ${note}` };
      return undefined;
    },
  };
  return adapter;
}

/** A settings field for JSON: `undefined` left out. */
export function definedFields(fields: Record<string, JsonValue | undefined>): FamilySettings {
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, JsonValue] => entry[1] !== undefined),
  );
}

/**
 * The `options` and `parseFamilyOptions` of an MLP family whose own flags are its option schema's
 * (beyond the common fields): flags, help and defaults from the schema; the given flags checked
 * by the family's own resolver (with any valid widths, before the data is loaded), errors naming
 * the flag; the settings are the resolved values of the options the family uses.
 */
export function schemaFamilyOptions(
  schema: OptionSchema,
  resolve: (config: Readonly<Record<string, JsonValue>>, functionName: string) => ResolvedSoFar,
): Pick<MlpFamilySpec, 'options' | 'parseFamilyOptions'> {
  return {
    options: optionFlags(schema, mlpCommonFields),
    parseFamilyOptions(values, common) {
      const given = { ...common, ...parseOptionFlags('train', schema, values, mlpCommonFields) };
      const resolved = resolveWithFlags('train', schema, (functionName) =>
        resolve({ ...given, inputDim: 1, latentDim: 1 }, functionName),
      );
      checkFlagsUsed('train', schema, values, resolved);
      return { ...common, ...usedOptions(schema, resolved, mlpCommonFields) };
    },
  };
}

/**
 * What the command needs of a registered MLP family's entry, and why: each is named in the
 * error when missing.
 */
const requiredEntryFields = {
  title: 'its name in titles',
  summary: "its line in '--help'",
  options: 'its option schema, for the flags (with latentDim, the code width)',
  resolveConfig: 'its resolver, to check the flags and build a config',
} as const;

/**
 * The spec of the MLP family `family` as its registry entry describes it: names and notes; its
 * own flags, help and defaults from its option schema, checked by its resolver
 * (`schemaFamilyOptions`); `--hidden` when its schema has `hiddenDims`; a new model from
 * `resolveConfig` then `create`. `flags` replaces the flags for a family whose options need
 * code of their own. Throws naming the family and the field its entry lacks.
 */
export function registeredMlpSpec(
  family: AutoencoderFamily,
  flags?: Pick<MlpFamilySpec, 'options' | 'parseFamilyOptions'>,
): MlpFamilySpec {
  for (const [field, why] of Object.entries(requiredEntryFields)) {
    if (family[field as keyof typeof requiredEntryFields] !== undefined) continue;
    throw new AekitError(
      `aekit: the family '${family.name}' (${family.packageName}) cannot be offered as an MLP family: its registry entry has no '${field}' (${why}).`,
    );
  }
  const { options, resolveConfig } = family as Required<AutoencoderFamily>;
  if (options.latentDim === undefined) {
    throw new AekitError(
      `aekit: the family '${family.name}' (${family.packageName}) cannot be offered as an MLP family: its registry entry's 'options' has no 'latentDim' (the code width, set by --latent).`,
    );
  }
  const hiddenLayers = options.hiddenDims !== undefined;
  const encoderSpecs = options.encoder !== undefined;
  return {
    name: family.name,
    title: family.title!,
    summary: family.summary!,
    ...(flags ?? schemaFamilyOptions(options, resolveConfig)),
    hiddenLayers,
    encoderSpecs,
    create: (settings, shape) =>
      asMlp(
        // A family's `create` returns its model; an MLP family's is an `Autoencoder` (checked).
        family.create(
          resolveConfig({
            ...settings,
            inputDim: shape.inputDim,
            latentDim: shape.latentDim,
            ...(hiddenLayers ? { hiddenDims: [...shape.hiddenDims] } : {}),
            ...(shape.encoder === undefined
              ? {}
              : { encoder: shape.encoder, inputShape: [...shape.inputShape!] }),
            seed: shape.seed,
          }),
        ) as unknown as Autoencoder,
        'train',
      ),
    ...(family.notes === undefined ? {} : { notes: family.notes }),
  };
}
