import { fitPca } from '@aekit/evaluation';
import type { History } from '@aekit/train';
import { type LoadedData, type PictureShape, pictureChannels } from '../data-source';
import type { LabelledRows } from '../family-contract';
import { lineChartSvg, type Series, scatterSvg } from './charts';
import { imageGridPng, pngDataUrl } from './image-grid';
import { figure, type ReportSection } from './report-html';

/** Pixels each image pixel becomes in the report's figures. */
export const reportScale = 2;

/**
 * A PNG figure of images laid out in rows (`[count, height·width]` row-major, values in
 * [0, 1]), as an `<img>` with a caption.
 */
export function imagesFigure(
  images: ArrayLike<number>,
  count: number,
  imageShape: PictureShape,
  columns: number,
  caption: string,
  scale = reportScale,
): string {
  const png = imageGridPng(images, count, {
    imageHeight: imageShape[0],
    imageWidth: imageShape[1],
    channels: pictureChannels(imageShape) as 1 | 3,
    columns,
    scale,
  });
  return figure(pngDataUrl(png), caption);
}

/** Rows `indices` of `[*, dim]` `values`, concatenated. */
export function pickRows(
  values: ArrayLike<number>,
  dim: number,
  indices: readonly number[],
): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((row, position) => {
    for (let j = 0; j < dim; j += 1) out[position * dim + j] = values[row * dim + j]!;
  });
  return out;
}

/**
 * Up to `count` row indices taking the classes in turn (0, 1, …, 9, 0, 1, …) so a figure
 * shows every class; the first rows when there are no labels.
 */
export function roundRobinByLabel(
  labels: Int32Array | null,
  total: number,
  count: number,
): number[] {
  const wanted = Math.min(count, total);
  if (labels === null) return Array.from({ length: wanted }, (_, index) => index);
  const byLabel = new Map<number, number[]>();
  for (let index = 0; index < total; index += 1) {
    const label = labels[index]!;
    if (!byLabel.has(label)) byLabel.set(label, []);
    byLabel.get(label)!.push(index);
  }
  const queues = [...byLabel.entries()].sort(([a], [b]) => a - b).map(([, rows]) => rows);
  const chosen: number[] = [];
  for (let round = 0; chosen.length < wanted; round += 1) {
    for (const queue of queues) {
      if (round < queue.length && chosen.length < wanted) chosen.push(queue[round]!);
    }
  }
  return chosen;
}

const termTitles: Record<string, string> = {
  total: 'loss (the objective minimised)',
  reconstruction: 'reconstruction term',
  kl: 'KL term',
  crossEntropy: 'cross-entropy of the classifier',
};

/** Loss curves of every term: train solid, test dashed. */
export function lossCurvesSection(history: History | null): ReportSection {
  if (history === null || history.epochs.length === 0) {
    return {
      heading: 'Training curves',
      explanation:
        'No training history was found next to this model (history.json of a run folder), so there are no curves to show.',
      html: '',
    };
  }
  const charts = Object.keys(history.train).map((term) => {
    const series: Series[] = [
      {
        name: 'train',
        points: history.epochs.map(
          (epoch, index) => [epoch, history.train[term]![index]!] as const,
        ),
      },
    ];
    const test = history.validation?.[term];
    if (test !== undefined) {
      series.push({
        name: 'test',
        points: history.epochs.map((epoch, index) => [epoch, test[index]!] as const),
        dashed: true,
      });
    }
    return lineChartSvg(series, {
      title: termTitles[term] ?? `${term} term`,
      xLabel: 'epoch',
      yLabel: 'per example',
      width: 330,
      height: 240,
    });
  });
  return {
    heading: 'Training curves',
    explanation:
      'Every term of the loss after each epoch, per example (summed over the features, averaged over the examples): solid on the training split, dashed on the test split. A training value is the mean over the epoch’s steps, taken while the model was still improving, so early on it lies above the test value, which is measured at the end of the epoch. A test curve that turns upward while the training curve keeps falling means overfitting.',
    html: charts.join(''),
  };
}

