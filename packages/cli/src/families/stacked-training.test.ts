import type { History } from '@aekit/train';
import { describe, expect, it } from 'vitest';
import { concatHistories, type StackedSettings, stackedEpochs } from './stacked-training';

const settings: StackedSettings = {
  layers: [256, 128, 64],
  layerFamily: 'sparse',
  stage: {},
  finetune: true,
  pretrainEpochs: null,
  headEpochs: null,
};

describe('stackedEpochs', () => {
  it('gives every phase --epochs, and from scratch their sum', () => {
    expect(stackedEpochs(settings, 4)).toEqual({
      pretrainPerStage: 4,
      head: 4,
      fineTune: 4,
      fromScratch: 3 * 4 + 4 + 4,
    });
  });

  it('takes --pretrain-epochs and --head-epochs; without --finetune there is no comparison', () => {
    expect(stackedEpochs({ ...settings, pretrainEpochs: 2, headEpochs: 5 }, 10)).toEqual({
      pretrainPerStage: 2,
      head: 5,
      fineTune: 10,
      fromScratch: 3 * 2 + 5 + 10,
    });
    expect(stackedEpochs({ ...settings, finetune: false }, 3)).toEqual({
      pretrainPerStage: 3,
      head: 3,
      fineTune: null,
      fromScratch: null,
    });
  });
});

function history(values: number[], extra: Record<string, number[]> = {}): History {
  return {
    epochs: values.map((_, index) => index + 1),
    train: { total: values, ...extra },
    validation: { total: values.map((value) => value + 1) },
    learningRate: values.map(() => 0.001),
    samplesPerSecond: values.map(() => 100),
    steps: 10 * values.length,
    stopReason: 'completed',
  };
}

describe('concatHistories', () => {
  it('numbers the second phase on, and fills a term one phase lacks with NaN', () => {
    const joined = concatHistories(history([3, 2]), {
      ...history([1.5], { crossEntropy: [1.5] }),
      stopReason: 'aborted',
    });
    expect(joined.epochs).toEqual([1, 2, 3]);
    expect(joined.train).toEqual({ total: [3, 2, 1.5], crossEntropy: [NaN, NaN, 1.5] });
    expect(joined.validation).toEqual({ total: [4, 3, 2.5] });
    expect(joined.steps).toBe(30);
    expect(joined.stopReason).toBe('aborted');
    const alone = history([1]);
    expect(concatHistories(alone, null)).toBe(alone);
  });
});
