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
    hidden: Number((config.hidden as readonly number[])[0] ?? 0),
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

/** The families this build of the page offers, in the order of the picker. */
export const familySpecs: readonly FamilySpec[] = [vaeSpec];

export function findFamilySpec(name: string): FamilySpec | undefined {
  return familySpecs.find((spec) => spec.name === name);
}

/** Each parameter's default value. */
export function defaultParameters(spec: FamilySpec): ParameterValues {
  return Object.fromEntries(
    spec.parameters.map((parameter) => [parameter.name, parameter.default]),
  );
}
