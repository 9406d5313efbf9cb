import { type ContractiveAeConfig, createContractiveAe } from '@aekit/contractive';
import { numberFlag } from '../flags';
import { mlpFamilyAdapter } from './mlp-families';

/** The contractive autoencoder of `@aekit/contractive`: the penalty λ‖J_f(x)‖²_F. */
export const contractiveAdapter = mlpFamilyAdapter({
  name: 'contractive',
  title: 'Contractive autoencoder',
  summary:
    'contractive autoencoder: penalises the encoder Jacobian, λ‖J_f(x)‖²_F, for codes robust to small input changes',
  options: [
    {
      flags: '--lambda <number>',
      description: 'weight λ ≥ 0 of the penalty λ‖J_f(x)‖²_F',
      defaultText: '0.1',
    },
  ],
  hiddenLayers: true,
  parseFamilyOptions: (values, common) => ({
    ...common,
    lambda: numberFlag('train', '--lambda', values.lambda ?? 0.1, { min: 0 }),
  }),
  create: (settings, shape) =>
    createContractiveAe({
      ...(settings as Partial<ContractiveAeConfig>),
      ...shape,
      hiddenDims: [...shape.hiddenDims],
    }),
  showFilters: false,
  activationNote:
    'The contractive penalty flattens the encoder around the data: saturated sigmoid units (activations near 0 or 1) have a small derivative, so expect the mass to move towards the ends of the range as λ grows.',
});
