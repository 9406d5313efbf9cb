import type { BatchSource, TrainableModel } from '@aekit/core';
import { describeBackends } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createStackedAe } from './index';

const layers = [
  { latentDim: 4, family: 'ae' as const },
  { latentDim: 2, family: 'ae' as const },
];

describeBackends(['cpu', 'wasm'], 'stacked pretrain', () => {
  it('trains each stage, in order, with the trainer it is given and returns its reports', async () => {
    const stack = createStackedAe({ inputDim: 6, layers, seed: 2 });
    const x = tf.randomUniform([10, 6], 0, 1, 'float32', 5) as tf.Tensor2D;
    const calls: { model: TrainableModel; inputWidth: number; options: object }[] = [];
    // A trainer of the caller's own: it reads one batch of each stage's data and trains nothing.
    const trainer = async (
      model: TrainableModel,
      data: BatchSource,
      options: { readonly epochs?: number; readonly batchSize?: number; readonly tag?: string },
    ) => {
      let inputWidth = 0;
      for await (const batch of data.batches(options.batchSize ?? 10)) {
        inputWidth = batch.x.shape[1];
        batch.x.dispose();
        batch.labels?.dispose();
      }
      calls.push({ model, inputWidth, options });
      return `report ${calls.length}`;
    };
    const result = await stack.pretrain(x, {
      fit: trainer,
      epochsPerLayer: 3,
      batchSize: 4,
      tag: 'mine',
    });
    expect(result.stages).toEqual(['report 1', 'report 2']);
    expect(calls.map((call) => call.model)).toEqual([stack.stages[0], stack.stages[1]]);
    // Stage 1 reads the 4-wide codes of stage 0, not the 6-wide inputs.
    expect(calls.map((call) => call.inputWidth)).toEqual([6, 4]);
    // The trainer's own options reach it, with the stack's epochs; the stack's own do not.
    for (const call of calls)
      expect(call.options).toEqual({ batchSize: 4, tag: 'mine', epochs: 3 });
    x.dispose();
    stack.dispose();
  });

  it('says a trainer is needed when it has none', async () => {
    const stack = createStackedAe({ inputDim: 6, layers, seed: 2 });
    const x = tf.zeros([4, 6]) as tf.Tensor2D;
    const message =
      "StackedAe.pretrain: 'options.fit' must be the trainer of each stage, e.g. `fit` from '@aekit/train': stack.pretrain(data, { fit }), got undefined.";
    await expect(stack.pretrain(x, { epochsPerLayer: 1 } as never)).rejects.toThrow(message);
    await expect(stack.pretrain(x, undefined as never)).rejects.toThrow(message);
    x.dispose();
    stack.dispose();
  });
});
