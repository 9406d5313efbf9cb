import { checkBatch } from '@aekit/ae';
import {
  AekitError,
  type Batch,
  checkInteger,
  checkOptionsObject,
  checkSeed,
  checkTensor,
  InvalidArgumentError,
  type LossTerms,
} from '@aekit/core';
import { applyDense, type DenseParams, disposeDense, initDense } from '@aekit/layers';
import {
  argMax,
  losses,
  oneHot,
  softmax,
  type Tensor1D,
  type Tensor2D,
  tidy,
  type Variable,
} from '@tensorflow/tfjs-core';
import { toBatchSource } from './batch-sources';
import {
  type StackedAe,
  type StackedClassifier,
  type StackedClassifierConfig,
  type StackedClassifierOptions,
  stageMlps,
} from './stacked-types';

function resolveMask(functionName: string, mask: unknown, stages: number): boolean[] {
  if (mask === 'all') return Array.from({ length: stages }, () => true);
  if (mask === 'head') return Array.from({ length: stages }, () => false);
  if (
    Array.isArray(mask) &&
    mask.length === stages &&
    mask.every((flag) => typeof flag === 'boolean')
  ) {
    return [...mask];
  }
  throw new InvalidArgumentError({
    functionName,
    argument: 'trainable',
    rule: `'head', 'all', or an array of ${stages} booleans (one per stage)`,
    value: mask,
  });
}

/**
 * Builds a classifier on `stack`. With `ownsStack`, `dispose()` frees the stack too (a
 * classifier loaded from disk owns the stack it was rebuilt with).
 */
export function createStackedClassifier(
  stack: StackedAe,
  options: StackedClassifierOptions,
  internal: { ownsStack?: boolean; functionName?: string } = {},
): StackedClassifier {
  const functionName = internal.functionName ?? 'StackedAe.classifier';
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'options',
      rule: 'an object { numClasses, trainable?, seed? }',
      value: options,
    });
  }
  checkOptionsObject(functionName, 'options', options, ['numClasses', 'trainable', 'seed']);
  const numClasses = checkInteger(functionName, 'numClasses', options.numClasses, { min: 2 });
  const seed = checkSeed(functionName, 'seed', options.seed ?? 0);
  let mask = resolveMask(functionName, options.trainable ?? 'all', stack.stages.length);
  const codeWidth = stack.config.latentDims[stack.config.latentDims.length - 1]!;
  const head: DenseParams = initDense(codeWidth, numClasses, { seed, init: 'glorotUniform' });
  let disposed = false;

  const applyMask = () => {
    stack.stages.forEach((stage, index) => {
      for (const layer of stageMlps(stage).encoder.layers) {
        layer.W.trainable = mask[index]!;
        layer.b.trainable = mask[index]!;
      }
    });
  };
  applyMask();

  const alive = (method: string) => {
    if (disposed) {
      throw new AekitError(
        `StackedClassifier.${method}: this classifier has been disposed; create or load it again.`,
      );
    }
  };
  const logitsOf = (x: Tensor2D) => applyDense(head, stack.encode(x), 'linear');

  const classifier: StackedClassifier = {
    get config(): StackedClassifierConfig {
      return Object.freeze({
        family: 'stacked-classifier',
        inputDim: stack.config.inputDim,
        numClasses,
        trainable: Object.freeze([...mask]),
        seed,
        stack: stack.config,
      });
    },
    stack,
    logits(x) {
      alive('logits');
      checkBatch('StackedClassifier.logits', 'x', x, stack.config.inputDim);
      return tidy(() => logitsOf(x));
    },
    probabilities(x) {
      alive('probabilities');
      checkBatch('StackedClassifier.probabilities', 'x', x, stack.config.inputDim);
      return tidy(() => softmax(logitsOf(x)));
    },
    predict(x) {
      alive('predict');
      checkBatch('StackedClassifier.predict', 'x', x, stack.config.inputDim);
      return tidy(() => argMax(logitsOf(x), 1) as Tensor1D);
    },
    setTrainable(next) {
      alive('setTrainable');
      mask = resolveMask('StackedClassifier.setTrainable', next, stack.stages.length);
      applyMask();
    },
    lossTerms(x, context) {
      alive('lossTerms');
      checkBatch('StackedClassifier.lossTerms', 'x', x, stack.config.inputDim);
      const labels = context?.labels;
      if (labels === undefined) {
        throw new InvalidArgumentError({
          functionName: 'StackedClassifier.lossTerms',
          argument: 'context.labels',
          rule: `a [${x.shape[0]}] int32 tensor of class labels (train on labelled data)`,
          value: labels,
        });
      }
      checkTensor('StackedClassifier.lossTerms', 'context.labels', labels, {
        shape: [x.shape[0]],
        dtype: 'int32',
      });
      return tidy(() => {
        const crossEntropy = losses.softmaxCrossEntropy(oneHot(labels, numClasses), logitsOf(x));
        return { total: crossEntropy, terms: { crossEntropy } };
      }) as unknown as LossTerms;
    },
    async evaluate(data) {
      alive('evaluate');
      const source = toBatchSource('StackedClassifier.evaluate', data);
      const confusion = Array.from({ length: numClasses }, () =>
        new Array<number>(numClasses).fill(0),
      );
      let count = 0;
      let correct = 0;
      for await (const batch of source.batches(1000) as AsyncIterable<Batch>) {
        try {
          if (batch.labels === undefined) {
            throw new InvalidArgumentError({
              functionName: 'StackedClassifier.evaluate',
              argument: 'data',
              rule: 'labelled data ({ x, labels } or a BatchSource with labels)',
              value: 'a batch without labels',
            });
          }
          const predicted = classifier.predict(batch.x);
          const predictions = predicted.dataSync();
          predicted.dispose();
          const actual = batch.labels.dataSync();
          for (let index = 0; index < predictions.length; index += 1) {
            const truth = checkInteger('StackedClassifier.evaluate', 'labels', actual[index], {
              min: 0,
              max: numClasses - 1,
            });
            confusion[truth]![predictions[index]!]! += 1;
            if (predictions[index] === truth) correct += 1;
            count += 1;
          }
        } finally {
          batch.x.dispose();
          batch.labels?.dispose();
        }
      }
      return { accuracy: count === 0 ? 0 : correct / count, confusion, count };
    },
    variables() {
      alive('variables');
      const variables: Record<string, Variable> = {};
      for (const [name, variable] of Object.entries(stack.variables()))
        variables[`stack.${name}`] = variable;
      variables['head.W'] = head.W;
      variables['head.b'] = head.b;
      return variables;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      disposeDense(head);
      if (internal.ownsStack) stack.dispose();
    },
  };
  return classifier;
}
