import { checkKnownFields } from '@aekit/core';
import type { Dataset } from './dataset';
import { DataFormatError } from './errors';
import { loadIdxWith } from './load-idx';
import type { Platform } from './platform';

/** Fashion-MNIST's ten classes, indexed by label. */
export const fashionMnistClassNames: readonly string[] = Object.freeze([
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
]);

/** The four Fashion-MNIST files by role, as published (each also found with `.gz`). */
export const fashionMnistFileNames = Object.freeze({
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
});

/** The four Fashion-MNIST inputs by role. */
export interface FashionMnistFiles<Source> {
  readonly trainImages: Source;
  readonly trainLabels: Source;
  readonly testImages: Source;
  readonly testLabels: Source;
}

/** Train and test splits, each with labels and class names. */
export interface TrainTest {
  readonly train: Dataset;
  readonly test: Dataset;
}

export async function loadFashionMnistFiles(
  platform: Platform,
  functionName: string,
  files: FashionMnistFiles<unknown>,
): Promise<TrainTest> {
  if (typeof files === 'object' && files !== null) {
    checkKnownFields(functionName, { ...files }, Object.keys(fashionMnistFileNames), 'files.');
  }
  const load = async (images: unknown, labels: unknown) => {
    const dataset = await loadIdxWith(platform, functionName, {
      images,
      labels,
      classNames: fashionMnistClassNames,
    });
    if (dataset.featureShape.length !== 2 || dataset.dim !== 784) {
      throw new DataFormatError({
        functionName,
        source: 'images',
        problem: `the Fashion-MNIST images must be 28 × 28, but these are [${dataset.featureShape.join(', ')}].`,
      });
    }
    return dataset;
  };
  const train = await load(files.trainImages, files.trainLabels);
  const test = await load(files.testImages, files.testLabels);
  return { train, test };
}
