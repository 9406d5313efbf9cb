import { reconstructionLoss } from '@aekit/ae';
import {
  createRng,
  findAutoencoderFamily,
  InvalidArgumentError,
  UnknownOptionError,
} from '@aekit/core';
import { applyMlp } from '@aekit/layers';
import {
  describeBackends,
  expectAllClose,
  expectFamilyRegistered,
  expectModelFreesItsTensors,
  expectSaveLoadRoundTrip,
  itRejectsConfigs,
} from '@aekit/test-utils';
import { loadModel, saveModel, fit as trainModel } from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import packageJson from '../package.json';
import { createStackedAe, type StackedAeConfig, type StackedClassifier } from './index';

/** Values in [0, 1] with structure: class c lights up features c·4 … c·4 + 3. */
function blobs(
  count: number,
  seed: number,
): { x: tf.Tensor2D; labels: tf.Tensor1D; labelArray: number[] } {
  const rng = createRng(seed);
  const noise = rng.uniformArray(count * 12, 0, 0.2);
  const labelArray = Array.from({ length: count }, (_, i) => i % 3);
  const values = Array.from(noise, (v, index) => {
    const row = Math.floor(index / 12);
    const feature = index % 12;
    return Math.floor(feature / 4) === labelArray[row] ? 0.8 + v : v;
  });
  return {
    x: tf.tensor2d(values, [count, 12]),
    labels: tf.tensor1d(labelArray, 'int32'),
    labelArray,
  };
}

const snapshot = (variables: Record<string, tf.Variable>) =>
  Object.fromEntries(
    Object.entries(variables).map(([name, v]) => [name, Array.from(v.dataSync())]),
  );

describeBackends(['cpu', 'wasm'], '@aekit/stacked registration', () => {
  it("registers the 'stacked' and 'stacked-classifier' families on import; they rebuild the models", () => {
    const stack = createStackedAe({
      inputDim: 12,
      layers: [
        { latentDim: 6, family: 'contractive' },
        { latentDim: 4, family: 'ae' },
      ],
      seed: 2,
    });
    const classifier = stack.classifier({ numClasses: 3, trainable: [false, true] });
    expectFamilyRegistered(findAutoencoderFamily, stack, packageJson);
    expectFamilyRegistered(findAutoencoderFamily, classifier, packageJson);
    classifier.dispose();
    stack.dispose();
  });
});

describe('createStackedAe config', () => {
  it('names the stage in every error', () => {
    expect(() => createStackedAe({ inputDim: 12, layers: [] })).toThrow(
      "createStackedAe: 'layers' must be a non-empty array of { latentDim, family, ...familyOptions }, got [].",
    );
    expect(() =>
      createStackedAe({
        inputDim: 12,
        layers: [
          { latentDim: 8, family: 'ae' },
          { latentDim: 4, family: 'pca' as 'ae' },
        ],
      }),
    ).toThrow(
      `createStackedAe: 'layers[1].family' must be one of 'ae', 'denoising', 'sparse', 'contractive', got "pca".`,
    );
    expect(() =>
      createStackedAe({ inputDim: 12, layers: [{ latentDim: 0, family: 'ae' }] }),
    ).toThrow("createStackedAe: 'layers[0].latentDim' must be a positive integer, got 0.");
  });

  itRejectsConfigs(
    createStackedAe,
    UnknownOptionError.isInstance,
    [
      [
        'a misspelt key',
        { inputDim: 12, layer: [] },
        "createStackedAe: unknown option 'layer'; did you mean 'layers'?",
      ],
      [
        'a stage with the old name units',
        { inputDim: 12, layers: [{ units: 8, family: 'ae' }] },
        "createStackedAe: unknown option 'layers[0].units'; did you mean 'layers[0].latentDim'?",
      ],
      [
        'a stage with a misspelt family option',
        { inputDim: 12, layers: [{ latentDim: 8, family: 'sparse', rhoo: 0.1 }] },
        "createStackedAe: unknown option 'layers[0].rhoo'; did you mean 'layers[0].rho'?",
      ],
      [
        "a stage with its family's old name",
        { inputDim: 12, layers: [{ latentDim: 8, family: 'ae', codeDim: 8 }] },
        "createStackedAe: unknown option 'layers[0].codeDim'; did you mean 'layers[0].latentDim'?",
      ],
      [
        'a nested stage option',
        {
          inputDim: 12,
          layers: [
            { latentDim: 8, family: 'denoising', corruptions: [{ type: 'masking', rat: 0.1 }] },
          ],
        },
        "createStackedAe: unknown option 'layers[0].corruptions[0].rat'; did you mean 'layers[0].corruptions[0].rate'?",
      ],
    ],
    'rejects %s as an unknown option',
  );
});

