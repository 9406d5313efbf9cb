import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { apportion } from './apportion';
import * as browser from './browser';
import type { Dataset } from './dataset';
import { DataNotFoundError } from './errors';
import {
  debianFashionMnistDir,
  fashionMnistClassNames,
  fashionMnistFileNames,
  loadFashionMnist,
  loadMnist,
} from './index';
import { decodeDigitJson } from './mnist';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const samplePixels = (dataset: Dataset, index: number) =>
  Uint8Array.from(dataset.sampleAt(index).x);
const countLabels = (dataset: Dataset) => {
  const counts = new Array<number>(10).fill(0);
  for (const label of dataset.labels!) counts[label]! += 1;
  return counts;
};

// The mnist package's digits, decoded independently: JSON.parse, then value · 255 rounded.
const mnistRoot = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
const referenceDigits = Array.from({ length: 10 }, (_, digit) => {
  const { data } = JSON.parse(
    readFileSync(join(mnistRoot, 'src', 'digits', `${digit}.json`), 'utf8'),
  ) as { data: number[] };
  return Uint8Array.from(data, (value) => Math.round(value * 255));
});
const referenceCounts = referenceDigits.map((pixels) => pixels.length / 784);

describe('loadMnist', () => {
  it('has the 10,000 digits of the mnist package, read exactly', () => {
    expect(referenceCounts.reduce((a, b) => a + b, 0)).toBe(10_000);
    referenceDigits.forEach((pixels, digit) => {
      const file = `src/digits/${digit}.json`;
      const decoded = decodeDigitJson(readFileSync(join(mnistRoot, file)), file);
      expect(sha256(decoded)).toBe(sha256(pixels));
    });
  });

  it('splits 8,000 / 2,000 by default, stratified by digit, partitioning the 10,000', async () => {
    const { train, test } = await loadMnist();
    expect(train.size).toBe(8000);
    expect(test.size).toBe(2000);
    expect(train.featureShape).toEqual([28, 28]);
    expect(train.dtype).toBe('uint8');
    expect(train.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(countLabels(train)).toEqual(apportion(referenceCounts, 8000));
    expect(countLabels(test)).toEqual(referenceCounts.map((n, d) => n - countLabels(train)[d]!));
    // Every digit of the package is in exactly one split, with its label.
    const expected = new Map<string, number>();
    referenceDigits.forEach((pixels, digit) => {
      for (let i = 0; i < pixels.length; i += 784) {
        const key = `${digit}:${sha256(pixels.subarray(i, i + 784))}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    });
    for (const split of [train, test]) {
      const labels = split.labels!;
      for (let i = 0; i < split.size; i += 1) {
        const key = `${labels[i]}:${sha256(samplePixels(split, i))}`;
        expect(expected.get(key)).toBeGreaterThan(0);
        expected.set(key, expected.get(key)! - 1);
      }
    }
    expect([...expected.values()].every((left) => left === 0)).toBe(true);
    // Shuffled: the first hundred training samples are not all one digit.
    expect(new Set(train.labels!.subarray(0, 100)).size).toBe(10);
  });

  it('is deterministic by seed, and takes any sizes', async () => {
    const a = await loadMnist({ trainSize: 100, testSize: 50, seed: 3 });
    const b = await loadMnist({ trainSize: 100, testSize: 50, seed: 3 });
    const c = await loadMnist({ trainSize: 100, testSize: 50, seed: 4 });
    const firstTen = (data: Dataset) =>
      Array.from({ length: 10 }, (_, i) => sha256(samplePixels(data, i)));
    expect(firstTen(a.train)).toEqual(firstTen(b.train));
    expect(firstTen(a.test)).toEqual(firstTen(b.test));
    expect(firstTen(a.train)).not.toEqual(firstTen(c.train));
    expect(countLabels(a.train)).toEqual(apportion(apportion(referenceCounts, 150), 100));
    await expect(loadMnist({ trainSize: 9000, testSize: 2000 })).rejects.toThrow(
      "loadMnist: 'testSize' must be an integer in [0, 1000], so that trainSize + testSize ≤ 10000, got 2000. The mnist package holds 10000 digits.",
    );
  });

  it('rejects a digit file that is not what the mnist package ships', () => {
    const decode = (text: string) => () =>
      decodeDigitJson(new TextEncoder().encode(text), 'x.json');
    const zeros = Array.from({ length: 784 }, () => '0').join(',');
    expect(decode(`{"data":[${zeros}]}`)().length).toBe(784);
    expect(decode('[1, 2]')).toThrow(
      'loadMnist: the mnist package\'s x.json is not of the form { "data": [numbers] }: it does not start with { "data": [ at byte 0.',
    );
    expect(decode('{ "data": [0, 0.2x] }')).toThrow(
      'loadMnist: the mnist package\'s x.json is not of the form { "data": [numbers] }: expected , or ] at byte 17.',
    );
    expect(decode('{ "data": [0, 2] }')).toThrow(
      "loadMnist: the mnist package's x.json holds 2 at index 1, which is not a pixel value k/255 in [0, 1] rounded to three decimals.",
    );
    expect(decode('{ "data": [0, 1] }')).toThrow(
      "loadMnist: the mnist package's x.json holds 2 values, which is not a whole number of 28 × 28 samples.",
    );
  });
});

// Fashion-MNIST: Debian's dataset-fashion-mnist (or AEKIT_FASHION_MNIST_DIR). In CI the files
// must be there (.ci/run installs them); elsewhere the tests are skipped, saying why.
const fashionDir = process.env.AEKIT_FASHION_MNIST_DIR || debianFashionMnistDir;
const fashionFiles = Object.values(fashionMnistFileNames).map((base) =>
  join(fashionDir, `${base}.gz`),
);
const fashionAvailable = fashionFiles.every((file) => existsSync(file));
const inCi = process.env.CI === 'true';
function requireFashion(context: TestContext): void {
  if (!fashionAvailable && !inCi) {
    context.skip(
      `Fashion-MNIST is not in ${fashionDir}: apt-get install dataset-fashion-mnist to run this test.`,
    );
  }
}

let fashion: Promise<{ train: Dataset; test: Dataset }> | undefined;
const loadFashionOnce = () => {
  fashion ??= loadFashionMnist();
  return fashion;
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aekit-fashion-'));
  tempDirs.push(dir);
  return dir;
}

describe('loadFashionMnist', () => {
  it('loads 60,000 + 10,000 images whose first is the known ankle boot', async (context) => {
    requireFashion(context);
    const { train, test } = await loadFashionOnce();
    expect(train.size).toBe(60_000);
    expect(test.size).toBe(10_000);
    expect(train.featureShape).toEqual([28, 28]);
    expect(train.classNames).toEqual(fashionMnistClassNames);
    // The first training example of Fashion-MNIST: label 9, an ankle boot.
    const first = train.sampleAt(0);
    expect(first.label).toBe(9);
    expect(train.classNames![first.label!]).toBe('Ankle boot');
    const pixels = Uint8Array.from(first.x);
    expect(pixels.reduce((sum, value) => sum + value, 0)).toBe(76_247);
    expect(Array.from(pixels.subarray(280, 308))).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 193, 228, 218, 213, 198, 180, 212, 210, 211, 213, 223,
      220, 243, 202, 0,
    ]);
    expect(sha256(pixels)).toBe('5bd44e331a6d6998daf675700cd0c13dcd7af8ab954b7585124124da61459e7b');
    expect(Array.from(train.labels!.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(test.labels!.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(sha256(samplePixels(test, 0))).toBe(
      'ffc7351ed0f8bae542820866086177fa4e0b366b97bf9d998dffdb8dbe138787',
    );
    expect(countLabels(train)).toEqual(new Array(10).fill(6000));
  });

  it('keeps the images as bytes: at most ~100 MB of sample data', async (context) => {
    requireFashion(context);
    const { train, test } = await loadFashionOnce();
    expect(train.dtype).toBe('uint8');
    expect(train.sampleBytes + test.sampleBytes).toBe(70_000 * 784);
    expect(train.sampleBytes + test.sampleBytes).toBeLessThanOrEqual(100e6);
  });

  it('reads a folder of plain and gzipped files, from { dir } or AEKIT_FASHION_MNIST_DIR', async (context) => {
    requireFashion(context);
    const dir = tempDir();
    const [trainImages, trainLabels, testImages, testLabels] = fashionFiles as [
      string,
      string,
      string,
      string,
    ];
    symlinkSync(trainImages, join(dir, `${fashionMnistFileNames.trainImages}.gz`));
    writeFileSync(
      join(dir, fashionMnistFileNames.trainLabels),
      gunzipSync(readFileSync(trainLabels)),
    );
    writeFileSync(
      join(dir, fashionMnistFileNames.testImages),
      gunzipSync(readFileSync(testImages)),
    );
    symlinkSync(testLabels, join(dir, `${fashionMnistFileNames.testLabels}.gz`));
    const fromDir = await loadFashionMnist({ dir });
    expect(fromDir.train.sampleAt(0).label).toBe(9);
    expect(fromDir.test.size).toBe(10_000);
    const saved = process.env.AEKIT_FASHION_MNIST_DIR;
    try {
      process.env.AEKIT_FASHION_MNIST_DIR = dir;
      const fromEnvironment = await loadFashionMnist();
      expect(sha256(samplePixels(fromEnvironment.test, 0))).toBe(
        sha256(samplePixels(fromDir.test, 0)),
      );
      const empty = tempDir();
      process.env.AEKIT_FASHION_MNIST_DIR = empty;
      await expect(loadFashionMnist()).rejects.toThrow(
        `loadFashionMnist: the Fashion-MNIST files are not in ${empty} (from AEKIT_FASHION_MNIST_DIR): `,
      );
    } finally {
      if (saved === undefined) delete process.env.AEKIT_FASHION_MNIST_DIR;
      else process.env.AEKIT_FASHION_MNIST_DIR = saved;
    }
  });

  it('loads from four Blobs in the browser build', async (context) => {
    requireFashion(context);
    const [trainImages, trainLabels, testImages, testLabels] = fashionFiles.map(
      (file) => new File([readFileSync(file)], file.split('/').pop()!),
    ) as [File, File, File, File];
    const { train, test } = await browser.loadFashionMnist({
      files: { trainImages, trainLabels, testImages, testLabels },
    });
    expect(train.size).toBe(60_000);
    expect(sha256(samplePixels(train, 0))).toBe(
      '5bd44e331a6d6998daf675700cd0c13dcd7af8ab954b7585124124da61459e7b',
    );
    expect(test.sampleAt(0).label).toBe(9);
  });

  it('says how to get the files when they are missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), '');
    const error = await loadFashionMnist({ dir }).catch((caught: unknown) => caught);
    expect(DataNotFoundError.isInstance(error)).toBe(true);
    expect((error as DataNotFoundError).missing).toEqual([
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]);
    expect((error as Error).message).toBe(
      `loadFashionMnist: the Fashion-MNIST files are not in ${dir}: train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz are missing. ` +
        "Install Debian's package, which puts them there: apt-get install dataset-fashion-mnist. " +
        'Or pass { dir }, or set AEKIT_FASHION_MNIST_DIR, to a folder holding the four files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz (gzipped or not).',
    );
  });
});

describeBackends(['cpu', 'wasm'], 'Fashion-MNIST batching', () => {
  it('batches the full training set for one epoch and leaks no tensors', async (context) => {
    requireFashion(context);
    const { train } = await loadFashionOnce();
    const data = train.normalize().shuffle(1);
    let samples = 0;
    let batches = 0;
    await expectNoLeaks(() => {
      samples = 0;
      batches = 0;
      for (const batch of data.batches(128)) {
        samples += batch.x.shape[0];
        batches += 1;
        batch.dispose();
      }
    });
    expect(samples).toBe(60_000);
    expect(batches).toBe(469);
    const [first] = data.batches(128);
    expect(first!.x.shape).toEqual([128, 784]);
    const max = tf.max(first!.x);
    expect(max.dataSync()[0]).toBeLessThanOrEqual(1);
    tf.dispose(max);
    first!.dispose();
  });
});

describe('loaders of the built-in data sets: options', () => {
  it('reject an unknown option, naming the one likely meant, in Node and the browser', async () => {
    for (const load of [loadMnist, browser.loadMnist]) {
      await expect(load({ trainSize: 10, testsize: 5 } as never)).rejects.toThrow(
        "loadMnist: unknown option 'testsize'; did you mean 'testSize'?",
      );
    }
    await expect(loadFashionMnist({ directory: '/data' } as never)).rejects.toThrow(
      'loadFashionMnist: unknown option \'directory\' (got "/data"); the options are dir, files.',
    );
    const file = new Uint8Array(0);
    const files = { trainImages: file, trainLabels: file, testImages: file, testlabels: file };
    await expect(loadFashionMnist({ files } as never)).rejects.toThrow(
      "loadFashionMnist: unknown option 'files.testlabels'; did you mean 'files.testLabels'?",
    );
    await expect(browser.loadFashionMnist({ files } as never)).rejects.toThrow(
      "loadFashionMnist: unknown option 'files.testlabels'; did you mean 'files.testLabels'?",
    );
    // The browser has no folder to read, and says so for a misspelt key too.
    expect(() => browser.loadFashionMnist({ file: files } as never)).toThrow(
      "loadFashionMnist: unknown option 'file'; did you mean 'files'?",
    );
  });
});
