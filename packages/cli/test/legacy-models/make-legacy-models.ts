/**
 * Writes the legacy-model fixtures in `saved/`: run once, with the code of the commit that
 * came before the shared vocabulary (`core-options`), from `packages/cli`:
 *
 *   npx vitest run --config test/legacy-models/vitest.make.config.ts
 *
 * It builds one tiny model per family with the config names of that time, moves every weight
 * off its seeded initial value (so a loader that ignored the weights file would be caught),
 * saves it with `saveModel` and stores `reconstruct` of the fixed input on each backend in
 * `outputs.json`. Run with today's code it would write today's names: the fixtures are kept
 * as written then, not regenerated.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAe } from '@aekit/ae';
import { createContractiveAe } from '@aekit/contractive';
import { createDenoisingAe } from '@aekit/denoising';
import { initBackend } from '@aekit/runtime-wasm';
import { createSparseAe } from '@aekit/sparse';
import { createStackedAe } from '@aekit/stacked';
import { saveModel } from '@aekit/train';
import { createVae } from '@aekit/vae';
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

// Config names as they were: these calls do not typecheck against today's configs.
// biome-ignore lint/suspicious/noExplicitAny: the old names are not in today's types.
const legacy = (config: Record<string, unknown>): any => config;

function build(name: LegacyModelName) {
  switch (name) {
    case 'ae':
      return createAe(legacy({ inputDim: 6, hiddenDims: [5], codeDim: 3, seed: 1 }));
    case 'denoising':
      return createDenoisingAe(
        legacy({ inputDim: 6, hiddenDims: [5], codeDim: 3, hiddenActivation: 'tanh', seed: 2 }),
      );
    case 'sparse-kl':
      return createSparseAe(
        legacy({ inputDim: 6, hiddenDim: 4, penalty: 'kl', rho: 0.1, seed: 3 }),
      );
    case 'contractive':
      return createContractiveAe(legacy({ inputDim: 6, hiddenDims: [5], codeDim: 3, seed: 4 }));
    case 'stacked':
      return createStackedAe(
        legacy({
          inputDim: 6,
          layers: [
            { units: 5, family: 'ae' },
            { units: 4, family: 'sparse', rho: 0.1 },
            { units: 3, family: 'denoising' },
          ],
          seed: 5,
        }),
      );
    case 'vae':
      return createVae(
        legacy({ inputDim: 6, latentDim: 2, hidden: [5], activation: 'tanh', seed: 6 }),
      );
    case 'vae-conditional':
      return createVae(
        legacy({ inputDim: 6, latentDim: 2, hidden: [4], conditional: { numClasses: 3 }, seed: 7 }),
      );
  }
}

/** Adds 0.01·(k mod 7 − 3) to the k-th value of every variable, in the model's order. */
function perturb(variables: Record<string, tf.Tensor>): void {
  for (const variable of Object.values(variables)) {
    const values = variable.dataSync();
    const moved = Float32Array.from(values, (value, k) => value + 0.01 * ((k % 7) - 3));
    tf.tidy(() => (variable as tf.Variable).assign(tf.tensor(moved, variable.shape)));
  }
}

it('writes the legacy-model fixtures', async () => {
  await rm(legacyModelsFolder, { recursive: true, force: true });
  await mkdir(legacyModelsFolder, { recursive: true });
  const outputs: Record<string, Record<string, number[]>> = {};
  for (const backend of ['cpu', 'wasm'] as const) {
    await initBackend({ backend });
    outputs[backend] = {};
    for (const name of legacyModelNames) {
      const model = build(name);
      perturb(model.variables());
      const x = tf.tensor2d(inputValues, inputShape);
      const labels = tf.tensor1d(inputLabels, 'int32');
      const reconstruction =
        name === 'vae-conditional'
          ? (model as ReturnType<typeof createVae>).reconstruct(x, labels)
          : model.reconstruct(x);
      outputs[backend][name] = Array.from(reconstruction.dataSync());
      tf.dispose([x, labels, reconstruction]);
      // The weights are the same on both backends; the outputs may differ in the last bits.
      if (backend === 'cpu') await saveModel(model, join(legacyModelsFolder, name));
      model.dispose();
    }
  }
  const stored: LegacyOutputs = outputs as LegacyOutputs;
  await writeFile(join(legacyModelsFolder, 'outputs.json'), `${JSON.stringify(stored, null, 2)}\n`);
  expect(Object.keys(stored.cpu ?? {})).toEqual([...legacyModelNames]);
});
