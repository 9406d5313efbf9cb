import { describeBackends, itTrainsOnANetworkSpec, smallConvNetwork } from '@aekit/test-utils';
// Called as trainer.fit: biome reads a bare `fit(` as a focused Jasmine test.
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createDenoisingAe, type DenoisingAeConfig } from './index';

// A denoising autoencoder whose encoder is convolutional: the corruptions act on the flattened
// pictures as on any vector; the network checks shared by every family, and the corruption of
// an image batch.

const { inputDim, inputShape, latentDim, encoder } = smallConvNetwork;
const config: DenoisingAeConfig = {
  inputDim,
  inputShape,
  latentDim,
  encoder,
  corruptions: [{ type: 'gaussian', std: 0.3, clip: [0, 1] }],
  seed: 3,
};

describeBackends(['cpu', 'wasm'], 'createDenoisingAe with a convolutional encoder', () => {
  itTrainsOnANetworkSpec(() => ({
    create: () => createDenoisingAe(config),
    fit: trainer.fit,
    saveModel: trainer.saveModel,
    loadModel: trainer.loadModel,
    ...smallConvNetwork,
  }));

  it('corrupts image batches within [0, 1] and denoises them to their shape', () => {
    const model = createDenoisingAe(config);
    const x = tf.fill([3, inputDim], 0.5) as tf.Tensor2D;
    const corrupted = model.corrupt(x, 11);
    const denoised = model.denoise(corrupted);
    const values = Array.from(corrupted.dataSync());
    expect(corrupted.shape).toEqual([3, inputDim]);
    expect(values.every((value) => value >= 0 && value <= 1)).toBe(true);
    // σ = 0.3 noise on 192 values: their spread is near 0.3 (clipping at 0.5 ± 1.67σ trims it).
    const spread = Math.sqrt(
      values.reduce((sum, value) => sum + (value - 0.5) ** 2, 0) / values.length,
    );
    expect(spread).toBeGreaterThan(0.2);
    expect(spread).toBeLessThan(0.35);
    expect(denoised.shape).toEqual([3, inputDim]);
    tf.dispose([x, corrupted, denoised]);
    model.dispose();
  });
});
