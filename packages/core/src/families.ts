import type { AutoencoderConfig, JsonValue, TrainableModel } from './autoencoder';
import { InvalidArgumentError } from './errors';
import type { OptionSchema, ResolvedSoFar } from './option-schema';

/**
 * The kinds of extra view or measure, beyond reconstructions, codes and probes, that front ends
 * (the `aekit` report and eval, the demo) know how to draw. A family lists the ones it offers in
 * `AutoencoderFamily.extras`; each kind names what a model of the family must provide for it.
 */
export const familyExtraKinds = [
  /**
   * New examples decoded from draws of the prior p(z). The model provides
   * `sample(n, { seed, labels? }) -> [n, inputDim]` (`labels` for a conditional model).
   */
  'samples',
  /**
   * The decoder's mean over an evenly spaced grid of a 2-D latent space spanning the prior,
   * drawn only when the code has 2 dimensions. The model provides
   * `manifoldGrid(n, { range, labels? }) -> [n * n, inputDim]`.
   */
  'manifold',
  /**
   * Paths in latent space between the codes of two examples, a straight line beside a
   * great circle (slerp). The model provides `interpolate(xA, xB, steps, { method, labels? })`.
   */
  'interpolation',
  /**
   * The Gaussian posterior q(z|x) = N(μ, diag σ²): the KL to the prior per latent dimension
   * and the active dimensions (report), histograms of μ and σ (demo). The model provides
   * `posterior(x, labels?) -> { mu, logVar }`.
   */
  'posterior',
  /**
   * How likely the model finds each example: the ELBO per example with the least and most
   * likely examples (report), the ELBO and the importance-weighted log-likelihood (eval). The
   * model provides `elbo(x, { samples, seed, labels? })` and
   * `logLikelihood(x, { importanceSamples, seed, labels? })`, both `[batch]` in nats.
   */
  'likelihood',
  /**
   * Histograms of the code units' activations h = f(x) and of each unit's mean activation
   * ρ̂_j. The model is an encoder-decoder MLP (`@aekit/ae`'s `MlpAutoencoder`:
   * `hiddenActivations(x)`).
   */
  'code-histograms',
  /**
   * A code pulled towards a target mean activation: ρ̂_j of each unit beside the target. The
   * model provides `meanActivations(x) -> [units]`, and `config.rho` is the target when
   * `config.penalty` is `'kl'`.
   */
  'sparsity',
  /**
   * ‖J_f(x)‖_F of the encoder per example, as a histogram. The model provides
   * `jacobianNorm(x) -> [batch]`.
   */
  'jacobian-norms',
  /**
   * The first layer's weights of each hidden unit drawn as images: the learned features, which
   * this family's training makes worth looking at. The model provides `filters() -> [units,
   * inputDim]` (for a stack, its first stage's).
   */
  'filters',
  /**
   * Examples corrupted as in training, their reconstructions and the clean originals. The
   * model provides `corrupt(x, seed)`, `denoise(x)` and `config.corruptions`.
   */
  'denoising',
  /**
   * Per-stage codes of a stack: reconstructions from each stage's code (report), each stage's
   * code histogram (demo). The model provides `stages` and `encodeTo(x, level)`.
   */
  'stage-codes',
  /**
   * Greedy layer-wise pretraining: each stage's loss curves, from the run's record
   * (`stacked.json` beside the model) that the family's training writes.
   */
  'pretraining',
  /**
   * A softmax classifier trained on the codes after pretraining and saved beside the model
   * (`classifier/`): its accuracies, training curves and confusion matrix.
   */
  'classifier',
] as const;

/** One kind of extra view or measure a family offers; see `familyExtraKinds`. */
export type FamilyExtra = (typeof familyExtraKinds)[number];

/**
 * The views front ends draw for a family, each of which a family may add its own remark to
 * (`AutoencoderFamilyDescription.notes`): every extra kind, and two views every model gets.
 */
