// What the page knows about each family: its name, what it is, and the hyper-parameters the
// model panel offers, derived from the family package's `./options` entry (no TensorFlow.js
// on the page: only the worker loads it). Plain data, shared by the page and the worker; the
// worker's half (how to build the model) is in worker/family-models.ts. The families are those
// of installed-families.ts: a family of encoder and decoder MLPs needs no entry here (its
// panel, lecture and notes come from its description); the VAE and the stack have panels of
// their own below.

import { contractiveAeOptions } from '@aekit/contractive/options';
import {
  type AutoencoderFamilyDescription,
  type FamilyView,
  type OptionSpec,
  optionDefault,
} from '@aekit/core/options';
import { corruptionLabels, corruptionTypes, defaultCorruptions } from '@aekit/denoising/options';
import { sparseAeOptions } from '@aekit/sparse/options';
import { stackedAeOptions, stackedFamilyName, stackedFamilyTitle } from '@aekit/stacked/options';
import { vaeFamilyDescription } from '@aekit/vae/options';
import { deriveFamilySpec, type MappedControls, type PageOwnedParts } from './derive-family-spec';
import { installedFamilies } from './installed-families';
import type { ParameterValues } from './protocol';

/** One hyper-parameter control of the model panel. */
export type ParameterSpec =
  | {
      readonly kind: 'integer' | 'number';
      readonly name: string;
      readonly label: string;
      readonly help: string;
      readonly min: number;
      readonly max: number;
      readonly step: number;
      readonly default: number;
    }
  | {
      readonly kind: 'choice';
      readonly name: string;
      readonly label: string;
      readonly help: string;
      readonly options: readonly { readonly value: string; readonly label: string }[];
      readonly default: string;
    }
  | {
      readonly kind: 'boolean';
      readonly name: string;
      readonly label: string;
      readonly help: string;
      readonly default: boolean;
    };

/** The views of the page; a family can add a sentence to any of them. */
export type ViewName =
  | 'reconstructions'
  | 'latent'
  | 'manifold'
  | 'interpolation'
  | 'samples'
  | 'denoising'
  | 'filters'
  | 'histograms';

export interface FamilySpec {
  /** `config.family` of its models, e.g. `'vae'`. */
  readonly name: string;
  readonly title: string;
  /** One paragraph: the idea and the loss, as the lecture puts it. */
  readonly summary: string;
  readonly parameters: readonly ParameterSpec[];
  /** Family-specific remarks shown under a view's general explanation. */
  readonly notes?: Partial<Record<ViewName, string>>;
  /** The panel's values for a saved model's configuration (when a model file is loaded). */
  readonly fromConfig: (config: Readonly<Record<string, unknown>>) => ParameterValues;
  /**
   * Values to set when parameter `changed` changes, e.g. the default λ of the penalty just
   * chosen. Returns only the values to change.
   */
  readonly linked?: (changed: string, values: ParameterValues) => ParameterValues;
}

/**
 * The hidden layer of the panel: one width mapped to `hiddenDims` (`[width]`, or `[]` for 0
 * where the family allows no hidden layer), starting at the family's first default width.
 */
function hiddenWidth(shape: { label: string; help: string; min: number }) {
  return (spec: OptionSpec): MappedControls => ({
    parameters: [
      {
        kind: 'integer',
        name: 'hidden',
        ...shape,
        max: 1024,
        step: 16,
        default: firstWidth(spec.default),
      },
    ],
    fromConfig: (value) => ({ hidden: firstWidth(value) }),
  });
}

/** The first width of a `hiddenDims`, 0 for none. */
function firstWidth(value: unknown): number {
  return Number((value as readonly number[] | undefined)?.[0] ?? 0);
}

/** The VAE's one hidden layer (it always has one here). */
const vaeHiddenWidth = hiddenWidth({
  label: 'Hidden width',
  help: 'Units in the one hidden layer of the encoder; the decoder mirrors it.',
  min: 16,
});

