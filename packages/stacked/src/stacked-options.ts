import { choiceOption, integerListOption, integerOption, seedOption } from '@aekit/core/options';

/**
 * The stacked autoencoder's options as front ends offer them, described once and free of
 * TensorFlow.js (the page of the demo reads them without loading it): `resolveStackedAeConfig`
 * fills and checks a config from them, and the `aekit` command's flags and the demo's controls
 * read their names, defaults, choices and help from them. The nested stage configs (`layers`)
 * are checked by each stage family's own resolver, in `stacked-config.ts`.
 */

/** The `config.family` of a stacked autoencoder. */
export const stackedFamilyName = 'stacked';

/** What the stacked family is called in titles. */
export const stackedFamilyTitle = 'Stacked autoencoder';

/** One line on the stacked family, for `--help` and pickers. */
export const stackedFamilySummary =
  'stacked autoencoder: stages pretrained one after another on the codes below, then a softmax classifier, optionally fine-tuned';

/** The families a stage can be. */
export type StageFamily = 'ae' | 'denoising' | 'sparse' | 'contractive';

export const stageFamilies: readonly StageFamily[] = ['ae', 'denoising', 'sparse', 'contractive'];

/**
 * `inputDim`, the stages' code widths `latentDims` and their family `stageFamily` (which build
 * a stack whose stages all take that family's defaults, when `layers` is left out), and `seed`.
 */
export const stackedAeOptions = {
  inputDim: integerOption({ range: { min: 1 }, help: 'features per example, e.g. 784' }),
  latentDims: integerListOption({
    default: [256, 128],
    flag: 'layers',
    label: 'Stage widths',
    help: "the stages' code widths from the input up, comma-separated",
  }),
  stageFamily: choiceOption(stageFamilies, {
    default: 'denoising',
    flag: 'layer-family',
    label: 'Each stage is a',
    help: "the family of every stage; the stages take that family's options",
    labels: {
      ae: 'Vanilla autoencoder',
      denoising: 'Denoising autoencoder',
      sparse: 'Sparse autoencoder',
      contractive: 'Contractive autoencoder',
    },
  }),
  seed: seedOption({
    default: 0,
    help: "seed of every stage's weights (stage k uses deriveSeed(seed, k)), an integer in [0, 2³²)",
  }),
} as const;
