/** Where the built page keeps the digits, relative to its base URL. */
export const mnistFolder = 'data/mnist';

/** The four gzipped IDX files, named as the official MNIST files are. */
export const mnistFileNames = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;
