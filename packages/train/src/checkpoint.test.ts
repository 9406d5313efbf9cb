import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSafetensors } from '../test/safetensors-reader';
import { createTinyAutoencoder, tinyData } from '../test/tiny-autoencoder.mjs';
import { snapshot, withExtraTerm } from '../test/wrappers';
import { ModelFileError, NonFiniteLossError } from './errors';
import type { FitOptions } from './fit-options';
// Called as trainer.fit: biome reads a bare `trainer.fit(` as a focused Jasmine test.
import * as trainer from './index';
import type { OptimizerName } from './optimizers';

let root: string;
let counter = 0;
function freshDir(): string {
  counter += 1;
  return join(root, `run-${counter}`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-checkpoints-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const inputDim = 8;
const newModel = () => createTinyAutoencoder({ inputDim, hiddenDim: 4, seed: 11 });

interface Run {
  losses: number[];
  history: Awaited<ReturnType<typeof trainer.fit>>;
  weights: Record<string, Float32Array>;
}

/**
 * Trains a fresh model (resuming when `options.resume` is set), recording every step's loss.
 * `stopAfter` aborts the run at the end of that epoch, as an interruption would.
 */
async function train(options: FitOptions, stopAfter?: number): Promise<Run> {
  const model = newModel();
  // 4 steps per epoch: the resume happens after step 8, where tfjs's own Adam.setWeights
  // would recompute β₁⁹ by pow() and differ from the running product in float32.
  const x = tinyData(64, inputDim);
  const validation = tinyData(16, inputDim, 9);
  const losses: number[] = [];
  const controller = new AbortController();
  const history = await trainer.fit(model, x, {
    epochs: 4,
    batchSize: 16,
    learningRate: 0.01,
    schedule: { type: 'cosine' },
    validation,
    earlyStopping: { patience: 3 },
    seed: 5,
    signal: controller.signal,
    ...options,
    callbacks: {
      onStepEnd: (info) => void losses.push(info.loss.total),
      onEpochEnd: ({ epoch }) => (epoch === stopAfter ? controller.abort() : undefined),
    },
  });
  const weights = snapshot(model);
  tf.dispose([x, validation]);
  model.dispose();
  return { losses, history, weights };
}

function checkpointMetadata(file: Uint8Array) {
  return JSON.parse(readSafetensors(file).metadata!['aekit.checkpoint']!);
}

describeBackends(['cpu', 'wasm'], 'checkpoints and resume', () => {
  it.each(['adam', 'rmsprop', 'momentum'] satisfies OptimizerName[])(
    '%s: 4 epochs straight equal 2 epochs + resume, step for step and bit for bit',
    async (optimizer) => {
      const straight = await train({ optimizer });
      const dir = freshDir();
      const first = await train({ optimizer, checkpoint: { dir } }, 2);
      expect(first.history.stopReason).toBe('aborted');
      expect(first.history.epochs).toEqual([1, 2]);
      const resumed = await train({ optimizer, checkpoint: { dir }, resume: dir });
      expect(first.losses).toEqual(straight.losses.slice(0, 8));
      expect(resumed.losses).toEqual(straight.losses.slice(8));
      expect(resumed.history.epochs).toEqual([1, 2, 3, 4]);
      expect(resumed.history.stopReason).toBe('completed');
      expect(resumed.history.train).toEqual(straight.history.train);
      expect(resumed.history.validation).toEqual(straight.history.validation);
      expect(resumed.history.learningRate).toEqual(straight.history.learningRate);
      expect(resumed.history.bestEpoch).toBe(straight.history.bestEpoch);
      expect(resumed.weights).toEqual(straight.weights);
    },
  );

  it('stores model, optimiser state, epoch, step and generator state, readable by any reader', async () => {
    const dir = freshDir();
    let atEpoch2: Record<string, Float32Array> | undefined;
    const model = newModel();
    const x = tinyData(48, inputDim);
    await trainer.fit(model, x, {
      epochs: 2,
      batchSize: 16,
      checkpoint: { dir },
      callbacks: {
        onEpochEnd: () => {
          atEpoch2 = snapshot(model);
        },
      },
    });
    expect(await readdir(dir)).toEqual(['checkpoint.safetensors']);
    const file = new Uint8Array(await readFile(join(dir, 'checkpoint.safetensors')));
    const { tensors } = readSafetensors(file);
    const state = checkpointMetadata(file);
    expect(state.format).toBe('aekit-checkpoint');
    expect([state.epoch, state.step]).toEqual([2, 6]);
    expect(state.modelConfig).toEqual(model.config);
    expect(state.rng.algorithm).toBe('xoshiro128**');
    expect(state.optimizer.className).toBe('Adam');
    // Adam: iteration count, then first and second moments of each variable, by logical name.
    expect(state.optimizer.names).toEqual([
      'iter',
      'encoder.0.W/m',
      'encoder.0.b/m',
      'decoder.0.W/m',
      'decoder.0.b/m',
      'encoder.0.W/v',
      'encoder.0.b/v',
      'decoder.0.W/v',
      'decoder.0.b/v',
    ]);
    expect(tensors['optimizer/0']).toEqual({ dtype: 'I32', shape: [], values: [6] });
    expect(state.optimizer.extras).toEqual(['accBeta1', 'accBeta2']);
    // β₁ᵗ⁺¹ after 6 steps, as float32: the running product tfjs keeps.
    expect(tensors['optimizer-extra/accBeta1']!.values[0]).toBeCloseTo(0.9 ** 7, 6);
    for (const [name, values] of Object.entries(atEpoch2!)) {
      expect(tensors[`model/${name}`]!.values).toEqual(Array.from(values));
    }
    tf.dispose(x);
    model.dispose();
  });

  it('does not train on when resuming a run that stopped early', async () => {
    const dir = freshDir();
    // Patience 1 on the training loss with a huge minDelta: stops after epoch 2.
    const stopped = await train({
      epochs: 6,
      checkpoint: { dir },
      earlyStopping: { patience: 1, minDelta: 1e6, monitor: 'train.total' },
    });
    expect(stopped.history.stopReason).toBe('earlyStopping');
    expect(stopped.history.epochs).toEqual([1, 2]);
    const resumed = await train({
      epochs: 6,
      checkpoint: { dir },
      resume: dir,
      earlyStopping: { patience: 1, minDelta: 1e6, monitor: 'train.total' },
    });
    expect(resumed.losses).toEqual([]);
    expect(resumed.history.epochs).toEqual([1, 2]);
    expect(resumed.history.stopReason).toBe('earlyStopping');
    // The best weights (epoch 1's) are restored again from the checkpoint.
    expect(resumed.weights).toEqual(stopped.weights);
  });

  it('keeps the last good checkpoint when the loss goes NaN', async () => {
    const dir = freshDir();
    const model = withExtraTerm(newModel(), 'kl', ({ step }) => (step === 6 ? Number.NaN : 0));
    const x = tinyData(64, inputDim);
    let afterEpoch1: Record<string, Float32Array> | undefined;
    await expect(
      trainer.fit(model, x, {
        epochs: 3,
        batchSize: 16,
        checkpoint: { dir },
        callbacks: {
          onEpochEnd: () => {
            afterEpoch1 ??= snapshot(model);
          },
        },
      }),
    ).rejects.toSatisfy(NonFiniteLossError.isInstance);
    const file = new Uint8Array(await readFile(join(dir, 'checkpoint.safetensors')));
    expect(checkpointMetadata(file).epoch).toBe(1);
    const { tensors } = readSafetensors(file);
    for (const [name, values] of Object.entries(afterEpoch1!)) {
      expect(tensors[`model/${name}`]!.values).toEqual(Array.from(values));
    }
    x.dispose();
    model.dispose();
  });

  it('removes temporary files of interrupted writes, and refuses what it cannot resume', async () => {
    const dir = freshDir();
    await train({ epochs: 1, checkpoint: { dir } });
    await writeFile(join(dir, '.checkpoint.safetensors.tmp-999-dead'), 'half a checkpoint');
    await train({ epochs: 2, checkpoint: { dir }, resume: dir });
    expect(await readdir(dir)).toEqual(['checkpoint.safetensors']);

    const empty = freshDir();
    await expect(train({ resume: empty })).rejects.toSatisfy(
      (error) =>
        ModelFileError.isInstance(error) &&
        error.message ===
          `fit: ${join(empty, 'checkpoint.safetensors')}: does not exist, so there is nothing to resume from. Train without options.resume first, with options.checkpoint to write one.`,
    );
    await expect(train({ resume: dir, optimizer: 'sgd' })).rejects.toThrow(
      `fit: 'options.optimizer' must be the optimiser the checkpoint ${join(dir, 'checkpoint.safetensors')} was written with, Adam, got "SGD".`,
    );
    const adamax = tf.train.adamax(0.01);
    await expect(train({ optimizer: adamax, checkpoint: { dir: freshDir() } })).rejects.toThrow(
      `fit: 'options.optimizer' must be an optimiser that can save and restore its state (getWeights/setWeights), for checkpoints, got "Adamax".`,
    );
    adamax.dispose();
    const other = createTinyAutoencoder({ inputDim, hiddenDim: 5, seed: 11 });
    const x = tinyData(16, inputDim);
    await expect(trainer.fit(other, x, { resume: dir })).rejects.toThrow(
      `fit: 'model.config.hiddenDim' must be 4, as in the model the checkpoint ${join(dir, 'checkpoint.safetensors')} was written for, got 5.`,
    );
    other.dispose();
    x.dispose();
  });
});
