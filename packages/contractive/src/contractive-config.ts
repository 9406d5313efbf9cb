import {
  aeDefaults,
  closedFormActivations,
  type NetworkConfig,
  type NetworkDefaults,
  networkInConfigOrder,
  networkOptions,
  type ReconstructionLoss,
  renamedNetworkConfigFields,
} from '@aekit/ae/options';
import {
  type AutoencoderConfig,
  type AutoencoderFamilyDescription,
  checkConfigObject,
  choiceOption,
  type DenseActivation,
  deepFreeze,
  integerOption,
  numberOption,
  resolveOptions,
} from '@aekit/core/options';
import type {
  ActivationName,
  ImageShape,
  InitializerName,
  NetworkSpec,
} from '@aekit/layers/options';

/** The `config.family` of a contractive autoencoder. */
export const contractiveFamilyName = 'contractive';

/**
 * How the contractive penalty computes ‖J_f(x)‖²_F: `'exact'` (a closed form for a fully
 * connected encoder, one vector–Jacobian product per code unit for an encoder spec),
 * `'estimate'` (Hutchinson's unbiased estimate from `projections` Gaussian directions), or
 * `'auto'`: exact for a fully connected encoder and for an encoder spec with at most
 * `exactJacobianMaxLatentDim` code units, the estimate beyond.
 */
export type ContractiveJacobian = 'auto' | 'exact' | 'estimate';

/** The values of `ContractiveAeConfig.jacobian`. */
export const contractiveJacobians: readonly ContractiveJacobian[] = ['auto', 'exact', 'estimate'];

/**
 * The widest code `jacobian: 'auto'` computes exactly for an encoder spec: 8 code units cost 8
 * backward passes of the encoder per step; wider codes use the estimate.
 */
export const exactJacobianMaxLatentDim = 8;

/** The default number of random directions of the estimate. */
export const defaultJacobianProjections = 1;

/**
 * A contractive autoencoder: the network of a vanilla autoencoder whose encoder f is penalised
 * by λ ‖J_f(x)‖²_F. The encoder is fully connected (`hiddenDims`; the lecture's model is one
 * sigmoid layer, `hiddenDims: []`, the default) or given by a network spec (`encoder`, e.g.
 * convolutional, then the code layer); its activations must have a closed-form derivative
 * (`'sigmoid'`, `'tanh'`, `'relu'`, `'softplus'`, `'linear'`). See `jacobian` for how the norm
 * is computed.
 */
export interface ContractiveAeConfig extends NetworkConfig {
  /** `'contractive'` when given (a saved configuration carries it). */
  readonly family?: typeof contractiveFamilyName;
  /** Activation of the encoder's (and decoder's) hidden layers. Default `'sigmoid'`. */
  readonly hiddenActivation?: DenseActivation;
  /** Activation of the code layer. Default `'sigmoid'`. */
  readonly codeActivation?: DenseActivation;
  /** Weight λ ≥ 0 of the contractive penalty. Default 0.1. */
  readonly lambda?: number;
  /** How ‖J_f(x)‖²_F is computed (see `ContractiveJacobian`). Default `'auto'`. */
  readonly jacobian?: ContractiveJacobian;
  /**
   * P ≥ 1, the random directions per example of the estimate (cost: P backward passes; the
   * estimate's variance falls as 1/P). Default 1.
   */
  readonly projections?: number;
}

/** A `ContractiveAeConfig` with every default filled in: plain JSON, frozen. */
export interface ResolvedContractiveAeConfig extends AutoencoderConfig {
  readonly family: typeof contractiveFamilyName;
  readonly inputDim: number;
  readonly inputShape: ImageShape | null;
  readonly encoder: NetworkSpec | null;
  readonly hiddenDims: readonly number[];
  readonly latentDim: number;
  readonly hiddenActivation: DenseActivation;
  readonly codeActivation: DenseActivation;
  readonly outputActivation: ActivationName;
  readonly loss: ReconstructionLoss;
  readonly tiedWeights: boolean;
  readonly init: InitializerName;
  readonly seed: number;
  readonly lambda: number;
  readonly jacobian: ContractiveJacobian;
  readonly projections: number;
}

/** Sigmoid hidden and code layers, a sigmoid reconstruction, the summed squared error. */
export const contractiveDefaults: NetworkDefaults = {
  ...aeDefaults,
  hiddenActivation: 'sigmoid',
  codeActivation: 'sigmoid',
};

/** The default λ. */
export const defaultContractiveWeight = 0.1;

