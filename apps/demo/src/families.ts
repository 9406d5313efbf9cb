// What the page knows about each family: its name, what it is, and the hyper-parameters the
// model panel offers. Plain data, shared by the page and the worker; the worker's half (how
// to build the model) is in worker/family-models.ts. Adding a family: one entry here and one
// there, once its package is a dependency of the demo.

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

const hiddenWidth: ParameterSpec = {
  kind: 'integer',
  name: 'hidden',
  label: 'Hidden width',
  help: 'Units in the one hidden layer of the encoder; the decoder mirrors it.',
  min: 16,
  max: 1024,
  step: 16,
  default: 256,
};

/** A hidden layer before the code, or none (0): the lecture's one-layer models. */
function hiddenBeforeCode(defaultWidth: number): ParameterSpec {
  return {
    kind: 'integer',
    name: 'hidden',
    label: 'Hidden width before the code',
    help: '0 for none: the encoder is one layer from the pixels to the code. The decoder mirrors the encoder.',
    min: 0,
    max: 1024,
    step: 16,
    default: defaultWidth,
  };
}

function codeSize(defaultSize: number, help: string): ParameterSpec {
  return {
    kind: 'integer',
    name: 'codeDim',
    label: 'Code size',
    help,
    min: 1,
    max: 1024,
    step: 1,
    default: defaultSize,
  };
}

/** The first hidden width of a saved MLP family's `hiddenDims`, 0 for none. */
function firstHidden(config: Readonly<Record<string, unknown>>): number {
  return Number((config.hiddenDims as readonly number[] | undefined)?.[0] ?? 0);
}

export const aeSpec: FamilySpec = {
  name: 'ae',
  title: 'Autoencoder (vanilla)',
  summary:
    'An encoder f maps x to a code h = f(x), a decoder g maps it back, and training minimises the reconstruction error ‖x − g(f(x))‖². With a code smaller than the input (undercomplete) the network must compress; with a larger one nothing stops it from learning the identity, which is what the regularised families below fix.',
  parameters: [
    codeSize(32, 'Units of the code (sigmoid). 2 lets you see the code space without projection.'),
    hiddenBeforeCode(256),
    {
      kind: 'choice',
      name: 'loss',
      label: 'Reconstruction loss',
      help: 'Squared error summed over pixels, or the Bernoulli cross-entropy for pixels in [0, 1].',
      options: [
        { value: 'mse-sum', label: 'Squared error' },
        { value: 'bernoulli', label: 'Cross-entropy (Bernoulli)' },
      ],
      default: 'mse-sum',
    },
    {
      kind: 'boolean',
      name: 'tiedWeights',
      label: 'Tied weights (decoder W = encoder Wᵀ)',
      help: 'Halves the weights; a classic regulariser.',
      default: false,
    },
  ],
  fromConfig: (config) => ({
    codeDim: Number(config.latentDim),
    hidden: firstHidden(config),
    loss: config.loss === 'bernoulli' ? 'bernoulli' : 'mse-sum',
    tiedWeights: config.tiedWeights === true,
  }),
  notes: {
    latent:
      'Nothing asks the codes of a plain autoencoder to fill a known region: clusters can sit anywhere, with gaps between them that decode to nothing like a digit.',
    interpolation:
      'Without a prior, the straight path between two codes may cross regions no training digit maps to.',
  },
};

export const denoisingSpec: FamilySpec = {
  name: 'denoising',
  title: 'Denoising autoencoder',
  summary:
    'Each training digit is corrupted to x̃ (here a fraction ν of its pixels is masked, or noise is added), and the network learns to reconstruct the clean x from x̃: the loss is ‖x − g(f(x̃))‖². Undoing the corruption forces it to learn how pixels depend on each other, so even an overcomplete code learns useful features instead of the identity.',
  parameters: [
    codeSize(256, 'Units of the code (sigmoid); may exceed what a plain autoencoder could use.'),
    hiddenBeforeCode(0),
    {
      kind: 'choice',
      name: 'corruption',
      label: 'Corruption while training',
      help: 'Masking sets pixels to 0; Gaussian adds noise (clipped to [0, 1]); salt and pepper sets pixels to 0 or 1.',
      options: [
        { value: 'masking', label: 'Masking' },
        { value: 'gaussian', label: 'Gaussian' },
        { value: 'salt-and-pepper', label: 'Salt and pepper' },
      ],
      default: 'masking',
    },
    {
      kind: 'number',
      name: 'nu',
      label: 'Noise level ν',
      help: 'The fraction of pixels corrupted (masking, salt and pepper) or the standard deviation (Gaussian).',
      min: 0,
      max: 0.95,
      step: 0.05,
      default: 0.25,
    },
  ],
  fromConfig: (config) => {
    const corruption = (config.corruptions as readonly Record<string, unknown>[])[0] ?? {};
    return {
      codeDim: Number(config.latentDim),
      hidden: firstHidden(config),
      corruption: String(corruption.type ?? 'masking'),
      nu: Number(corruption.rate ?? corruption.std ?? 0),
    };
  },
  notes: {
    denoising:
      'This model was trained on exactly this task: pick the noise it was trained with and compare it with a plain autoencoder.',
    filters:
      'Denoising training is known for turning the filters into localised stroke and edge detectors (Vincent et al., 2008).',
  },
};

