import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  type CheckableModel,
  expectOneStepLowersLoss,
  expectSaveLoadRoundTrip,
  type ModelFiles,
  type OneStepOptions,
  type SteppableModel,
} from './family-checks';
import { uniforms } from './float64';
import { expectModelFreesItsTensors } from './no-leaks';

/** What the network checks need of a model: the `Autoencoder` contract's core. */
export interface NetworkModel extends SteppableModel, CheckableModel {
  readonly config: { readonly encoder?: unknown; readonly inputShape?: unknown };
  encode(x: tf.Tensor2D): tf.Tensor2D;
  reconstruct(x: tf.Tensor2D): tf.Tensor2D;
}

/** The family's model of a config with an encoder spec, and how to train, save and load it. */
export interface NetworkCheckSetup<M extends NetworkModel> extends ModelFiles<M> {
  /** Builds a model of the config under test. */
  readonly create: () => M;
  /** The family's `fit` (pass `@aekit/train`'s). */
  readonly fit: (model: M, x: tf.Tensor2D, options: OneStepOptions) => Promise<unknown>;
  /** Features of one example (the product of `config.inputShape`). */
  readonly inputDim: number;
  /** Width of the code. */
  readonly latentDim: number;
  /** The variable names and shapes the model must have. */
  readonly variableShapes: Readonly<Record<string, readonly number[]>>;
  /** The learning rate of the one SGD step. Default 0.01. */
  readonly learningRate?: number;
}

/**
 * The tests every family runs on a network given by an encoder spec (e.g. convolutional):
 * the variables it builds, codes and reconstructions of the right shapes, one step of training
 * lowering the loss and changing every variable, a save → load round trip that keeps the spec,
 * and no leaked tensors. Declares the `it`s inside the caller's `describe` (or
 * `describeBackends`).
 */
export function itTrainsOnANetworkSpec<M extends NetworkModel>(
  setup: () => NetworkCheckSetup<M>,
): void {
  const batch = 4;
  const data = (inputDim: number) =>
    tf.tensor2d(uniforms(batch * inputDim, 31, 0, 1), [batch, inputDim]);

  it('builds the variables the spec describes; codes and reconstructions have their shapes', () => {
    const { create, inputDim, latentDim, variableShapes } = setup();
    const model = create();
    try {
      const shapes = Object.fromEntries(
        Object.entries(model.variables()).map(([name, variable]) => [name, variable.shape]),
      );
      expect(shapes).toEqual(variableShapes);
      const x = data(inputDim);
      const [code, reconstruction] = [model.encode(x), model.reconstruct(x)];
      expect(code.shape).toEqual([batch, latentDim]);
      expect(reconstruction.shape).toEqual([batch, inputDim]);
      expect(Array.from(reconstruction.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([x, code, reconstruction]);
    } finally {
      model.dispose();
    }
  });

  it('trains: one step lowers the loss and changes every variable', async () => {
    const { create, fit, inputDim, learningRate } = setup();
    const model = create();
    const x = data(inputDim);
    try {
      await expectOneStepLowersLoss(model, x, fit, learningRate ?? 0.01);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('saves and loads with identical outputs, the spec in config.json', async () => {
    const { create, inputDim, saveModel, loadModel } = setup();
    const model = create();
    const x = data(inputDim);
    try {
      await expectSaveLoadRoundTrip(
        model,
        { saveModel, loadModel },
        (m) => [m.encode(x), m.reconstruct(x)],
        (loaded) => {
          expect(loaded.config.encoder).toEqual(model.config.encoder);
          expect(loaded.config.inputShape).toEqual(model.config.inputShape);
        },
      );
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  it('leaks no tensors', async () => {
    const { create, inputDim } = setup();
    const x = data(inputDim);
    await expectModelFreesItsTensors(create, (model) => [
      model.encode(x),
      model.reconstruct(x),
      model.lossTerms(x, { step: 0, training: true }),
    ]);
    x.dispose();
  });
}

/**
 * A small convolutional network of the autoencoder families (vanilla, denoising, sparse) for the
 * network checks: its config fields and the variables it must build. 8×8×1 → conv 3×3 stride 2
 * → 4×4×4 → conv → 2×2×8 → flatten 32 → dense 6 → code 3, and the mirror: dense 6 → dense 32 →
 * 2×2×8 → transposed convolutions to 4×4×8 and 8×8×4 → a convolution to 1 channel.
 */
export const smallConvNetwork = {
  inputDim: 64,
  inputShape: [8, 8, 1],
  latentDim: 3,
  encoder: { type: 'conv', channels: [4, 8], hiddenDims: [6] },
  variableShapes: {
    'encoder.0.W': [3, 3, 1, 4],
    'encoder.0.b': [4],
    'encoder.1.W': [3, 3, 4, 8],
    'encoder.1.b': [8],
    'encoder.2.W': [32, 6],
    'encoder.2.b': [6],
    'code.W': [6, 3],
    'code.b': [3],
    'decoder.0.W': [3, 6],
    'decoder.0.b': [6],
    'decoder.1.W': [6, 32],
    'decoder.1.b': [32],
    'decoder.2.W': [3, 3, 8, 8],
    'decoder.2.b': [8],
    'decoder.3.W': [3, 3, 4, 8],
    'decoder.3.b': [4],
    'decoder.4.W': [3, 3, 4, 1],
    'decoder.4.b': [1],
  },
} as const;
