import type { ResolvedCorruption } from '@aekit/denoising';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { type LoadedData, pictureChannels } from '../data-source';
import type { LabelledRows } from '../family-contract';
import { histogramSvg } from './charts';
import { imagesFigure, pickRows, reportScale, roundRobinByLabel } from './common-sections';
import { filterTiles } from './filter-tiles';
import type { ReportSection } from './report-html';

/** The first sentence of every 'Learned filters' section: what a tile is. */
export const filterTilesExplanation =
  "Each tile is one hidden unit's weights from every input (a row of W₁ᵀ), drawn as an image: the input pattern that excites the unit most.";

/** Filters a report draws at most (the first units of the layer). */
export const shownFilters = 100;

/** `0.0513`: an activation for people. */
function formatActivation(value: number): string {
  return Number(value.toPrecision(3)).toString();
}

function percent(part: number, whole: number): string {
  const share = (100 * part) / Math.max(whole, 1);
  return `${share < 10 ? share.toFixed(1) : share.toFixed(0)}%`;
}

/**
 * Histograms of the hidden activations h = f(x) of test examples: every value h_bj, and the
 * mean activation ρ̂_j = (1/B) Σ_b h_bj of each unit (the quantity the KL-sparse penalty pulls
 * towards ρ).
 * @param codes `[count, units]` activations of the code layer.
 */
export function activationsSection(
  codes: { readonly values: Float32Array; readonly dim: number },
  options: { readonly target: number | null; readonly note: string },
): ReportSection {
  const units = codes.dim;
  const count = codes.values.length / units;
  const perUnit = new Float64Array(units);
  let total = 0;
  let zeros = 0;
  let small = 0;
  for (let index = 0; index < codes.values.length; index += 1) {
    const value = codes.values[index]!;
    perUnit[index % units]! += value / count;
    total += value;
    if (value === 0) zeros += 1;
    if (Math.abs(value) < 0.05) small += 1;
  }
  const mean = total / codes.values.length;
  // Short labels: two markers may sit close together; the explanation gives the values.
  const markers = [{ value: mean, label: 'mean' }];
  if (options.target !== null) markers.push({ value: options.target, label: 'target ρ' });
  const zeroText =
    zeros > 0
      ? `${percent(zeros, codes.values.length)} of them are exactly 0 and ${percent(small, codes.values.length)} below 0.05 in magnitude`
      : `${percent(small, codes.values.length)} of them are below 0.05 in magnitude`;
  return {
    heading: 'Hidden activations',
    explanation: `The ${units} code units' activations h = f(x) on ${count} test examples: left every value h_bj (${codes.values.length.toLocaleString('en')} in all; ${zeroText}), right each unit's mean activation ρ̂_j over the examples. The mean activation (red line) is ${formatActivation(mean)}${options.target === null ? '' : `, the target ρ (purple line) ${options.target}`}. ${options.note}`,
    html:
      histogramSvg(codes.values, {
        title: 'every activation h_bj',
        xLabel: 'activation',
        bins: 50,
        width: 420,
        yLabel: 'values',
        markers,
      }) +
      histogramSvg(perUnit, {
        title: 'mean activation ρ̂_j of each unit',
        xLabel: 'mean activation over the test examples',
        bins: 30,
        width: 420,
        yLabel: 'units',
        markers,
      }),
  };
}

/** Rows and columns a convolution kernel's tile is drawn at, at least (a 3×3 kernel is tiny). */
const kernelTilePixels = 24;

/**
 * The first layer's weights of each hidden unit as tiles (see `filterTiles`), the first
 * `shownFilters` units; left out with a sentence when the examples are not images. A
 * convolutional first layer (`text.tileShape` `[kh, kw, inChannels]`) is drawn kernel by
 * kernel, enlarged, the first input channel of each.
 * @param weights `[count, inputDim]`, row j the weights from every input to unit j, or
 *   `[channels, kh·kw·inChannels]` for a convolution.
 */
export function filtersSection(
  data: LoadedData,
  weights: Float32Array,
  count: number,
  text: {
    readonly heading: string;
    readonly explanation: string;
    readonly tileShape?: readonly number[];
  },
): ReportSection {
  const imageShape = data.imageShape;
  const kernel = text.tileShape?.length === 3 ? text.tileShape : null;
  if (kernel !== null) return kernelsSection(weights, count, kernel, text);
  if (
    imageShape === null ||
    imageShape[0] * imageShape[1] * pictureChannels(imageShape) !== data.dim
  ) {
    return {
      heading: text.heading,
      explanation: `The examples are not images (${data.dim} values each), so the weights of the hidden units cannot be drawn as pictures.`,
      html: '',
    };
  }
  const shown = Math.min(count, shownFilters);
  const tiles = filterTiles(weights, shown, data.dim);
  const columns = Math.min(shown, 10);
  return {
    heading: text.heading,
    explanation: `${text.explanation} Each tile is scaled by its own largest weight: mid-grey is 0, white the most positive weight, black the most negative.`,
    html: imagesFigure(
      tiles,
      shown,
      imageShape,
      columns,
      shown < count
        ? `the first ${shown} of the ${count} hidden units`
        : `all ${count} hidden units`,
    ),
  };
}