/** Originals above their reconstructions. */
export function reconstructionsSection(
  data: LoadedData,
  test: LabelledRows,
  reconstruct: (rows: LabelledRows) => Float32Array,
): ReportSection {
  const heading = 'Reconstructions';
  if (data.imageShape === null) {
    return {
      heading,
      explanation: `The examples are not images (${data.dim} values each), so reconstructions are measured by aekit eval rather than shown.`,
      html: '',
    };
  }
  const columns = 12;
  const indices = roundRobinByLabel(test.labels, test.count, 2 * columns);
  const originals = pickRows(test.x, test.dim, indices);
  const chosen: LabelledRows = {
    x: originals,
    labels: test.labels === null ? null : Int32Array.from(indices, (row) => test.labels![row]!),
    count: indices.length,
    dim: test.dim,
  };
  const reconstructions = reconstruct(chosen);
  // Rows: originals, their reconstructions, the next originals, theirs.
  const rows: Float32Array[] = [];
  for (let start = 0; start < indices.length; start += columns) {
    const end = Math.min(indices.length, start + columns);
    rows.push(originals.subarray(start * test.dim, end * test.dim));
    rows.push(reconstructions.subarray(start * test.dim, end * test.dim));
  }
  const perRow = Math.min(columns, indices.length);
  const images = new Float32Array(rows.length * perRow * test.dim);
  rows.forEach((row, index) => {
    images.set(row, index * perRow * test.dim);
  });
  return {
    heading,
    explanation:
      'Test examples the model never trained on (odd rows) above their reconstructions (even rows), decoded from the code of each example. Blur is the price of squeezing an image through the code; details that vary a lot between examples go first.',
    html: imagesFigure(
      images,
      rows.length * perRow,
      data.imageShape,
      perRow,
      'odd rows: test images · even rows: reconstructions',
    ),
  };
}

/** Fraction of the total variance, as `31%`. */
function share(part: number, total: number): string {
  return `${((100 * part) / total).toFixed(0)}%`;
}

/**
 * The codes of test examples in the plane, coloured by label: the codes themselves when they
 * are 2-D, else their first two principal components beside those of the raw pixels.
 */
export function codesSection(
  data: LoadedData,
  test: LabelledRows,
  codes: { values: Float32Array; dim: number },
): ReportSection {
  const classNames = data.classNames ?? undefined;
  const labels = test.labels;
  const heading = 'Codes of the test examples';
  if (codes.dim === 2) {
    return {
      heading,
      explanation: `The 2-D code of each of ${test.count} test examples, coloured by its label (which the model never saw). Classes that form separate clusters were told apart without supervision; where they overlap, the model found them alike.`,
      html: scatterSvg(codes.values, labels, {
        title: 'codes z (2-D latent space)',
        xLabel: 'z₁',
        yLabel: 'z₂',
        ...(classNames === undefined ? {} : { classNames }),
      }),
    };
  }
  const pcaOfCodes = fitPca(codes.values, test.count, codes.dim, {
    components: Math.min(2, codes.dim),
  });
  const pcaOfPixels = fitPca(test.x, test.count, test.dim, { components: 2 });
  const projectedCodes = pcaOfCodes.project(codes.values, test.count);
  const projectedPixels = pcaOfPixels.project(test.x, test.count);
  const axis = (pca: typeof pcaOfCodes, index: number) =>
    `PC${index + 1} (${share(pca.explainedVariance[index] ?? 0, pca.totalVariance)} of the variance)`;
  // A 1-D code is drawn on a line (y = 0).
  const codeShare = (pcaOfCodes.explainedVariance[0] ?? 0) + (pcaOfCodes.explainedVariance[1] ?? 0);
  const pixelShare = pcaOfPixels.explainedVariance[0]! + pcaOfPixels.explainedVariance[1]!;
  const codePoints =
    codes.dim >= 2
      ? projectedCodes
      : Float64Array.from({ length: 2 * test.count }, (_, index) =>
          index % 2 === 0 ? projectedCodes[index / 2]! : 0,
        );
  return {
    heading,
    explanation: `The ${codes.dim}-dimensional codes of ${test.count} test examples projected on their two principal components (left), beside the same examples' raw ${data.dim} values projected the same way (right), coloured by label (never seen in training). Two components hold ${share(codeShare, pcaOfCodes.totalVariance)} of the codes' variance and ${share(pixelShare, pcaOfPixels.totalVariance)} of the inputs'; where that share is small, the picture shows only a slice of the structure, and the linear probe and k-NN of aekit eval measure the separation in all dimensions. Tighter, better separated classes on the left than on the right are what the encoder learned beyond a linear projection of its inputs.`,
    html:
      scatterSvg(codePoints, labels, {
        title: `PCA of the ${codes.dim}-D codes`,
        xLabel: axis(pcaOfCodes, 0),
        yLabel: axis(pcaOfCodes, 1),
        size: 380,
      }) +
      scatterSvg(projectedPixels, labels, {
        title: `PCA of the raw ${data.dim} values`,
        xLabel: axis(pcaOfPixels, 0),
        yLabel: axis(pcaOfPixels, 1),
        size: 380,
        ...(classNames === undefined ? {} : { classNames }),
      }),
  };
}
