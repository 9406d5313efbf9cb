import {
  type Dense64,
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  forward64,
  type Matrix,
  setVariables64,
  uniformMatrix,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  aeDefaults,
  aeLossTerms,
  createAe,
  createMlpAutoencoder,
  createNetwork,
  decoderOutput,
  disposeNetwork,
  encodeWith,
  isMlpAutoencoder,
  type NetworkOptions,
  resolveNetworkConfig,
} from './index';

const options: NetworkOptions = resolveNetworkConfig(
  'test',
  { inputDim: 4, latentDim: 3, loss: 'bernoulli', seed: 5 },
  aeDefaults,
);

describeBackends(['cpu', 'wasm'], 'the family kit', () => {
  it('createNetwork, encodeWith and decoderOutput: the decoder gives logits for bernoulli', () => {
    const network = createNetwork(options);
    const values = setVariables64(
      {
        W1: network.encoder!.layers[0]!.W,
        b1: network.encoder!.layers[0]!.b,
        W2: network.decoder!.layers[0]!.W,
        b2: network.decoder!.layers[0]!.b,
      },
      2,
      1,
    );
    const layers: Dense64[] = [
      { W: values.W1 as Matrix, b: values.b1 as number[], activation: 'sigmoid' },
      { W: values.W2 as Matrix, b: values.b2 as number[], activation: 'linear' },
    ];
    const rows = uniformMatrix(3, 4, 1, 0, 1);
    const x = tf.tensor2d(rows);
    const z = encodeWith(network, x);
    const logits = decoderOutput(network, z);
    expectAllClose(
      logits,
      rows.map((row) => forward64(row, layers)),
    );
    tf.dispose([x, z, logits]);
    disposeNetwork(network);
  });

  it('createMlpAutoencoder makes a model of a network and a loss; isMlpAutoencoder recognises it', () => {
    const network = createNetwork(options);
    const config = { family: 'kit-test', ...options };
    const model = createMlpAutoencoder({
      config,
      network,
      lossTerms: (x) => aeLossTerms(network, x),
    });
    expect(isMlpAutoencoder(model)).toBe(true);
    const ae = createAe({ inputDim: 2, latentDim: 1 });
    expect(isMlpAutoencoder(ae)).toBe(true);
    expect(isMlpAutoencoder({ encode: () => undefined })).toBe(false);
    expect(isMlpAutoencoder(null)).toBe(false);
    expect(model.encoder).toBe(network.encoder);
    ae.dispose();
    model.dispose();
    expect(network.encoder!.layers[0]!.W.isDisposed).toBe(true);
  });

  it('aeLossTerms returns distinct scalars and frees its intermediates; the kit leaks nothing', async () => {
    const network = createNetwork(options);
    const x = tf.tensor2d(uniformMatrix(3, 4, 3, 0, 1));
    const { total, terms } = aeLossTerms(network, x);
    expect(total).not.toBe(terms.reconstruction);
    expect(total.dataSync()[0]).toBe(terms.reconstruction!.dataSync()[0]);
    tf.dispose([total, ...Object.values(terms)]);
    await expectNoLeaks(() => {
      const loss = aeLossTerms(network, x);
      tf.dispose([loss.total, ...Object.values(loss.terms)]);
      const z = encodeWith(network, x);
      tf.dispose([z, decoderOutput(network, z)]);
      disposeNetwork(createNetwork(options));
    });
    x.dispose();
    disposeNetwork(network);
  });
});