function kernelsSection(
  weights: Float32Array,
  count: number,
  kernel: readonly number[],
  text: { readonly heading: string },
): ReportSection {
  const [height, width, inChannels] = kernel as [number, number, number];
  const dim = height * width;
  // Channels last: the first input channel of kernel j is every inChannels-th value of row j.
  const firstChannel = new Float32Array(count * dim);
  for (let row = 0; row < count; row += 1) {
    for (let k = 0; k < dim; k += 1) {
      firstChannel[row * dim + k] = weights[row * dim * inChannels + k * inChannels]!;
    }
  }
  const shown = Math.min(count, shownFilters);
  const tiles = filterTiles(firstChannel, shown, dim);
  const scale = Math.max(reportScale, Math.ceil(kernelTilePixels / Math.max(height, width)));
  const channelText =
    inChannels > 1 ? ` (its weights on the first of the ${inChannels} input channels)` : '';
  return {
    heading: text.heading,
    explanation: `The first layer is a convolution: each tile is one of its ${count} ${height}×${width} kernels${channelText}, the local pattern the channel responds to wherever it appears in the image. Each tile is scaled by its own largest weight: mid-grey is 0, white the most positive weight, black the most negative.`,
    html: imagesFigure(
      tiles,
      shown,
      [height, width],
      Math.min(shown, 10),
      shown < count ? `the first ${shown} of the ${count} kernels` : `all ${count} kernels`,
      scale,
    ),
  };
}

/**
 * Corrupted test images, their reconstructions and the clean originals, three rows per block.
 * @param corrupt  `[n, dim]` → the corrupted batch (seeded by the caller).
 * @param reconstruct `[n, dim]` → its reconstruction.
 */
export function tripletsSection(
  data: LoadedData,
  test: LabelledRows,
  corrupt: (x: Tensor2D) => Tensor2D,
  reconstruct: (x: Tensor2D) => Tensor2D,
  corruptionText: string,
): ReportSection {
  const heading = 'Denoising: corrupted, reconstructed, clean';
  const imageShape = data.imageShape;
  if (imageShape === null) {
    return {
      heading,
      explanation: `The examples are not images (${data.dim} values each), so the denoising is measured by aekit eval (corruptedReconstructionError) rather than shown.`,
      html: '',
    };
  }
  const columns = 12;
  const indices = roundRobinByLabel(test.labels, test.count, 2 * columns);
  const clean = pickRows(test.x, test.dim, indices);
  const { corrupted, denoised } = tf.tidy(() => {
    const x = tf.tensor2d(clean, [indices.length, test.dim]);
    const noisy = corrupt(x);
    return { corrupted: noisy, denoised: reconstruct(noisy) };
  });
  const corruptedValues = corrupted.dataSync() as Float32Array;
  const denoisedValues = denoised.dataSync() as Float32Array;
  tf.dispose([corrupted, denoised]);
  const perRow = Math.min(columns, indices.length);
  const rows: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += columns) {
    const end = Math.min(indices.length, start + columns);
    const part = (values: Float32Array) => values.subarray(start * test.dim, end * test.dim);
    rows.push(part(corruptedValues), part(denoisedValues), part(clean));
  }
  const images = new Float32Array(rows.length * perRow * test.dim);
  rows.forEach((row, index) => {
    images.set(row, index * perRow * test.dim);
  });
  return {
    heading,
    explanation: `Test examples corrupted as in training, by ${corruptionText} (top row of each block), what the model reconstructs from the corrupted input (middle), and the clean original it never saw (bottom). The model was trained to undo exactly this damage: a good denoising autoencoder fills masked pixels and smooths noise from what it learned about the data, not from the pixel's neighbours alone.`,
    html: imagesFigure(
      images,
      rows.length * perRow,
      imageShape,
      perRow,
      'in each block of three rows: corrupted · reconstructed from the corrupted input · clean',
    ),
  };
}

/** `masking ν = 0.25`, `Gaussian σ = 0.3 clipped to [0, 1]`, …: a corruption for people. */
export function describeCorruption(corruption: ResolvedCorruption): string {
  switch (corruption.type) {
    case 'masking':
      return `masking noise ν = ${corruption.rate}`;
    case 'gaussian':
      return `Gaussian noise σ = ${corruption.std}${corruption.clip === null ? '' : ` clipped to [${corruption.clip[0]}, ${corruption.clip[1]}]`}`;
    case 'salt-and-pepper':
      return `salt-and-pepper noise p = ${corruption.rate}`;
  }
}
