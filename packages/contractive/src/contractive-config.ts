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
  type DenseActivation,
  deepFreeze,
  InvalidArgumentError,
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
 * A contractive autoencoder: the network of a vanilla autoencoder whose encoder f is penalised
 * by λ ‖J_f(x)‖²_F. The encoder's activations must have a closed-form derivative
 * (`'sigmoid'`, `'tanh'`, `'relu'`, `'softplus'`, `'linear'`); the lecture's model is one
 * sigmoid layer (`hiddenDims: []`, the default).
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
  if (network.encoder !== null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'encoder',
      rule:
        'null: the contractive penalty is exact for fully connected encoders (hiddenDims) and not yet available for an encoder spec',
      value: network.encoder,
    });
  }
  return deepFreeze({
    family: contractiveFamilyName,
    ...network,
    hiddenActivation: network.hiddenActivation as DenseActivation,
    codeActivation: network.codeActivation as DenseActivation,
    lambda: options.lambda,
  });
}
