import { type Autoencoder, deriveSeed, type FamilyExtra, familyExtras } from '@aekit/core';
import type { DenoisingAe } from '@aekit/denoising';
import type { StackedAe } from '@aekit/stacked';
import type * as tf from '@tensorflow/tfjs-core';
import { encodeRows } from '../model-calls';
import { readStackedRecord } from '../stacked-record';
import {
  type ExtraContext,
  elboSection,
  interpolationSection,
  latentUsageSection,
  manifoldSection,
  samplesSection,
} from './generative-sections';
import type { ReportSection } from './report-html';
import {
  classifierSections,
  pretrainingSection,
  stageReconstructionsSection,
} from './stacked-sections';
import {
  activationsSection,
  describeCorruption,
  filtersSection,
  filterTilesExplanation,
  tripletsSection,
} from './unit-sections';

/** The first layer's filters `[units, inputDim]`: the model's `filters()`, or a stack's first stage's. */
function firstLayerFilters(model: Autoencoder): {
  readonly filters: tf.Tensor2D;
  readonly shape: readonly number[];
} {
  const withFilters = model as unknown as {
    filters?: () => tf.Tensor2D;
    filterShape?: () => readonly number[];
  };
  const first =
    typeof withFilters.filters === 'function'
      ? withFilters
      : (model as unknown as StackedAe).stages[0]!;
  return { filters: first.filters!(), shape: first.filterShape?.() ?? [] };
}

/** The target ρ of a code with the extra 'sparsity' (`config.rho` when `config.penalty` is 'kl'). */
function targetActivation(model: Autoencoder, extras: readonly FamilyExtra[]): number | null {
  if (!extras.includes('sparsity')) return null;
  const { penalty, rho } = model.config as { penalty?: unknown; rho?: unknown };
  return penalty === 'kl' && typeof rho === 'number' ? rho : null;
}

type Drawer = (
  context: ExtraContext,
  extras: readonly FamilyExtra[],
) => ReportSection[] | Promise<ReportSection[]>;

/**
 * How the report draws each kind of extra (see `familyExtraKinds` in `@aekit/core`). The kinds
 * absent here have no section of their own: 'sparsity' marks the target ρ on the code
 * histograms, and 'jacobian-norms' is measured by `aekit eval` for every family.
 */
const drawers: { readonly [Kind in FamilyExtra]?: Drawer } = {
  samples: (context) => {
    const imageShape = context.data.imageShape;
    return imageShape === null ? [] : [samplesSection(context, imageShape)];
  },
  manifold: (context) => {
    const imageShape = context.data.imageShape;
    return imageShape === null || context.model.config.latentDim !== 2
      ? []
      : [manifoldSection(context, imageShape)];
  },
  interpolation: (context) => {
    const imageShape = context.data.imageShape;
    return imageShape === null ? [] : [interpolationSection(context, imageShape)];
  },
  posterior: (context) => [latentUsageSection(context)],
  likelihood: (context) => [elboSection(context, context.data.imageShape)],
  'code-histograms': (context, extras) => [
    activationsSection(encodeRows(context.adapter, context.model, context.test), {
      target: targetActivation(context.model, extras),
      note: context.adapter.extraNote?.('code-histograms', context.model)?.explanation ?? '',
    }),
  ],
  filters: (context) => {
    const note = context.adapter.extraNote?.('filters', context.model);
    const { filters, shape } = firstLayerFilters(context.model);
    try {
      return [
        filtersSection(context.data, filters.dataSync() as Float32Array, filters.shape[0], {
          heading: note?.heading ?? 'Learned filters',
          explanation: note?.explanation ?? filterTilesExplanation,
          tileShape: shape,
        }),
      ];
    } finally {
      filters.dispose();
    }
  },
  denoising: (context) => {
    const model = context.model as unknown as Pick<DenoisingAe, 'corrupt' | 'denoise' | 'config'>;
    return [
      tripletsSection(
        context.data,
        context.test,
        (x) => model.corrupt(x, deriveSeed(context.seed, 7)),
        (x) => model.denoise(x),
        model.config.corruptions.map(describeCorruption).join(', then '),
      ),
    ];
  },
  'stage-codes': (context) => [
    stageReconstructionsSection(context, context.model as unknown as StackedAe),
  ],
  pretraining: async (context) => {
    const record = await readStackedRecord(context.runDir);
    return record === null ? [] : [pretrainingSection(record)];
  },
  classifier: async (context) => classifierSections(await readStackedRecord(context.runDir)),
};

/**
 * The report's sections after the common ones: those of the extras the model's family declares
 * (`familyExtras` of `@aekit/core`), in the declared order.
 */
export async function extraSections(context: ExtraContext): Promise<ReportSection[]> {
  const extras = familyExtras(context.model.config.family);
  const sections: ReportSection[] = [];
  for (const extra of extras) sections.push(...((await drawers[extra]?.(context, extras)) ?? []));
  return sections;
}
