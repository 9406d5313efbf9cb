import {
  type ContractiveAeConfig,
  contractiveAeOptions,
  contractiveFamily,
  createContractiveAe,
  resolveContractiveAeConfig,
} from '@aekit/contractive';
import { mlpFamilyAdapter, schemaFamilyOptions } from './mlp-families';

/**
 * The contractive autoencoder of `@aekit/contractive`: the penalty λ‖J_f(x)‖²_F. Its flag
 * (`--lambda`), default and check are the package's option schema (`contractiveAeOptions`).
 */
export const contractiveAdapter = mlpFamilyAdapter({
  name: contractiveFamily.name,
  title: contractiveFamily.title ?? contractiveFamily.name,
  summary: contractiveFamily.summary ?? '',
  ...schemaFamilyOptions(contractiveAeOptions, (config, functionName) =>
    resolveContractiveAeConfig(config as unknown as ContractiveAeConfig, functionName),
  ),
  hiddenLayers: true,
  create: (settings, shape) =>
    createContractiveAe({
      ...(settings as Partial<ContractiveAeConfig>),
      ...shape,
      hiddenDims: [...shape.hiddenDims],
    }),
  activationNote:
    'The contractive penalty flattens the encoder around the data: saturated sigmoid units (activations near 0 or 1) have a small derivative, so expect the mass to move towards the ends of the range as λ grows.',
});