export const familyViewKinds = [
  /** Test examples beside their reconstructions. */
  'reconstructions',
  /** The codes of test examples in the latent space (a scatter of 2-D codes, or a projection). */
  'latent',
  ...familyExtraKinds,
] as const;

/** One view a family may remark on; see `familyViewKinds`. */
export type FamilyView = (typeof familyViewKinds)[number];

/**
 * What a family says in the views of front ends, by view: one or two sentences on what the view
 * should show for this family, shown under the view's general explanation (the `aekit` report's
 * section, the demo's panel). A front end that has a view reads its remark here.
 */
export type FamilyNotes = Readonly<Partial<Record<FamilyView, string>>>;

/**
 * What a family package registers so that a saved model of its kind can be rebuilt: the
 * loader reads `config.json`, finds the family by `config.family`, calls `create(config)` and
 * then overwrites the new model's variables with the saved weights.
 */
export interface AutoencoderFamily<Config extends AutoencoderConfig = AutoencoderConfig> {
  /** The `config.family` this family builds, e.g. `'vae'`. */
  readonly name: string;
  /** The npm package that provides it, e.g. `'@aekit/vae'`: named in errors and `config.json`. */
  readonly packageName: string;
  /** That package's version, recorded in `config.json`. */
  readonly version: string;
  /** What it is called in titles: `'Sparse autoencoder'`. */
  readonly title?: string;
  /** One line: what it is, for `--help` and pickers. */
  readonly summary?: string;
  /**
   * Its options, described once (defaults, rules, help): the family's resolver reads them, and
   * so do front ends (the command's flags, the demo's controls) instead of restating them.
   */
  readonly options?: OptionSchema;
  /**
   * The extra views and measures its models offer, in the order front ends draw them (see
   * `familyExtraKinds` for what each needs of the model). Front ends decide from this list,
   * never from the family's name. Absent: none.
   */
  readonly extras?: readonly FamilyExtra[];
  /** See `AutoencoderFamilyDescription.lecture`. */
  readonly lecture?: string;
  /** See `AutoencoderFamilyDescription.notes`. */
  readonly notes?: FamilyNotes;
  /** See `AutoencoderFamilyDescription.startingValues`. */
  readonly startingValues?: ResolvedSoFar;
  /** See `AutoencoderFamilyDescription.resolveConfig`. */
  readonly resolveConfig?: AutoencoderFamilyDescription['resolveConfig'];
  /**
   * Builds a model from a complete, saved `config`, validating it (throwing
   * `InvalidArgumentError` for a bad one). Its initial weights are overwritten by the loader.
   */
  create(config: Config): TrainableModel<Config>;
}

/**
 * What a family says about itself without building a model: its `config.family`, what it is
 * called, one line on what it is, and its options. Each family package exports its own from a
 * `./options` entry that loads no TensorFlow.js, so a page can draw its controls while a worker
 * trains; the registered `AutoencoderFamily` carries the same fields.
 */
export interface AutoencoderFamilyDescription<Options extends OptionSchema = OptionSchema> {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly options: Options;
  /** One paragraph on the idea and the loss, as a lecture puts it (the demo's panel). */
  readonly lecture?: string;
  /** Its remarks on front ends' views (see `FamilyNotes`). Absent: none. */
  readonly notes?: FamilyNotes;
  /**
   * Values a front end starts a new model with where an option has no default (a code width
   * `latentDim`) or where the family suggests another one, by option name.
   */
  readonly startingValues?: ResolvedSoFar;
  /**
   * The family's resolver: checks a partial config (`options`' fields, defaults left out),
   * fills its defaults and returns the complete config that `AutoencoderFamily.create` builds
   * from. Throws `InvalidArgumentError` naming the field and `functionName` (default: the
   * family's factory, e.g. `createSparseAe`). Front ends that build models of families they do
   * not know by name (the `aekit` command, the demo) call it, then `create`.
   */
  readonly resolveConfig?: (
    config: Readonly<Record<string, JsonValue>>,
    functionName?: string,
  ) => AutoencoderConfig;
}

