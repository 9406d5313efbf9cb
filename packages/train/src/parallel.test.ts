import { fileURLToPath } from 'node:url';
import { registerAutoencoderFamily } from '@aekit/core';
import { describeBackends, expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createTinyAutoencoder, tinyData, tinyFamily } from '../test/tiny-autoencoder.mjs';
// Called as trainer.fit: biome reads a bare `trainer.fit(` as a focused Jasmine test.
import * as trainer from './index';
import { shares } from './parallel-protocol';

const tinyFamilyModule = fileURLToPath(new URL('../test/tiny-family.mjs', import.meta.url));
const failingModule = fileURLToPath(new URL('../test/failing-module.mjs', import.meta.url));

registerAutoencoderFamily(tinyFamily);

/** A deterministic model (no dropout): the same seed gives the same weights. */
const model = () => createTinyAutoencoder({ inputDim: 6, hiddenDim: 4, seed: 3, dropout: 0 });

async function weightsAfter(
  workers: number,
  options: { rows: number; batchSize: number; optimizer: 'sgd' | 'adam' },
) {
  const autoencoder = model();
  const x = tinyData(options.rows, 6, 5);
  try {
    const history = await trainer.fit(autoencoder, x, {
      epochs: 2,
      batchSize: options.batchSize,
      optimizer: options.optimizer,
      learningRate: 0.05,
      shuffle: false,
      ...(workers > 1 ? { parallel: { workers, modules: [tinyFamilyModule] } } : {}),
    });
    const weights = Object.fromEntries(
      Object.entries(autoencoder.variables()).map(([name, variable]) => [
        name,
        Array.from(variable.dataSync()),
      ]),
    );
    return { weights, history };
  } finally {
    autoencoder.dispose();
    x.dispose();
  }
}

it('splits a batch into shares as equal as possible', () => {
  expect(shares(128, 2)).toEqual([64, 64]);
  expect(shares(15, 2)).toEqual([8, 7]);
  expect(shares(2, 3)).toEqual([1, 1, 0]);
});

describeBackends(['cpu', 'wasm'], 'fit with options.parallel', () => {
  it('two workers on half-batches take the same steps as one on whole batches', async () => {
    // 3 batches of 16 (the last one 8 rows) for 2 epochs: 6 steps of SGD, whose update is the
    // gradient itself, so any difference in the summed gradients would show.
    const one = await weightsAfter(1, { rows: 40, batchSize: 16, optimizer: 'sgd' });
    const two = await weightsAfter(2, { rows: 40, batchSize: 16, optimizer: 'sgd' });
    expect(Object.keys(two.weights)).toEqual(Object.keys(one.weights));
    // The shares' gradients are summed in another order than the whole batch's: rounding
    // differs in the last bits and accumulates over 6 steps, hence rtol 1e-4 (a reduction).
    for (const name of Object.keys(one.weights)) {
      expectAllClose(two.weights[name]!, one.weights[name]!, { rtol: 1e-4, atol: 1e-6 });
    }
    expectAllClose(two.history.train.total!, one.history.train.total!, { rtol: 1e-4 });
    expect(two.history.steps).toBe(one.history.steps);
    // And the run did train: the weights moved.
    const start = model();
    const initial = Array.from(start.variables()['encoder.0.W']!.dataSync());
    start.dispose();
    expect(one.weights['encoder.0.W']).not.toEqual(initial);
  });

  it('three workers with Adam, a batch smaller than the workers at the end', async () => {
    // 10 rows in batches of 4: the last batch has 2 rows for 3 threads, so one sits it out.
    const one = await weightsAfter(1, { rows: 10, batchSize: 4, optimizer: 'adam' });
    const three = await weightsAfter(3, { rows: 10, batchSize: 4, optimizer: 'adam' });
    // Adam divides by √v̂ + ε, which magnifies last-bit differences of gradients near 0.
    for (const name of Object.keys(one.weights)) {
      expectAllClose(three.weights[name]!, one.weights[name]!, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  it('reports a worker that cannot start', async () => {
    const autoencoder = model();
    const x = tinyData(8, 6);
    await expect(
      trainer.fit(autoencoder, x, {
        epochs: 1,
        batchSize: 4,
        parallel: { workers: 2, modules: [failingModule] },
      }),
    ).rejects.toThrow(
      'fit: a worker thread of options.parallel failed: this module refuses to load',
    );
    expect(tf.memory().numTensors).toBeGreaterThan(0);
    autoencoder.dispose();
    x.dispose();
  });
});

it('checks options.parallel', async () => {
  const autoencoder = model();
  const x = tinyData(8, 6);
  await expect(trainer.fit(autoencoder, x, { parallel: { workers: 0 } })).rejects.toThrow(
    "fit: 'options.parallel.workers' must be an integer in [1, 64], got 0.",
  );
  await expect(
    trainer.fit(autoencoder, x, { parallel: { workers: 2, modules: [''] } as never }),
  ).rejects.toThrow("fit: 'options.parallel.modules' must be an array of module paths");
  await expect(
    trainer.fit(autoencoder, x, { parallel: { workers: 2, modules: ['no-such-package-here'] } }),
  ).rejects.toThrow(
    "fit: 'options.parallel.modules[0]' must be modules the worker threads can import",
  );
  autoencoder.dispose();
  x.dispose();
});