/** The options of a contractive autoencoder, described once: the network's, then λ. */
export const contractiveAeOptions = {
  ...networkOptions(contractiveDefaults, closedFormActivations),
  lambda: numberOption({
    default: defaultContractiveWeight,
    range: { min: 0 },
    label: 'Penalty weight λ',
    help: 'weight λ ≥ 0 of the penalty λ‖J_f(x)‖²_F',
    suggested: { min: 0, max: 20, step: 0.01 },
  }),
  jacobian: choiceOption(contractiveJacobians, {
    default: 'auto',
    label: 'Jacobian norm',
    help: `how ‖J_f(x)‖²_F is computed: 'exact' (a closed form for dense encoders, one backward pass per code unit for an encoder spec), 'estimate' (Hutchinson's, from 'projections' Gaussian directions: P backward passes), or 'auto' (exact for dense encoders and for specs with latentDim ≤ ${exactJacobianMaxLatentDim}, else the estimate)`,
    labels: {
      auto: 'Exact where cheap, else estimated',
      exact: 'Exact',
      estimate: 'Estimated (random projections)',
    },
  }),
  projections: integerOption({
    default: defaultJacobianProjections,
    range: { min: 1 },
    usedWhen: {
      test: (options) => options.jacobian !== 'exact',
      description: "jacobian 'estimate' or 'auto'",
    },
    label: 'Random projections',
    help: "random Gaussian directions P ≥ 1 per example of the Jacobian estimate (jacobian 'estimate', or 'auto' beyond the exact bound): P backward passes, variance 2‖JJᵀ‖²_F / P",
    suggested: { min: 1, max: 16, step: 1 },
  }),
} as const;

/** The contractive family's name, title, summary and options (see `AutoencoderFamilyDescription`). */
export const contractiveFamilyDescription = {
  name: contractiveFamilyName,
  title: 'Contractive autoencoder',
  summary:
    'contractive autoencoder: penalises the encoder Jacobian, λ‖J_f(x)‖²_F, for codes robust to small input changes',
  options: contractiveAeOptions,
  lecture:
    'Adds λ‖J_f(x)‖²_F, the squared Frobenius norm of the encoder’s Jacobian, to the reconstruction error: the code must change little when x changes a little, except along the directions the data varies in, which reconstruction needs. The code becomes locally invariant to small perturbations.',
  notes: {
    'code-histograms':
      'The contractive penalty flattens the encoder around the data: a larger λ lowers ‖J_f(x)‖_F, so the code reacts less to small changes of the input, and saturated sigmoid units (activations near 0 or 1) have a small derivative, so expect the mass to move towards the ends of the range as λ grows.',
  },
  // The code width has no default.
  startingValues: { latentDim: 256 },
  resolveConfig: (config, functionName) =>
    resolveContractiveAeConfig(config as unknown as ContractiveAeConfig, functionName),
} satisfies AutoencoderFamilyDescription;

/**
 * Checks `config`, fills its defaults and returns it frozen. Throws `InvalidArgumentError`
 * naming the field, e.g. `createContractiveAe: 'lambda' must be a finite number ≥ 0, got -1.`
 */
export function resolveContractiveAeConfig(
  config: ContractiveAeConfig,
  functionName = 'createContractiveAe',
): ResolvedContractiveAeConfig {
  const record = checkConfigObject(
    functionName,
    config,
    contractiveFamilyName,
    'ContractiveAeConfig',
    Object.keys(contractiveAeOptions),
    renamedNetworkConfigFields,
  );
  const options = resolveOptions(functionName, contractiveAeOptions, record, ['family']);
  const network = networkInConfigOrder(functionName, options);
  return deepFreeze({
    family: contractiveFamilyName,
    ...network,
    hiddenActivation: network.hiddenActivation as DenseActivation,
    codeActivation: network.codeActivation as DenseActivation,
    lambda: options.lambda,
    jacobian: options.jacobian as ContractiveJacobian,
    projections: options.projections,
  });
}

/**
 * The penalty `config` trains with: `'closed-form'` (`encoderJacobianFrobeniusSquared`, a
 * fully connected encoder), `'exact'` (`functionJacobianFrobeniusSquared`, latentDim
 * vector–Jacobian products) or `'estimate'` (`functionJacobianFrobeniusSquaredEstimate`,
 * `projections` of them).
 */
export function contractivePenaltyMethod(
  config: Pick<ResolvedContractiveAeConfig, 'encoder' | 'latentDim' | 'jacobian'>,
): 'closed-form' | 'exact' | 'estimate' {
  if (config.jacobian === 'estimate') return 'estimate';
  if (config.encoder === null) return 'closed-form';
  if (config.jacobian === 'exact' || config.latentDim <= exactJacobianMaxLatentDim) return 'exact';
  return 'estimate';
}