export const sparseSpec: FamilySpec = {
  name: 'sparse',
  title: 'Sparse autoencoder',
  summary:
    'One hidden layer, possibly wider than the input, and a penalty that keeps most units silent: with sigmoid units, λ Σⱼ KL(ρ ‖ ρ̂ⱼ) pushes each unit’s mean activation ρ̂ⱼ over the data towards a small target ρ; with ReLU units, λ‖h‖₁ pushes activations to 0. Each digit is then described by a few active features.',
  parameters: [
    {
      kind: 'integer',
      name: 'hiddenDim',
      label: 'Hidden units',
      help: 'The code; may exceed 784 (overcomplete): the penalty, not the width, makes it compress.',
      min: 1,
      max: 1024,
      step: 1,
      default: 196,
    },
    {
      kind: 'choice',
      name: 'penalty',
      label: 'Penalty',
      help: 'KL towards ρ on sigmoid units, or L1 on ReLU units.',
      options: [
        { value: 'kl', label: 'KL(ρ ‖ ρ̂ⱼ), sigmoid units' },
        { value: 'l1', label: 'L1 ‖h‖₁, ReLU units' },
      ],
      default: 'kl',
    },
    {
      kind: 'number',
      name: 'rho',
      label: 'Target activation ρ (KL)',
      help: 'The mean activation each unit should have over the data.',
      min: 0.001,
      max: 0.5,
      step: 0.01,
      default: 0.05,
    },
    {
      kind: 'number',
      name: 'lambda',
      label: 'Penalty weight λ',
      help: 'Typical: 3 for KL, 0.01 for L1 (set when you pick the penalty).',
      min: 0,
      max: 20,
      step: 0.01,
      default: 3,
    },
  ],
  linked: (changed, values): ParameterValues =>
    changed === 'penalty' ? { lambda: values.penalty === 'l1' ? 0.01 : 3 } : {},
  fromConfig: (config) => ({
    hiddenDim: Number(config.latentDim),
    penalty: config.penalty === 'l1' ? 'l1' : 'kl',
    rho: Number(config.rho),
    lambda: Number(config.lambda),
  }),
  notes: {
    histograms:
      'Sparse: most code activations near 0 and a few large ones, and each unit’s mean ρ̂ⱼ near the target ρ.',
    filters:
      'With the sparsity penalty the filters become localised pen strokes, the classic picture of Ng’s lecture notes.',
  },
};

export const contractiveSpec: FamilySpec = {
  name: 'contractive',
  title: 'Contractive autoencoder',
  summary:
    'Adds λ‖J_f(x)‖²_F, the squared Frobenius norm of the encoder’s Jacobian, to the reconstruction error: the code must change little when x changes a little, except along the directions the data varies in, which reconstruction needs. The code becomes locally invariant to small perturbations.',
  parameters: [
    codeSize(256, 'Units of the code (sigmoid).'),
    hiddenBeforeCode(0),
    {
      kind: 'number',
      name: 'lambda',
      label: 'Penalty weight λ',
      help: 'Weight of ‖J_f(x)‖²_F. 0 gives a plain autoencoder; large values flatten the code.',
      min: 0,
      max: 20,
      step: 0.01,
      default: 0.1,
    },
  ],
  fromConfig: (config) => ({
    codeDim: Number(config.latentDim),
    hidden: firstHidden(config),
    lambda: Number(config.lambda),
  }),
  notes: {
    histograms: 'A larger λ lowers ‖J_f(x)‖_F: the code reacts less to small changes of the digit.',
  },
};

