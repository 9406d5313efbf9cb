import { describeBackends, itTrainsOnANetworkSpec, smallConvNetwork } from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createSparseAe,
  resolveSparseAeConfig,
  type SparseAeConfig,
  sparseNetworkOptions,
} from './index';

// A sparse autoencoder whose encoder is convolutional: the penalty acts on the code units as
// for the fully connected network; the convolutions and dense layers before the code are ReLU.

const { inputDim, inputShape, latentDim, encoder } = smallConvNetwork;

describe('a sparse AE config with an encoder', () => {
  it('gives the convolutions ReLU and keeps the code of the penalty', () => {
    for (const penalty of ['kl', 'l1'] as const) {
      const options = sparseNetworkOptions(
        resolveSparseAeConfig({ inputDim, inputShape, latentDim, encoder, penalty }),
      );
      expect([options.hiddenActivation, options.codeActivation]).toEqual([
        'relu',
        penalty === 'kl' ? 'sigmoid' : 'relu',
      ]);
    }
  });
});

for (const penalty of ['kl', 'l1'] as const) {
  const config: SparseAeConfig = { inputDim, inputShape, latentDim, encoder, penalty, seed: 4 };
  describeBackends(
    ['cpu', 'wasm'],
    `createSparseAe (${penalty}) with a convolutional encoder`,
    () => {
      itTrainsOnANetworkSpec(() => ({
        create: () => createSparseAe(config),
        fit: trainer.fit,
        saveModel: trainer.saveModel,
        loadModel: trainer.loadModel,
        ...smallConvNetwork,
      }));

      it('has a positive sparsity term on its code units', () => {
        const model = createSparseAe(config);
        const x = tf.randomUniform([4, inputDim], 0, 1, 'float32', 1) as tf.Tensor2D;
        const { total, terms } = model.lossTerms(x, { step: 0, training: true });
        const sparsity = terms.sparsity!.dataSync()[0]!;
        expect(sparsity).toBeGreaterThan(0);
        expect(total.dataSync()[0]!).toBeCloseTo(
          terms.reconstruction!.dataSync()[0]! + sparsity,
          3,
        );
        tf.dispose([x, total, ...Object.values(terms)]);
        model.dispose();
      });
    },
  );
}
