import type { Autoencoder } from '@aekit/core';
import type { Vae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import type { PictureShape } from '../data-source';
import type { FamilyAdapter, FamilyContext, LabelledRows } from '../family-contract';
import { mean, perExample } from '../model-calls';
import { barChartSvg, histogramSvg } from './charts';
import { imagesFigure, pickRows, roundRobinByLabel } from './common-sections';
import type { ReportSection } from './report-html';

// The report's sections of a generative model with a Gaussian posterior (the extras 'samples',
// 'manifold', 'interpolation', 'posterior' and 'likelihood' of `@aekit/core`'s FamilyExtra).

/** What a drawer of an extra section gets: the family's context and its adapter. */
export interface ExtraContext extends FamilyContext {
  readonly adapter: FamilyAdapter;
}

/** What these sections call on the model (the methods each extra names; a VAE has them all). */
export type GenerativeModel = Pick<
  Vae,
  'sample' | 'manifoldGrid' | 'interpolate' | 'posterior' | 'elbo' | 'logLikelihood'
>;

export function generative(model: Autoencoder): GenerativeModel {
  return model as unknown as GenerativeModel;
}

function isConditional(context: ExtraContext): boolean {
  return context.adapter.needsLabels(context.model);
}

/** `[count]` int32 labels for a conditional model, or undefined. */
function labelTensor(rows: LabelledRows, start: number, count: number, needed: boolean) {
  return needed && rows.labels !== null
    ? tf.tensor1d(rows.labels.subarray(start, start + count), 'int32')
    : undefined;
}

export function samplesSection(context: ExtraContext, imageShape: PictureShape): ReportSection {
  const vae = generative(context.model);
  const classNames = context.data.classNames;
  if (isConditional(context) && classNames !== null) {
    const columns = 10;
    const labels = classNames.flatMap((_, label) => new Array<number>(columns).fill(label));
    const images = tf.tidy(() =>
      vae.sample(labels.length, {
        seed: context.seed,
        labels: tf.tensor1d(labels, 'int32'),
      }),
    );
    const values = images.dataSync();
    images.dispose();
    return {
      heading: 'Samples from the prior, by class',
      explanation: `Each row decodes ${columns} random codes z ~ N(0, I) together with one class label (row 1: ${classNames[0]}, row 2: ${classNames[1]}, …). A model that has learned to use the label draws that class across its row, with z varying the style; where a row mixes classes, the decoder still leans on z for the class.`,
      html: imagesFigure(values, labels.length, imageShape, columns, 'one class per row'),
    };
  }
  const count = 64;
  const images = vae.sample(count, { seed: context.seed });
  const values = images.dataSync();
  images.dispose();
  return {
    heading: 'Samples from the prior',
    explanation:
      'New examples made by decoding random codes z ~ N(0, I): the decoder’s mean for each. None of them is in the data. They look plausible only where the encoder’s codes fill the prior, which the KL term asks for.',
    html: imagesFigure(values, count, imageShape, 8, `${count} draws, seed ${context.seed}`),
  };
}

export function manifoldSection(context: ExtraContext, imageShape: PictureShape): ReportSection {
  const vae = generative(context.model);
  const n = 16;
  const range = 3;
  const labels = isConditional(context) ? tf.tensor1d(new Int32Array(n * n), 'int32') : undefined;
  const images = vae.manifoldGrid(n, { range, ...(labels === undefined ? {} : { labels }) });
  labels?.dispose();
  const values = images.dataSync();
  images.dispose();
  return {
    heading: 'The learned manifold',
    explanation: `The decoder's mean at an evenly spaced ${n} × ${n} grid of codes, z₁ left to right and z₂ bottom to top, each from −${range} to ${range} (three prior standard deviations). Neighbouring codes decode to similar images, and the classes blend into one another: the latent space is smooth.${labels === undefined ? '' : ` Drawn for class ${context.data.classNames?.[0] ?? 0}.`}`,
    html: imagesFigure(values, n * n, imageShape, n, 'decoded grid of the 2-D latent space'),
  };
}

/** Paths in latent space between pairs of test examples, linear beside slerp. */
export function interpolationSection(
  context: ExtraContext,
  imageShape: PictureShape,
): ReportSection {
  const vae = generative(context.model);
  const { test } = context;
  const pairs = 6;
  const steps = 8;
  const chosen = roundRobinByLabel(test.labels, test.count, 2 * pairs);
  const conditional = isConditional(context);
  const strips = (method: 'linear' | 'slerp') => {
    const values = new Float32Array(pairs * steps * test.dim);
    let made = 0;
    for (let pair = 0; pair + 1 < chosen.length && made < pairs; pair += 2) {
      const [a, b] = [chosen[pair]!, chosen[pair + 1]!];
      const strip = tf.tidy(() => {
        const xA = tf.tensor2d(pickRows(test.x, test.dim, [a]), [1, test.dim]);
        const xB = tf.tensor2d(pickRows(test.x, test.dim, [b]), [1, test.dim]);
        const labels =
          conditional && test.labels !== null ? tf.tensor1d([test.labels[a]!], 'int32') : undefined;
        return vae.interpolate(xA, xB, steps, { method, ...(labels ? { labels } : {}) });
      });
      values.set(strip.dataSync(), made * steps * test.dim);
      strip.dispose();
      made += 1;
    }
    return { values, made };
  };
  const linear = strips('linear');
  const slerp = strips('slerp');
  if (linear.made === 0) {
    return {
      heading: 'Interpolations',
      explanation:
        'The test split has fewer than two examples, so there is nothing to interpolate between.',
      html: '',
    };
  }
  return {
    heading: 'Interpolations',
    explanation: `Each row walks in ${steps} steps from the code of one test example to the code of another (the ends are their reconstructions). Left: a straight line between the codes; right: a great-circle path (slerp), which keeps the codes at the distance from the origin where the prior puts its mass. A smooth latent space morphs one digit into the other without passing through noise.${conditional ? ' This model is conditional: each whole row is decoded with the label of its first example.' : ''}`,
    html:
      imagesFigure(linear.values, linear.made * steps, imageShape, steps, 'linear') +
      imagesFigure(slerp.values, slerp.made * steps, imageShape, steps, 'spherical (slerp)'),
  };
}

/** Per latent dimension: the mean KL to the prior, and the variance of μ across examples. */
function latentUsage(context: ExtraContext): { kl: number[]; activity: number[] } {
  const vae = generative(context.model);
  const { test } = context;
  const conditional = isConditional(context);
  const posterior = tf.tidy(() => {
    const x = tf.tensor2d(test.x, [test.count, test.dim]);
    const labels = labelTensor(test, 0, test.count, conditional);
    const { mu, logVar } = vae.posterior(x, labels);
    return { mu, logVar };
  });
  const mu = posterior.mu.dataSync();
  const logVar = posterior.logVar.dataSync();
  const latent = posterior.mu.shape[1]!;
  tf.dispose([posterior.mu, posterior.logVar]);
  const kl = new Array<number>(latent).fill(0);
  const meanMu = new Array<number>(latent).fill(0);
  for (let i = 0; i < test.count; i += 1) {
    for (let j = 0; j < latent; j += 1) {
      const m = mu[i * latent + j]!;
      const v = logVar[i * latent + j]!;
      kl[j]! += (0.5 * (Math.exp(v) + m * m - 1 - v)) / test.count;
      meanMu[j]! += m / test.count;
    }
  }
  const activity = new Array<number>(latent).fill(0);
  for (let i = 0; i < test.count; i += 1) {
    for (let j = 0; j < latent; j += 1) {
      activity[j]! += (mu[i * latent + j]! - meanMu[j]!) ** 2 / Math.max(1, test.count - 1);
    }
  }
  return { kl, activity };
}

export function latentUsageSection(context: ExtraContext): ReportSection {
  const { kl, activity } = latentUsage(context);
  const active = activity.filter((variance) => variance > 0.01).length;
  return {
    heading: 'How much each latent dimension is used',
    explanation: `The KL term split by latent dimension, averaged over ${context.test.count} test examples: ½(σ² + μ² − 1 − log σ²) in nats. A dimension near 0 is switched off — its posterior equals the prior and the decoder ignores it (posterior collapse, strongest with a large β). ${active} of ${kl.length} dimensions are active (their μ varies across examples with variance above 0.01, the measure of Burda et al.).`,
    html: barChartSvg(kl, {
      title: 'mean KL per latent dimension',
      xLabel: 'latent dimension',
      yLabel: 'nats per example',
      width: Math.min(760, Math.max(360, 28 * kl.length + 100)),
    }),
  };
}

export function elboSection(context: ExtraContext, imageShape: PictureShape | null): ReportSection {
  const vae = generative(context.model);
  const { test } = context;
  const samples = 10;
  const elbo = perExample(
    test,
    { batchSize: 250, withLabels: isConditional(context) },
    (x, labels) =>
      vae.elbo(x, { samples, seed: context.seed, ...(labels === undefined ? {} : { labels }) }),
  );
  const average = mean(elbo);
  const order = Array.from(elbo.keys()).sort((a, b) => elbo[a]! - elbo[b]!);
  const shown = Math.min(10, test.count);
  let html = histogramSvg(elbo, {
    title: 'ELBO of each test example',
    xLabel: 'ELBO (nats; higher = more likely under the model)',
    bins: 40,
    width: 520,
    markers: [{ value: average, label: `mean ${average.toFixed(1)}` }],
  });
  if (imageShape !== null) {
    html +=
      imagesFigure(
        pickRows(test.x, test.dim, order.slice(0, shown)),
        shown,
        imageShape,
        shown,
        `the ${shown} least likely test examples (lowest ELBO)`,
      ) +
      imagesFigure(
        pickRows(test.x, test.dim, order.slice(-shown).reverse()),
        shown,
        imageShape,
        shown,
        `the ${shown} most likely (highest ELBO)`,
      );
  }
  return {
    heading: 'How likely the model finds each test example',
    explanation: `The evidence lower bound E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)) of each of ${test.count} test examples (${samples} draws of z each), a lower bound on log p(x). The examples in the low tail are the ones the model finds strange — the idea behind anomaly detection with a VAE; the most likely are simple, common shapes.`,
    html,
  };
}
