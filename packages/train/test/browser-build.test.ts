import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { registerAutoencoderFamily } from '@aekit/core';
import { describeBackends } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { createTinyAutoencoder, tinyData, tinyFamily } from './tiny-autoencoder.mjs';

// The browser build (the package's "browser" export condition) as a bundler would pick it.
const browserBuild = fileURLToPath(new URL('../dist/browser/index.js', import.meta.url));
type BrowserApi = typeof import('../src/browser');
let api: BrowserApi;

beforeAll(async () => {
  if (!existsSync(browserBuild)) throw new Error('Build @aekit/train first (pnpm build).');
  api = (await import(browserBuild)) as BrowserApi;
  registerAutoencoderFamily(tinyFamily);
});

describeBackends(['cpu', 'wasm'], 'the browser build', () => {
  it('imports nothing from Node', async () => {
    const code = await readFile(browserBuild, 'utf8');
    const imports = [...code.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((match) => match[1]);
    expect(imports.sort()).toEqual(['@aekit/core', '@tensorflow/tfjs-core']);
  });

  it('trains, and moves models as bytes', async () => {
    const model = createTinyAutoencoder({ inputDim: 4, hiddenDim: 2, seed: 1 });
    const x = tinyData(8, 4);
    const history = await api.fit(model, x, { epochs: 2, batchSize: 4 });
    expect(history.epochs).toEqual([1, 2]);
    const { config, weights } = await api.modelToBytes(model);
    const loaded = api.modelFromBytes(config, weights);
    expect(loaded.variables()['encoder.0.W']!.dataSync()).toEqual(
      model.variables()['encoder.0.W']!.dataSync(),
    );
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });

  it('says what to use instead of files', async () => {
    const model = createTinyAutoencoder({ inputDim: 4, hiddenDim: 2, seed: 1 });
    const x = tinyData(8, 4);
    const hint =
      'In a browser use modelToBytes(model) and modelFromBytes(config, weights) instead.';
    await expect(api.saveModel(model, 'out')).rejects.toThrow(
      `saveModel: 'dir' must be a folder on a file system, which this environment (a browser) does not have, got "out". ${hint}`,
    );
    await expect(api.loadModel('out')).rejects.toThrow(`loadModel: 'dir' must be a folder`);
    await expect(api.fit(model, x, { checkpoint: { dir: 'runs' } })).rejects.toThrow(
      `fit: 'options.checkpoint.dir' must be a folder on a file system, which this environment (a browser) does not have, got "runs". ${hint}`,
    );
    await expect(api.fit(model, x, { resume: 'runs' })).rejects.toThrow(
      `fit: 'options.resume' must be a folder`,
    );
    tf.dispose(x);
    model.dispose();
  });
});
