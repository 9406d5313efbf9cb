import { type Batch, type BatchSource, UnknownOptionError } from '@aekit/core';
import { describeBackends, expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createTinyAutoencoder, tinyData } from '../test/tiny-autoencoder.mjs';
import { snapshot, withExtraTerm } from '../test/wrappers';
import { NonFiniteLossError } from './errors';
import type { StepEndInfo } from './fit-options';
// Called as trainer.fit: biome reads a bare `trainer.fit(` as a focused Jasmine test.
import * as trainer from './index';
import { optimizerNames } from './optimizers';

const inputDim = 8;
const model = (seed = 3) => createTinyAutoencoder({ inputDim, hiddenDim: 4, seed });

/** True when `value` holds only numbers, strings, booleans and plain containers: no tensors. */
function plain(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (['number', 'string', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(plain);
  if (Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(plain);
  return false;
}

describeBackends(['cpu', 'wasm'], 'fit', () => {
  it('lowers the loss and reports every term, as numbers only, to every callback', async () => {
    const ae = model();
    const x = tinyData(64, inputDim);
    const calls: string[] = [];
    const steps: StepEndInfo[] = [];
    const payloads: unknown[] = [];
    const history = await trainer.fit(ae, x, {
      epochs: 6,
      batchSize: 16,
      learningRate: 0.02,
      callbacks: {
        onEpochStart: (info) => {
          calls.push(`start ${info.epoch}`);
          payloads.push(info);
        },
        onStepEnd: (info) => {
          steps.push(info);
          payloads.push(info);
        },
        onEpochEnd: (info) => {
          calls.push(`end ${info.epoch}`);
          payloads.push(info);
        },
        onTrainEnd: (info) => {
          calls.push(`train end ${info.epochs} ${info.stopReason}`);
          payloads.push(info);
        },
      },
    });
    expect(calls).toEqual([
      ...[1, 2, 3, 4, 5, 6].flatMap((epoch) => [`start ${epoch}`, `end ${epoch}`]),
      'train end 6 completed',
    ]);
    expect(payloads.every(plain)).toBe(true);
    expect(steps.map((info) => info.step)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(steps.map((info) => info.batch).slice(0, 5)).toEqual([1, 2, 3, 4, 1]);
    for (const info of steps) {
      expect(Object.keys(info.loss)).toEqual(['total', 'reconstruction', 'weightDecay']);
      expect(info.batchSize).toBe(16);
      expect(info.samplesPerSecond).toBeGreaterThan(0);
      // The total is the sum of the two terms (float32 rounding of one addition).
      expectAllClose(info.loss.total, info.loss.reconstruction! + info.loss.weightDecay!);
    }
    expect(history.epochs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.keys(history.train)).toEqual(['total', 'reconstruction', 'weightDecay']);
    expect(history.steps).toBe(24);
    expect(history.stopReason).toBe('completed');
    expect(history.learningRate).toEqual(new Array(6).fill(0.02));
    // Epoch means are the batch-size-weighted means of the steps' values.
    const firstEpoch = steps.slice(0, 4).reduce((sum, info) => sum + info.loss.total, 0) / 4;
    expectAllClose(history.train.total![0]!, firstEpoch);
    expect(history.train.total![5]!).toBeLessThan(0.7 * history.train.total![0]!);
    ae.dispose();
    x.dispose();
  });

  it('gives the same loss trace for the same seed, and another for another seed', async () => {
    const trace = async (seed: number) => {
      const ae = model();
      const x = tinyData(48, inputDim);
      const losses: number[] = [];
      const history = await trainer.fit(ae, x, {
        epochs: 3,
        batchSize: 16,
        seed,
        learningRate: 0.01,
        callbacks: { onStepEnd: (info) => void losses.push(info.loss.total) },
      });
      const weights = snapshot(ae);
      ae.dispose();
      x.dispose();
      return { losses, history, weights };
    };
    const first = await trace(7);
    const second = await trace(7);
    const other = await trace(8);
    expect(second.losses).toEqual(first.losses);
    expect(second.history.train).toEqual(first.history.train);
    expect(second.weights).toEqual(first.weights);
    expect(other.losses).not.toEqual(first.losses);
  });

  it('keeps memory flat from epoch 1 to epoch 5 and frees everything it made', async () => {
    const ae = model();
    const x = tinyData(64, inputDim);
    const validation = tinyData(16, inputDim, 2);
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await trainer.fit(ae, x, {
      epochs: 5,
      batchSize: 16,
      validation,
      schedule: { type: 'cosine' },
      earlyStopping: { patience: 10 },
      callbacks: { onEpochEnd: () => void counts.push(tf.memory().numTensors) },
    });
    expect(counts).toHaveLength(5);
    expect(counts[4]).toBe(counts[0]);
    // The optimiser fit made (and its moments) and the best-weights copy are freed at the end.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, validation]);
    ae.dispose();
  });

  it.each(optimizerNames)('trains with the %s optimiser by name', async (name) => {
    const ae = model();
    const x = tinyData(64, inputDim);
    const history = await trainer.fit(ae, x, {
      epochs: 4,
      batchSize: 16,
      optimizer: name,
      learningRate: name === 'sgd' || name === 'momentum' ? 0.05 : 0.02,
    });
    expect(history.train.total![3]!).toBeLessThan(history.train.total![0]!);
    ae.dispose();
    x.dispose();
  });

  it('uses an optimiser instance without disposing it, and applies the schedule to it', async () => {
    const ae = model();
    const x = tinyData(32, inputDim);
    const optimizer = tf.train.adam(0.5);
    const seen: number[] = [];
    const history = await trainer.fit(ae, x, {
      epochs: 5,
      batchSize: 16,
      optimizer,
      learningRate: 0.01,
      schedule: { type: 'step', everyEpochs: 2, factor: 0.5 },
      callbacks: {
        onEpochStart: () => {
          seen.push((optimizer as unknown as { learningRate: number }).learningRate);
        },
      },
    });
    expect(history.learningRate).toEqual([0.01, 0.01, 0.005, 0.005, 0.0025]);
    expect(seen).toEqual(history.learningRate);
    // Still usable (fit did not dispose it): one more epoch continues with its moments.
    const more = await trainer.fit(ae, x, {
      epochs: 1,
      batchSize: 16,
      optimizer,
      learningRate: 0.001,
    });
    expect(Number.isFinite(more.train.total![0]!)).toBe(true);
    x.dispose();
    optimizer.dispose();
    ae.dispose();
  });

  it('follows exponential and cosine schedules epoch by epoch', async () => {
    const run = async (schedule: trainer.LearningRateSchedule) => {
      const ae = model();
      const x = tinyData(16, inputDim);
      const history = await trainer.fit(ae, x, {
        epochs: 4,
        batchSize: 16,
        learningRate: 0.1,
        schedule,
      });
      ae.dispose();
      x.dispose();
      return history.learningRate;
    };
    expectAllClose(await run({ type: 'exponential', factor: 0.9 }), [0.1, 0.09, 0.081, 0.0729]);
    // ½ (1 + cos(π e / 4)) for e = 0 … 3, from 0.1 towards 0.02.
    const cosine = [0, 1, 2, 3].map((e) => 0.02 + 0.5 * 0.08 * (1 + Math.cos((Math.PI * e) / 4)));
    expectAllClose(await run({ type: 'cosine', minLearningRate: 0.02 }), cosine);
  });

  it('evaluates validation data in evaluation mode, as the mean over its examples', async () => {
    const ae = model();
    const x = tinyData(64, inputDim);
    const validation = tinyData(20, inputDim, 5);
    const history = await trainer.fit(ae, x, { epochs: 2, batchSize: 16, validation });
    // Independent of batching: the whole validation set at once, no dropout.
    const { total, terms } = ae.lossTerms(validation, { step: 0, training: false });
    expectAllClose(history.validation!.total![1]!, total.dataSync()[0]!, { rtol: 1e-5 });
    expectAllClose(history.validation!.reconstruction![1]!, terms.reconstruction!.dataSync()[0]!, {
      rtol: 1e-5,
    });
    tf.dispose([total, ...Object.values(terms), x, validation]);
    ae.dispose();
  });

  it('stops early after `patience` epochs without improvement and restores the best weights', async () => {
    // Validation adds a step-dependent term: epoch ends (4 steps each) read 50, 30, 35, 40, …
    // (far larger than the model's own changes), so the best epoch is 2, and with patience 2
    // training stops after epoch 4.
    const bump = [50, 30, 35, 40, 45, 50, 60];
    const ae = withExtraTerm(model(), 'bump', ({ step, training }) =>
      training ? 0 : bump[step / 4 - 1]!,
    );
    const x = tinyData(64, inputDim);
    const validation = tinyData(16, inputDim, 2);
    const weightsAt: Record<number, Record<string, Float32Array>> = {};
    const history = await trainer.fit(ae, x, {
      epochs: 7,
      batchSize: 16,
      validation,
      earlyStopping: { patience: 2, minDelta: 0.1 },
      callbacks: {
        onEpochEnd: ({ epoch }) => {
          weightsAt[epoch] = snapshot(ae);
        },
      },
    });
    expect(history.epochs).toEqual([1, 2, 3, 4]);
    expect(history.stopReason).toBe('earlyStopping');
    expect(history.bestEpoch).toBe(2);
    expect(snapshot(ae)).toEqual(weightsAt[2]);
    expect(snapshot(ae)).not.toEqual(weightsAt[4]);
    tf.dispose([x, validation]);
    ae.dispose();
  });

  it('stops after the current step when its signal is aborted', async () => {
    const ae = model();
    const x = tinyData(64, inputDim);
    const controller = new AbortController();
    const history = await trainer.fit(ae, x, {
      epochs: 5,
      batchSize: 16,
      signal: controller.signal,
      callbacks: { onStepEnd: ({ step }) => (step === 5 ? controller.abort() : undefined) },
    });
    expect(history.stopReason).toBe('aborted');
    expect(history.steps).toBe(6);
    expect(history.epochs).toEqual([1]);
    ae.dispose();
    x.dispose();
  });

  it('names the step, the term and its last finite value when a loss goes NaN, and skips that step', async () => {
    const ae = withExtraTerm(model(), 'kl', ({ step }) => (step >= 6 ? Number.NaN : step / 20));
    const x = tinyData(64, inputDim);
    let afterStep5: Record<string, Float32Array> | undefined;
    let caught: unknown;
    try {
      await trainer.fit(ae, x, {
        epochs: 3,
        batchSize: 16,
        callbacks: {
          onStepEnd: ({ step }) => {
            if (step === 5) afterStep5 = snapshot(ae);
          },
        },
      });
    } catch (error) {
      caught = error;
    }
    expect(NonFiniteLossError.isInstance(caught)).toBe(true);
    const error = caught as NonFiniteLossError;
    expect(error.message).toBe(
      "fit: the loss term 'kl' became NaN at step 6 (epoch 2); its last finite value was 0.25 at step 5. " +
        'The step was not applied. Lower the learning rate, check the data for extreme values, or resume from the last checkpoint.',
    );
    expect([error.step, error.epoch, error.term]).toEqual([6, 2, 'kl']);
    expect(snapshot(ae)).toEqual(afterStep5);
    ae.dispose();
    x.dispose();
  });

  it('trains on a BatchSource: shuffles it once per epoch, passes labels, disposes the shuffled copies', async () => {
    const x = tinyData(40, inputDim);
    const labels = tf.tensor1d(
      Array.from({ length: 40 }, (_, i) => i % 3),
      'int32',
    );
    const shuffleSeeds: number[] = [];
    let disposedCopies = 0;
    const source = (order: number[] | undefined): BatchSource & { dispose(): void } => ({
      size: 40,
      *batches(batchSize: number): Iterable<Batch> {
        for (let start = 0; start < 40; start += batchSize) {
          const rows = (order ?? [...Array(40).keys()]).slice(start, start + batchSize);
          const indices = tf.tensor1d(rows, 'int32');
          yield { x: tf.gather(x, indices) as tf.Tensor2D, labels: tf.gather(labels, indices) };
          indices.dispose();
        }
      },
      shuffle(seed: number) {
        shuffleSeeds.push(seed);
        return source([...Array(40).keys()].reverse());
      },
      dispose() {
        if (order !== undefined) disposedCopies += 1;
      },
    });
    const labelCounts: number[] = [];
    const ae = withExtraTerm(
      model(),
      'none',
      () => 0,
      (context) => {
        if (context.training) labelCounts.push(context.labels?.shape[0] ?? -1);
      },
    );
    const before = tf.memory().numTensors;
    const history = await trainer.fit(ae, source(undefined), { epochs: 3, batchSize: 16 });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.steps).toBe(9);
    expect(shuffleSeeds).toHaveLength(3);
    expect(new Set(shuffleSeeds).size).toBe(3);
    expect(disposedCopies).toBe(3);
    expect(labelCounts).toEqual([16, 16, 8, 16, 16, 8, 16, 16, 8]);
    tf.dispose([x, labels]);
    ae.dispose();
  });

  it('rejects bad arguments at the boundary, by name', async () => {
    const ae = model();
    const x = tinyData(4, inputDim);
    const wrong = tf.zeros([4, 3]);
    const cases: [Promise<unknown>, string][] = [
      [
        trainer.fit(ae, x, { epochs: 0 }),
        "fit: 'options.epochs' must be a positive integer, got 0.",
      ],
      [
        trainer.fit(ae, x, { batchSize: 1.5 }),
        "fit: 'options.batchSize' must be a positive integer, got 1.5.",
      ],
      [
        trainer.fit(ae, x, { optimizer: 'adamw' as 'adam' }),
        `fit: 'options.optimizer' must be one of 'adam', 'sgd', 'momentum', 'rmsprop', 'adagrad', got "adamw".`,
      ],
      [
        trainer.fit(ae, x, { learningRate: -1 }),
        "fit: 'options.learningRate' must be a finite number > 0, got -1.",
      ],
      [
        trainer.fit(ae, x, { schedule: { type: 'step', everyEpochs: 0, factor: 0.5 } }),
        "fit: 'options.schedule.everyEpochs' must be a positive integer, got 0.",
      ],
      [
        trainer.fit(ae, x, { earlyStopping: { patience: 2, monitor: 'validation.total' } }),
        `fit: 'options.earlyStopping.monitor' must be 'train.<term>' ('validation.<term>' needs options.validation), got "validation.total".`,
      ],
      [trainer.fit(ae, wrong as tf.Tensor2D), "fit: 'data' must have shape [*, 8], got [4, 3]."],
      [
        trainer.fit(ae, x, { validation: wrong as tf.Tensor2D }),
        "fit: 'options.validation' must have shape [*, 8], got [4, 3].",
      ],
      [
        trainer.fit(ae, x, { signal: {} as AbortSignal }),
        "fit: 'options.signal' must be an AbortSignal, got {}.",
      ],
      [
        trainer.fit(ae, x, { callbacks: { onStepEnd: 1 as unknown as () => void } }),
        "fit: 'options.callbacks.onStepEnd' must be a function, got 1.",
      ],
      [
        trainer.fit({ config: { family: 'x', inputDim: 8 } } as never, x),
        `fit: 'model' must be a model (config.inputDim, lossTerms, variables), such as an Autoencoder, got {"config":{"family":"x","inputDim":8}}.`,
      ],
    ];
    for (const [call, message] of cases) await expect(call).rejects.toThrow(message);
    tf.dispose([x, wrong]);
    ae.dispose();
  });

  it('rejects an unknown option, at any depth, naming the option meant, before training', async () => {
    const ae = model();
    const x = tinyData(4, inputDim);
    const before = snapshot(ae);
    let epochsStarted = 0;
    const onEpochStart = () => {
      epochsStarted += 1;
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ epoch: 5 }, "fit: unknown option 'epoch'; did you mean 'epochs'?"],
      [{ validationData: x }, "fit: unknown option 'validationData'; did you mean 'validation'?"],
      [
        { verbose: true },
        "fit: unknown option 'verbose' (got true); the options are epochs, batchSize, dropLast, shuffle, optimizer, learningRate, schedule, validation, earlyStopping, seed, signal, callbacks, checkpoint, resume, parallel.",
      ],
      [
        { earlyStopping: { patiense: 2 } },
        "fit: unknown option 'earlyStopping.patiense'; did you mean 'earlyStopping.patience'?",
      ],
      [
        { checkpoint: { dir: 'runs/x', everyEpoch: 2 } },
        "fit: unknown option 'checkpoint.everyEpoch'; did you mean 'checkpoint.everyEpochs'?",
      ],
      [
        { parallel: { worker: 2 } },
        "fit: unknown option 'parallel.worker'; did you mean 'parallel.workers'?",
      ],
      [
        { callbacks: { onEpochStart, onEpochEnds: () => {} } },
        "fit: unknown option 'callbacks.onEpochEnds'; did you mean 'callbacks.onEpochEnd'?",
      ],
      [
        { schedule: { type: 'exponential', factr: 0.5 } },
        "fit: unknown option 'schedule.factr'; did you mean 'schedule.factor'?",
      ],
      [
        { schedule: { type: 'cosine', minLearningRate: 0, factor: 0.5 } },
        "fit: unknown option 'schedule.factor' (got 0.5); the options are type, minLearningRate.",
      ],
    ];
    for (const [options, message] of cases) {
      const error = await trainer.fit(ae, x, options as never).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(UnknownOptionError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(message);
    }
    expect(epochsStarted).toBe(0);
    expect(snapshot(ae)).toEqual(before);
    x.dispose();
    ae.dispose();
  });
});
