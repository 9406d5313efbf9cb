import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAe } from '@aekit/ae';
import { createContractiveAe } from '@aekit/contractive';
import type { AutoencoderConfig, TrainableModel } from '@aekit/core';
import { createDenoisingAe } from '@aekit/denoising';
import { createSparseAe } from '@aekit/sparse';
import { createStackedAe } from '@aekit/stacked';
import { describeBackends, temporaryFolder } from '@aekit/test-utils';
import { loadModel, saveModel } from '@aekit/train';
import { createVae, type Vae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  inputLabels,
  inputShape,
  inputValues,
  type LegacyModelName,
  type LegacyOutputs,
  legacyModelNames,
  legacyModelsFolder,
} from './models';

// Model folders written by the version before the shared vocabulary (see make-legacy-models.ts)
// load with today's names and give the outputs stored then, bit for bit; saved again, they carry
// only today's names.

/** Today's config of each fixture: the same hyper-parameters, written with the new names. */
function expectedConfig(name: LegacyModelName): AutoencoderConfig {
  const build = (): TrainableModel => {
    switch (name) {
      case 'ae':
        return createAe({ inputDim: 6, hiddenDims: [5], latentDim: 3, seed: 1 });
      case 'denoising':
        return createDenoisingAe({
          inputDim: 6,
          hiddenDims: [5],
          latentDim: 3,
          hiddenActivation: 'tanh',
          seed: 2,
        });
      case 'sparse-kl':
        return createSparseAe({ inputDim: 6, latentDim: 4, penalty: 'kl', rho: 0.1, seed: 3 });
      case 'contractive':
        return createContractiveAe({ inputDim: 6, hiddenDims: [5], latentDim: 3, seed: 4 });
      case 'stacked':
        return createStackedAe({
          inputDim: 6,
          layers: [
            { latentDim: 5, family: 'ae' },
            { latentDim: 4, family: 'sparse', rho: 0.1 },
            { latentDim: 3, family: 'denoising' },
          ],
          seed: 5,
        });
      case 'vae':
        return createVae({
          inputDim: 6,
          latentDim: 2,
          hiddenDims: [5],
          hiddenActivation: 'tanh',
          seed: 6,
        });
      case 'vae-conditional':
        return createVae({
          inputDim: 6,
          latentDim: 2,
          hiddenDims: [4],
          conditional: { numClasses: 3 },
          seed: 7,
        });
    }
  };
  const model = build();
  const config = model.config;
  model.dispose();
  return config;
}

const oldNames = ['codeDim', 'hiddenDim', 'units', 'hidden', 'activation'];

/** Every key of a JSON value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...keysOf(item)]);
}

function reconstruction(name: LegacyModelName, model: TrainableModel): number[] {
  return tf.tidy(() => {
    const x = tf.tensor2d(inputValues, inputShape);
    const output =
      name === 'vae-conditional'
        ? (model as unknown as Vae).reconstruct(x, tf.tensor1d(inputLabels, 'int32'))
        : (model as unknown as Vae).reconstruct(x);
    return Array.from(output.dataSync());
  });
}

const folder = temporaryFolder('aekit-legacy-');

describeBackends(['cpu', 'wasm'], 'model folders saved before the shared vocabulary', (backend) => {
  it.each(legacyModelNames)('%s loads with the new names and its stored outputs', async (name) => {
    const outputs = JSON.parse(
      await readFile(join(legacyModelsFolder, 'outputs.json'), 'utf8'),
    ) as LegacyOutputs;
    const saved = JSON.parse(await readFile(join(legacyModelsFolder, name, 'config.json'), 'utf8'));
    // The fixture really is in the old vocabulary.
    expect(keysOf(saved.config).some((key) => oldNames.includes(key))).toBe(true);

    const model = await loadModel(join(legacyModelsFolder, name));
    try {
      expect(model.config).toEqual(expectedConfig(name));
      expect(reconstruction(name, model)).toEqual(outputs[backend]?.[name]);

      const again = join(folder(), `${backend}-${name}`);
      await saveModel(model, again);
      const written = JSON.parse(await readFile(join(again, 'config.json'), 'utf8'));
      expect(keysOf(written).filter((key) => oldNames.includes(key))).toEqual([]);
      expect(written.config).toEqual(expectedConfig(name));
      const reloaded = await loadModel(again);
      expect(reconstruction(name, reloaded)).toEqual(outputs[backend]?.[name]);
      reloaded.dispose();
    } finally {
      model.dispose();
    }
  });
});