/** A hidden layer before the code, or none (0): the lecture's one-layer models. */
const hiddenBeforeCode = hiddenWidth({
  label: 'Hidden width before the code',
  help: '0 for none: the encoder is one layer from the pixels to the code. The decoder mirrors the encoder.',
  min: 0,
});

/**
 * A denoising model's `corruptions` as one corruption and its level ν (the worker builds it
 * with `corruptionFor`, as the denoising view's noise), starting at the family's default.
 */
function oneCorruption(spec: OptionSpec): MappedControls {
  const fromList = (value: unknown) => {
    const first = ((value as readonly Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    return {
      corruption: String(first.type ?? corruptionTypes[0]),
      nu: Number(first.rate ?? first.std ?? 0),
    };
  };
  const start = fromList(spec.default);
  return {
    parameters: [
      {
        kind: 'choice',
        name: 'corruption',
        label: 'Corruption while training',
        help: 'Masking sets pixels to 0; Gaussian adds noise (clipped to [0, 1]); salt and pepper sets pixels to 0 or 1.',
        options: corruptionTypes.map((type) => ({ value: type, label: corruptionLabels[type] })),
        default: start.corruption,
      },
      {
        kind: 'number',
        name: 'nu',
        label: 'Noise level ν',
        help: 'The fraction of pixels corrupted (masking, salt and pepper) or the standard deviation (Gaussian).',
        min: 0,
        max: 0.95,
        step: 0.05,
        default: start.nu,
      },
    ],
    fromConfig: fromList,
  };
}

/** A conditional VAE's `conditional` (`null` or `{ numClasses }`) as a check box: on the digit's class. */
function conditionalToggle(spec: OptionSpec): MappedControls {
  const on = (value: unknown) => value !== null && value !== undefined;
  return {
    parameters: [
      {
        kind: 'boolean',
        name: 'conditional',
        label: spec.label ?? 'conditional',
        help: spec.help,
        default: on(spec.default),
      },
    ],
    fromConfig: (value) => ({ conditional: on(value) }),
  };
}

/**
 * The page sets these itself: the data's width and shape (28 × 28 grey digits), and the seed
 * from the training settings.
 */
const setByThePage = ['inputDim', 'inputShape', 'seed'];

/** The channels of the page's convolutional network: small, to train in a browser tab. */
export const demoConvChannels: readonly number[] = [16, 32];

/**
 * A family's `encoder` (a network spec, or null for the fully connected network) as a choice
 * of network: fully connected, or 3×3 convolutions of `demoConvChannels` channels, each halving
 * the digit, then the hidden width as a dense layer (the worker builds the spec).
 */
function networkChoice(spec: OptionSpec): MappedControls {
  const kind = (value: unknown) => (value === null || value === undefined ? 'dense' : 'conv');
  return {
    parameters: [
      {
        kind: 'choice',
        name: 'network',
        label: 'Network',
        help: `Fully connected layers, or a convolutional encoder (3×3 convolutions of ${demoConvChannels.join(' and ')} channels, each halving the digit, then the hidden width as a dense layer) with a decoder of transposed convolutions that mirrors it.`,
        options: [
          { value: 'dense', label: 'Fully connected' },
          { value: 'conv', label: `Convolutional (${demoConvChannels.join(', ')} channels)` },
        ],
        default: kind(spec.default),
      },
    ],
    fromConfig: (value) => ({ network: kind(value) }),
  };
}

/**
 * The MLP families' network options the panel keeps at the family's defaults (and the
 * reconstruction loss and tied weights, which it offers only for the vanilla autoencoder).
 */
const networkDefaultsKept = [
  ...setByThePage,
  'hiddenActivation',
  'codeActivation',
  'outputActivation',
  'init',
];

/** The page's own controls for options of MLP families, by option name. */
const mlpMappedControls: Readonly<Record<string, (spec: OptionSpec) => MappedControls>> = {
  hiddenDims: hiddenBeforeCode,
  corruptions: oneCorruption,
  encoder: networkChoice,
};

/**
 * What the panel of an MLP family leaves out unless the page chooses otherwise: the network
 * options kept at the family's defaults, the reconstruction loss and tied weights.
 */
const mlpLeftOut = [...networkDefaultsKept, 'loss', 'tiedWeights'];

/** Where the page's panel of an MLP family differs from the one derived for every family. */
const pageChoices: Readonly<Record<string, Partial<Pick<PageOwnedParts, 'leftOut' | 'starting'>>>> =
  {
    // The vanilla autoencoder offers the reconstruction loss and tied weights, and starts with a
    // hidden layer (the library has none by default).
    ae: { leftOut: networkDefaultsKept, starting: { hidden: 256 } },
  };

/** The view of the page each of a family's notes (`FamilyNotes`) goes under. */
const noteOfView: Readonly<Record<ViewName, FamilyView>> = {
  reconstructions: 'reconstructions',
  latent: 'latent',
  manifold: 'manifold',
  interpolation: 'interpolation',
  samples: 'samples',
  denoising: 'denoising',
  filters: 'filters',
  histograms: 'code-histograms',
};

/**
 * The panel of an MLP family, from its description alone: every option gets a control but
 * those in `mlpLeftOut` (the page's `mapped` controls for `hiddenDims` and `corruptions`), the
 * starting values are the family's `startingValues`, the summary its `lecture` and each view's
 * note its `notes`. Throws naming the family when its description lacks the lecture.
 */
export function deriveMlpFamilySpec(family: AutoencoderFamilyDescription): FamilySpec {
  if (family.lecture === undefined) {
    throw new Error(
      `The demo: family '${family.name}' has no 'lecture' in its description (the panel's paragraph on the idea and the loss).`,
    );
  }
  const choices = pageChoices[family.name] ?? {};
  const notes: Partial<Record<ViewName, string>> = {};
  for (const [view, key] of Object.entries(noteOfView)) {
    const note = family.notes?.[key];
    if (note !== undefined) notes[view as ViewName] = note;
  }
  return deriveFamilySpec(family, {
    lecture: family.lecture,
    leftOut: choices.leftOut ?? mlpLeftOut,
    mapped: Object.fromEntries(
      Object.entries(mlpMappedControls).filter(([name]) => family.options[name] !== undefined),
    ),
    starting: {
      ...(family.startingValues as ParameterValues | undefined),
      ...choices.starting,
    },
    ...(Object.keys(notes).length === 0 ? {} : { notes }),
  });
}

export const vaeSpec: FamilySpec = deriveFamilySpec(vaeFamilyDescription, {
  lecture:
    'The encoder outputs a distribution q(z|x) = N(μ, σ²) instead of a point; training samples z = μ + σ·ε and maximises the evidence lower bound: the expected log-likelihood of x under the decoder minus β·KL(q(z|x) ‖ N(0, I)). The KL term pulls every code towards the prior, so the latent space has no holes and decoding z ~ N(0, I) gives new digits.',
  leftOut: [...setByThePage, 'hiddenActivation', 'variance', 'samples'],
  mapped: { hiddenDims: vaeHiddenWidth, conditional: conditionalToggle, encoder: networkChoice },
  // A 2-D latent space, so the latent plot, the manifold and the drag work without projection;
  // a hidden layer of 256 rather than the library's 400, to train faster in a browser tab.
  starting: { latentDim: 2, hidden: 256 },
  notes: {
    latent:
      'The dashed circles are one and two standard deviations of the prior N(0, I): the KL term keeps the codes inside them.',
    samples:
      'Each image decodes a fresh z ~ N(0, I). This works because training made the region the prior covers decode to digits.',
    histograms:
      'μ should spread like the prior; σ well below 1 means the code carries information about x. A latent dimension whose σ stays at 1 is unused (posterior collapse).',
  },
});

function stageUnits(index: number, defaultUnits: number): ParameterSpec {
  return {
    kind: 'integer',
    name: `units${index}`,
    label: `Units of stage ${index}`,
    help:
      index === 1
        ? 'The code of the first autoencoder, trained on the pixels.'
        : `The code of stage ${index}, trained on the codes of stage ${index - 1}; 0 for no such stage.`,
    min: index === 1 ? 1 : 0,
    max: 1024,
    step: 1,
    default: defaultUnits,
  };
}

/** Each stage family's defaults, as the stage picker names them, read from the family. */
const stageDefaults = {
  denoising: defaultCorruptions
    .map(
      (corruption) =>
        `ν = ${'rate' in corruption ? corruption.rate : corruption.std} ${corruption.type}`,
    )
    .join(', '),
  sparse: `${String(optionDefault(sparseAeOptions.penalty, {})).toUpperCase()}, ρ = ${sparseAeOptions.rho.default}, λ = ${optionDefault(sparseAeOptions.lambda, { penalty: optionDefault(sparseAeOptions.penalty, {}) ?? null })}`,
  contractive: `λ = ${contractiveAeOptions.lambda.default}`,
};

const { stageFamily } = stackedAeOptions;

// The stack's panel: the stage picker from the family's `stageFamily` option (its choices, labels
// and default; the picker adds each stage family's own defaults), and three width controls for
// its `latentDims` list, starting at the page's 256, 64 and none.
export const stackedSpec: FamilySpec = {
  name: stackedFamilyName,
  title: stackedFamilyTitle,
  summary:
    'Greedy layer-wise pretraining: train an autoencoder on the pixels, then a second one on the first one’s codes, and so on; stacked, the encoders form a deep network whose top code is reached through every stage and whose reconstruction goes back down through every decoder. “Train” pretrains stage by stage (Epochs per stage); “Continue training” then fine-tunes the whole stack end to end.',
  parameters: [
    {
      kind: 'choice',
      name: 'stageFamily',
      label: stageFamily.label ?? 'stageFamily',
      help: stageFamily.help,
      options: stageFamily.values.map((value) => {
        const label = stageFamily.labels?.[value] ?? value;
        const defaults = (stageDefaults as Partial<Record<string, string>>)[value];
        return { value, label: defaults === undefined ? label : `${label} (${defaults})` };
      }),
      default: String(stageFamily.default),
    },
    stageUnits(1, 256),
    stageUnits(2, 64),
    stageUnits(3, 0),
  ],
  fromConfig: (config) => {
    const units = (config.latentDims as readonly number[] | undefined) ?? [];
    const stages = (config.stages as readonly Record<string, unknown>[] | undefined) ?? [];
    return {
      stageFamily: String(stages[0]?.family ?? stageFamily.default),
      units1: units[0] ?? 0,
      units2: units[1] ?? 0,
      units3: units[2] ?? 0,
    };
  },
  notes: {
    filters: 'The filters of stage 1, the only stage that sees the pixels.',
    histograms: 'The code of each stage, from the pixels up.',
    latent: 'The top stage’s codes, reached through every encoder of the stack.',
  },
};

/** The families with panels of their own: the others are MLP families (see `deriveMlpFamilySpec`). */
const ownSpecs: readonly FamilySpec[] = [stackedSpec, vaeSpec];

/** The families this build of the page offers, in the order of the picker (installed-families.ts). */
export const familySpecs: readonly FamilySpec[] = installedFamilies.map(
  (family) => ownSpecs.find((spec) => spec.name === family.name) ?? deriveMlpFamilySpec(family),
);

/** The family the page starts with: the VAE, the one every view applies to. */
export const defaultFamily = 'vae';

export function findFamilySpec(name: string): FamilySpec | undefined {
  return familySpecs.find((spec) => spec.name === name);
}

/** Each parameter's default value. */
export function defaultParameters(spec: FamilySpec): ParameterValues {
  return Object.fromEntries(
    spec.parameters.map((parameter) => [parameter.name, parameter.default]),
  );
}