const registryKey = Symbol.for('@aekit/core.autoencoder-families');

/** One registry per process, shared by every copy of @aekit/core (ESM and CJS, two versions). */
function registry(): Map<string, AutoencoderFamily> {
  const holder = globalThis as { [registryKey]?: Map<string, AutoencoderFamily> };
  holder[registryKey] ??= new Map();
  return holder[registryKey];
}

/**
 * Registers a family so models of its kind can be loaded. A family package calls it once when
 * it is imported. Registering a name again replaces the earlier entry (an ESM and a CommonJS
 * copy of one package both register).
 */
export function registerAutoencoderFamily<Config extends AutoencoderConfig>(
  family: AutoencoderFamily<Config>,
): void {
  const valid =
    typeof family === 'object' &&
    family !== null &&
    typeof family.name === 'string' &&
    family.name !== '' &&
    typeof family.packageName === 'string' &&
    typeof family.version === 'string' &&
    typeof family.create === 'function';
  if (!valid) {
    throw new InvalidArgumentError({
      functionName: 'registerAutoencoderFamily',
      argument: 'family',
      rule: 'an object { name, packageName, version, create(config) } with a non-empty name',
      value: family,
    });
  }
  const extras: unknown = family.extras ?? [];
  const known = (extra: unknown) => (familyExtraKinds as readonly unknown[]).includes(extra);
  if (!Array.isArray(extras) || !extras.every(known)) {
    throw new InvalidArgumentError({
      functionName: 'registerAutoencoderFamily',
      argument: 'family.extras',
      rule: `a list of ${familyExtraKinds.map((kind) => `'${kind}'`).join(', ')}`,
      value: family.extras,
    });
  }
  checkDescriptionFields(family);
  registry().set(family.name, family as unknown as AutoencoderFamily);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects a malformed optional field of a family's description, naming it. */
function checkDescriptionFields(family: AutoencoderFamily): void {
  const fail = (argument: string, rule: string, value: unknown): never => {
    throw new InvalidArgumentError({
      functionName: 'registerAutoencoderFamily',
      argument: `family.${argument}`,
      rule,
      value,
    });
  };
  for (const key of ['title', 'summary', 'lecture'] as const) {
    if (family[key] !== undefined && typeof family[key] !== 'string') {
      fail(key, 'a string', family[key]);
    }
  }
  if (family.options !== undefined && !isRecord(family.options)) {
    fail('options', 'an option schema (an object of option specs)', family.options);
  }
  const { notes } = family;
  if (notes !== undefined) {
    const views = familyViewKinds as readonly string[];
    const valid =
      isRecord(notes) &&
      Object.entries(notes).every(
        ([view, text]) => views.includes(view) && typeof text === 'string',
      );
    if (!valid) {
      fail(
        'notes',
        `an object of strings keyed by ${views.map((view) => `'${view}'`).join(', ')}`,
        notes,
      );
    }
  }
  if (family.startingValues !== undefined && !isRecord(family.startingValues)) {
    fail('startingValues', 'an object of option values', family.startingValues);
  }
  if (family.resolveConfig !== undefined && typeof family.resolveConfig !== 'function') {
    fail('resolveConfig', 'a function (config, functionName?) -> config', family.resolveConfig);
  }
}

/** The family registered under `name`, or undefined. */
export function findAutoencoderFamily(name: string): AutoencoderFamily | undefined {
  return registry().get(name);
}

/** The names of the registered families, sorted. */
export function registeredAutoencoderFamilies(): string[] {
  return [...registry().keys()].sort();
}

/**
 * The extras the family `name` declares, or none when it is not registered or declares none.
 * Front ends ask this rather than testing family names.
 */
export function familyExtras(name: string): readonly FamilyExtra[] {
  return findAutoencoderFamily(name)?.extras ?? [];
}