describe('a stacked autoencoder config with a network spec', () => {
  itRejectsConfigs(createStackedAe, InvalidArgumentError.isInstance, [
    [
      'a convolutional stage',
      {
        inputDim: 64,
        layers: [{ latentDim: 8, family: 'ae', encoder: { type: 'conv', channels: [4] } }],
      },
      'createStackedAe: \'layers[0].encoder\' must be left out: the stages of a stacked autoencoder are fully connected (stage k trains on the flat codes of stage k − 1, and fine-tuning composes their dense encoders into one network; a convolutional model is a single deep autoencoder: createAe({ inputShape, encoder: { type: "conv", … } })), got {"type":"conv","channels":[4]}.',
    ],
  ]);
});

describeBackends(['cpu', 'wasm'], 'stacked autoencoder', () => {
  it('names the stage of a family option it refuses, and frees what it built', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      createStackedAe({
        inputDim: 12,
        layers: [
          { latentDim: 8, family: 'ae' },
          { latentDim: 4, family: 'sparse', rho: 2 },
        ],
      }),
    ).toThrow("createStackedAe: 'layers[1].rho' must be a finite number in (0, 1), got 2.");
    expect(tf.memory().numTensors).toBe(before);
  });

  it('builds a real model of each family per stage, each taking the codes of the one below', () => {
    const stack = createStackedAe({
      inputDim: 12,
      layers: [
        { latentDim: 8, family: 'denoising' },
        { latentDim: 6, family: 'sparse', rho: 0.1 },
        { latentDim: 5, family: 'contractive', lambda: 0.01 },
        { latentDim: 4, family: 'ae' },
      ],
      seed: 3,
    });
    expect(stack.stages.map((stage) => stage.config.family)).toEqual([
      'denoising',
      'sparse',
      'contractive',
      'ae',
    ]);
    expect(stack.stages.map((stage) => stage.config.inputDim)).toEqual([12, 8, 6, 5]);
    expect(stack.encoder().widths).toEqual([12, 8, 6, 5, 4]);
    const x = tf.zeros([3, 12]) as tf.Tensor2D;
    const code = stack.encode(x);
    expect(code.shape).toEqual([3, 4]);
    const viaStages = tf.tidy(() => {
      let h: tf.Tensor2D = x;
      for (const stage of stack.stages) h = stage.encode(h);
      return h;
    });
    expect(Array.from(code.dataSync())).toEqual(Array.from(viaStages.dataSync()));
    expect(stack.reconstruct(x).shape).toEqual([3, 12]);
    tf.dispose([x, code, viaStages]);
    stack.dispose();
  });

  it('pretrains stage k on the codes of stage k − 1 and reports each stage', async () => {
    const { x, labels } = blobs(30, 1);
    const stack = createStackedAe({
      inputDim: 12,
      layers: [
        { latentDim: 6, family: 'ae' },
        { latentDim: 3, family: 'ae' },
      ],
      seed: 1,
    });
    const seen: number[][][] = [];
    const second = stack.stages[1]!;
    const original = second.lossTerms.bind(second);
    (second as { lossTerms: typeof second.lossTerms }).lossTerms = (input, context) => {
      if (context.training) seen.push(input.arraySync() as number[][]);
      return original(input, context);
    };
    const started: number[] = [];
    const result = await stack.pretrain(
      { x, labels },
      {
        fit: trainModel,
        epochsPerLayer: 2,
        batchSize: 30,
        shuffle: false,
        onStageStart: (stage) => void started.push(stage),
      },
    );
    expect(started).toEqual([0, 1]);
    expect(result.stages.map((history) => history.epochs)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(result.stages[1]!.train.total!.at(-1)!).toBeLessThan(
      result.stages[1]!.train.total![0]! + 1e-6,
    );
    // Stage 1 saw, as its input, stage 0's codes of the data (stage 0 no longer changes then).
    expect(seen).toHaveLength(2);
    const codes = stack.stages[0]!.encode(x);
    expect(tf.tensor(seen[0]!).shape).toEqual([30, 6]);
    expectAllClose(seen[0]!, codes, { rtol: 0, atol: 0 });
    tf.dispose([x, labels, codes]);
    stack.dispose();
  });

  it('reconstructs through the whole stack with the first stage’s loss, and training lowers it', async () => {
    const { x, labels } = blobs(24, 2);
    const stack = createStackedAe({
      inputDim: 12,
      layers: [
        { latentDim: 6, family: 'ae' },
        { latentDim: 3, family: 'ae' },
      ],
      seed: 2,
    });
    const { total, terms } = stack.lossTerms(x, { step: 0, training: true });
    const expected = tf.tidy(() => {
      const down = stack.stages[1]!.decode(stack.encode(x));
      return reconstructionLoss(x, applyMlp(stack.stages[0]!.decoder!, down), 'mse-sum');
    });
    expect(total.dataSync()[0]).toBe(expected.dataSync()[0]);
    expect(Object.keys(terms)).toEqual(['reconstruction']);
    const history = await trainModel(
      stack,
      { x, labels },
      { epochs: 5, batchSize: 8, learningRate: 0.01 },
    );
    expect(history.train.total!.at(-1)!).toBeLessThan(history.train.total![0]!);
    tf.dispose([x, labels, total, expected]);
    stack.dispose();
  });

  it('keeps frozen stages bit-identical while the head (and unfrozen stages) train', async () => {
    const { x, labels } = blobs(30, 3);
    const stack = createStackedAe({
      inputDim: 12,
      layers: [
        { latentDim: 6, family: 'ae' },
        { latentDim: 4, family: 'ae' },
      ],
      seed: 4,
    });
    const encoderVariables = (index: number) =>
      Object.fromEntries(
        Object.entries(stack.stages[index]!.variables()).filter(([name]) =>
          name.startsWith('encoder.'),
        ),
      );
    const check = async (classifier: StackedClassifier, frozen: boolean[]) => {
      const before = [snapshot(encoderVariables(0)), snapshot(encoderVariables(1))];
      const head = snapshot({
        W: classifier.variables()['head.W']!,
        b: classifier.variables()['head.b']!,
      });
      await trainModel(classifier, { x, labels }, { epochs: 1, batchSize: 30, learningRate: 0.05 });
      frozen.forEach((isFrozen, index) => {
        const after = snapshot(encoderVariables(index));
        if (isFrozen) expect(after).toEqual(before[index]);
        else expect(after).not.toEqual(before[index]);
      });
      expect(
        snapshot({ W: classifier.variables()['head.W']!, b: classifier.variables()['head.b']! }),
      ).not.toEqual(head);
    };
    const headOnly = stack.classifier({ numClasses: 3, trainable: 'head', seed: 1 });
    await check(headOnly, [true, true]);
    headOnly.setTrainable([false, true]);
    expect(headOnly.config.trainable).toEqual([false, true]);
    await check(headOnly, [true, false]);
    headOnly.setTrainable('all');
    await check(headOnly, [false, false]);
    expect(() => headOnly.setTrainable([true])).toThrow(
      "StackedClassifier.setTrainable: 'trainable' must be 'head', 'all', or an array of 2 booleans (one per stage), got [true].",
    );
    headOnly.dispose();
    tf.dispose([x, labels]);
    stack.dispose();
  });

  it('learns to classify, and reports accuracy with a confusion matrix', async () => {
    const { x, labels, labelArray } = blobs(90, 5);
    const stack = createStackedAe({
      inputDim: 12,
      layers: [{ latentDim: 8, family: 'ae' }],
      seed: 5,
    });
    const classifier = stack.classifier({ numClasses: 3, seed: 2 });
    // A head that always says class 1: the confusion matrix holds every example in column 1.
    classifier.variables()['head.W']!.assign(tf.zeros([8, 3]));
    classifier.variables()['head.b']!.assign(tf.tensor1d([0, 5, 0]));
    const constant = await classifier.evaluate({ x, labels });
    const perClass = [0, 1, 2].map((c) => labelArray.filter((label) => label === c).length);
    expect(constant.confusion).toEqual(perClass.map((n) => [0, n, 0]));
    expect(constant.accuracy).toBeCloseTo(perClass[1]! / 90, 12);
    expect(constant.count).toBe(90);
    await trainModel(classifier, { x, labels }, { epochs: 30, batchSize: 15, learningRate: 0.02 });
    const trained = await classifier.evaluate({ x, labels });
    expect(trained.accuracy).toBeGreaterThan(0.95);
    await expect(classifier.evaluate(x)).rejects.toThrow(
      'StackedClassifier.evaluate: \'data\' must be labelled data ({ x, labels } or a BatchSource with labels), got "a batch without labels".',
    );
    expect(() => classifier.lossTerms(x, { step: 0, training: true })).toThrow(
      "StackedClassifier.lossTerms: 'context.labels' must be a [90] int32 tensor of class labels (train on labelled data), got undefined.",
    );
    classifier.dispose();
    tf.dispose([x, labels]);
    stack.dispose();
  });

  it('saves and loads the stack and the classifier with identical outputs', async () => {
    const { x, labels } = blobs(12, 6);
    const stack = createStackedAe({
      inputDim: 12,
      layers: [
        { latentDim: 6, family: 'denoising' },
        { latentDim: 4, family: 'sparse', penalty: 'l1' },
      ],
      seed: 6,
    });
    const classifier = stack.classifier({ numClasses: 3, trainable: [false, true], seed: 3 });
    await trainModel(classifier, { x, labels }, { epochs: 2, batchSize: 6 });
    try {
      await expectSaveLoadRoundTrip(stack, { saveModel, loadModel }, (m) => [
        m.encode(x),
        m.reconstruct(x),
      ]);
      // The loaded classifier carries its trainable mask.
      await expectSaveLoadRoundTrip(
        classifier,
        { saveModel, loadModel },
        (m) => [m.logits(x)],
        (loaded) => expect(loaded.stack.stages[0]!.encoder!.layers[0]!.W.trainable).toBe(false),
      );
    } finally {
      classifier.dispose();
      stack.dispose();
      tf.dispose([x, labels]);
    }
  });

  it('leaks no tensors', async () => {
    const { x, labels } = blobs(9, 7);
    const config: StackedAeConfig = {
      inputDim: 12,
      layers: [
        { latentDim: 6, family: 'ae' },
        { latentDim: 3, family: 'denoising' },
      ],
    };
    await expectModelFreesItsTensors(
      () => createStackedAe(config),
      async (stack) => {
        const classifier = stack.classifier({ numClasses: 3 });
        try {
          const tensors = [
            stack.encode(x),
            stack.encodeTo(x, 1),
            stack.reconstruct(x),
            classifier.probabilities(x),
            classifier.predict(x),
            stack.lossTerms(x, { step: 0, training: true }),
            classifier.lossTerms(x, { step: 0, training: true, labels }),
          ];
          await classifier.evaluate({ x, labels });
          await stack.pretrain({ x, labels }, { fit: trainModel, epochsPerLayer: 1, batchSize: 5 });
          expect(() => stack.encodeTo(x, 3)).toThrow(InvalidArgumentError);
          expect(() => stack.classifier({ numClasses: 3, trainabel: 'head' } as never)).toThrow(
            "StackedAe.classifier: unknown option 'trainabel'; did you mean 'trainable'?",
          );
          return tensors;
        } finally {
          classifier.dispose();
        }
      },
    );
    tf.dispose([x, labels]);
  });
});