export const vaeSpec: FamilySpec = {
  name: 'vae',
  title: 'Variational autoencoder (VAE)',
  summary:
    'The encoder outputs a distribution q(z|x) = N(μ, σ²) instead of a point; training samples z = μ + σ·ε and maximises the evidence lower bound: the expected log-likelihood of x under the decoder minus β·KL(q(z|x) ‖ N(0, I)). The KL term pulls every code towards the prior, so the latent space has no holes and decoding z ~ N(0, I) gives new digits.',
  parameters: [
    {
      kind: 'integer',
      name: 'latentDim',
      label: 'Latent size',
      help: 'Dimensions of z. 2 lets you see the whole latent space, draw the manifold and drag a point through it.',
      min: 1,
      max: 64,
      step: 1,
      default: 2,
    },
    hiddenWidth,
    {
      kind: 'number',
      name: 'beta',
      label: 'β (weight of the KL term)',
      help: '1 is the ELBO. Larger β trades reconstruction for a code closer to the prior (β-VAE); 0 leaves only the reconstruction.',
      min: 0,
      max: 20,
      step: 0.1,
      default: 1,
    },
    {
      kind: 'choice',
      name: 'likelihood',
      label: 'Decoder likelihood p(x|z)',
      help: 'Bernoulli: cross-entropy on pixels in [0, 1]. Gaussian: squared error with σ² = 1, which weighs reconstruction far less against the KL.',
      options: [
        { value: 'bernoulli', label: 'Bernoulli (cross-entropy)' },
        { value: 'gaussian', label: 'Gaussian, σ² = 1 (squared error)' },
      ],
      default: 'bernoulli',
    },
    {
      kind: 'boolean',
      name: 'conditional',
      label: 'Conditional on the digit (CVAE)',
      help: 'The one-hot label joins the encoder’s and the decoder’s input, so z only has to carry the style; you choose the digit when sampling.',
      default: false,
    },
  ],
  fromConfig: (config) => ({
    latentDim: Number(config.latentDim),
    hidden: Number((config.hiddenDims as readonly number[])[0] ?? 0),
    beta: Number(config.beta),
    likelihood: String(config.likelihood),
    conditional: config.conditional !== null && config.conditional !== undefined,
  }),
  notes: {
    latent:
      'The dashed circles are one and two standard deviations of the prior N(0, I): the KL term keeps the codes inside them.',
    samples:
      'Each image decodes a fresh z ~ N(0, I). This works because training made the region the prior covers decode to digits.',
    histograms:
      'μ should spread like the prior; σ well below 1 means the code carries information about x. A latent dimension whose σ stays at 1 is unused (posterior collapse).',
  },
};

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

export const stackedSpec: FamilySpec = {
  name: 'stacked',
  title: 'Stacked autoencoder',
  summary:
    'Greedy layer-wise pretraining: train an autoencoder on the pixels, then a second one on the first one’s codes, and so on; stacked, the encoders form a deep network whose top code is reached through every stage and whose reconstruction goes back down through every decoder. “Train” pretrains stage by stage (Epochs per stage); “Continue training” then fine-tunes the whole stack end to end.',
  parameters: [
    {
      kind: 'choice',
      name: 'stageFamily',
      label: 'Each stage is a',
      help: 'The family every stage trains as, with that family’s default settings.',
      options: [
        { value: 'ae', label: 'Vanilla autoencoder' },
        { value: 'denoising', label: 'Denoising autoencoder (ν = 0.25 masking)' },
        { value: 'sparse', label: 'Sparse autoencoder (KL, ρ = 0.05, λ = 3)' },
        { value: 'contractive', label: 'Contractive autoencoder (λ = 0.1)' },
      ],
      default: 'denoising',
    },
    stageUnits(1, 256),
    stageUnits(2, 64),
    stageUnits(3, 0),
  ],
  fromConfig: (config) => {
    const units = (config.latentDims as readonly number[] | undefined) ?? [];
    const stages = (config.stages as readonly Record<string, unknown>[] | undefined) ?? [];
    return {
      stageFamily: String(stages[0]?.family ?? 'denoising'),
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

/** The families this build of the page offers, in the order of the picker. */
export const familySpecs: readonly FamilySpec[] = [
  aeSpec,
  denoisingSpec,
  sparseSpec,
  contractiveSpec,
  stackedSpec,
  vaeSpec,
];

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
