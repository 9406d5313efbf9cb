import {
  checkBatch,
  composeMlps,
  type MlpAutoencoder,
  type ReconstructionLoss,
  reconstructionLoss,
} from '@aekit/ae';
import { AekitError, checkInteger, InvalidArgumentError, type LossTerms } from '@aekit/core';
import { applyMlp } from '@aekit/layers';
import { type Tensor2D, tidy, type Variable } from '@tensorflow/tfjs-core';
import { mapBatches, type StackedData, toBatchSource } from './batch-sources';
import { createStackedClassifier } from './stacked-classifier';
import {
  buildStages,
  type ResolvedStackedAeConfig,
  rebuildStages,
  type StackedAeConfig,
} from './stacked-config';
import { type AnyTrainer, type PretrainOptions, type StackedAe, stageMlps } from './stacked-types';

/**
 * Builds a stacked autoencoder, each stage a model of its family:
 *
 * ```ts
 * const stack = createStackedAe({
 *   inputDim: 784,
 *   layers: [{ latentDim: 256, family: 'denoising' }, { latentDim: 128, family: 'sparse', rho: 0.05 }],
 * });
 * await stack.pretrain(train, { fit, epochsPerLayer: 5 }); // fit from @aekit/train
 * const classifier = stack.classifier({ numClasses: 10, trainable: 'all' });
 * ```
 * Stages of one family with its defaults need only their widths:
 * `createStackedAe({ inputDim: 784, latentDims: [256, 128], stageFamily: 'sparse' })`.
 */
export function createStackedAe(config: StackedAeConfig): StackedAe {
  const built = buildStages(config, 'createStackedAe');
  return assemble(built.config, built.stages);
}

/** @internal Rebuilds a stack from a saved configuration. */
export function rebuildStackedAe(config: ResolvedStackedAeConfig, functionName: string): StackedAe {
  const stages = rebuildStages(config, functionName);
  // The stages' own resolved configs: a stack saved by an earlier version gains the fields its
  // families have added since, with their defaults, as a fresh stack has them.
  const stageConfigs = Object.freeze(stages.map((stage) => stage.config));
  return assemble(Object.freeze({ ...config, stages: stageConfigs }), stages);
}

function assemble(config: ResolvedStackedAeConfig, stages: MlpAutoencoder[]): StackedAe {
  const composed = composeMlps(stages.map((stage) => stageMlps(stage).encoder));
  let disposed = false;
  const alive = (functionName: string) => {
    if (disposed) {
      throw new AekitError(
        `${functionName}: this stacked autoencoder has been disposed; create or load it again.`,
      );
    }
  };
  const first = stages[0]!;
  const topWidth = composed.widths[composed.widths.length - 1]!;
  /** Decodes codes of the top stage down to stage 1's input space, the last step as raw output. */
  const decodeToFirstCodes = (z: Tensor2D): Tensor2D => {
    let h = z;
    for (let index = stages.length - 1; index >= 1; index -= 1) h = stages[index]!.decode(h);
    return h;
  };

  const stack: StackedAe = {
    config,
    stages,
    encoder: () => composed,
    encode(x) {
      alive('StackedAe.encode');
      return applyMlp(composed, checkBatch('StackedAe.encode', 'x', x, config.inputDim));
    },
    encodeTo(x, level) {
      alive('StackedAe.encodeTo');
      checkBatch('StackedAe.encodeTo', 'x', x, config.inputDim);
      checkInteger('StackedAe.encodeTo', 'level', level, { min: 1, max: stages.length });
      return tidy(() => {
        let h = x;
        for (let index = 0; index < level; index += 1) h = stages[index]!.encode(h);
        return h;
      });
    },
    decode(z) {
      alive('StackedAe.decode');
      checkBatch('StackedAe.decode', 'z', z, topWidth);
      return tidy(() => first.decode(decodeToFirstCodes(z)));
    },
    reconstruct(x) {
      alive('StackedAe.reconstruct');
      checkBatch('StackedAe.reconstruct', 'x', x, config.inputDim);
      return tidy(() => first.decode(decodeToFirstCodes(applyMlp(composed, x))));
    },
    lossTerms(x, context) {
      alive('StackedAe.lossTerms');
      checkBatch('StackedAe.lossTerms', 'x', x, config.inputDim);
      if (typeof context !== 'object' || context === null) {
        throw new InvalidArgumentError({
          functionName: 'StackedAe.lossTerms',
          argument: 'context',
          rule: 'an object { step, training, labels? }',
          value: context,
        });
      }
      const loss = first.config.loss as ReconstructionLoss;
      return tidy(() => {
        const codes = decodeToFirstCodes(applyMlp(composed, x));
        // Stage 1's raw decoder output (logits for a Bernoulli loss), as its own loss expects.
        const output = applyMlp(stageMlps(first).decoder, codes);
        const reconstruction = reconstructionLoss(x, output, loss);
        return { total: reconstruction, terms: { reconstruction } };
      }) as unknown as LossTerms;
    },
    async pretrain<T extends AnyTrainer>(data: StackedData, options: PretrainOptions<T>) {
      alive('StackedAe.pretrain');
      const { fit, epochsPerLayer, onStageStart, trainerOptions } = checkPretrainOptions(options);
      const source = toBatchSource('StackedAe.pretrain', data);
      if (source.size === 0) {
        throw new InvalidArgumentError({
          functionName: 'StackedAe.pretrain',
          argument: 'data',
          rule: 'at least one example',
          value: 'no examples',
        });
      }
      const reports: Awaited<ReturnType<T>>[] = [];
      for (let index = 0; index < stages.length; index += 1) {
        await onStageStart?.(index);
        const level = index;
        const stageData =
          level === 0
            ? source
            : mapBatches(source, (x) =>
                tidy(() => {
                  let h = x;
                  for (let below = 0; below < level; below += 1) h = stages[below]!.encode(h);
                  return h;
                }),
              );
        const stageOptions = { ...trainerOptions, epochs: epochsPerLayer };
        // A trainer takes its own options: `T`'s, which `stageOptions` are (plus `epochs`).
        reports.push(
          (await fit(stages[index]!, stageData, stageOptions as never)) as Awaited<ReturnType<T>>,
        );
      }
      return { stages: reports };
    },
    classifier(options) {
      alive('StackedAe.classifier');
      return createStackedClassifier(stack, options);
    },
    variables() {
      alive('StackedAe.variables');
      const variables: Record<string, Variable> = {};
      stages.forEach((stage, index) => {
        for (const [name, variable] of Object.entries(stage.variables())) {
          variables[`stage${index}.${name}`] = variable;
        }
      });
      return variables;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const stage of stages) stage.dispose();
    },
  };
  return stack;
}

/**
 * Splits `pretrain`'s options into the stack's own (checked here) and the trainer's (which the
 * trainer checks: `fit` rejects a key it does not know).
 */
function checkPretrainOptions<T extends AnyTrainer>(options: PretrainOptions<T>) {
  if (typeof options !== 'object' || options === null || typeof options.fit !== 'function') {
    throw new InvalidArgumentError({
      functionName: 'StackedAe.pretrain',
      argument: 'options.fit',
      rule: "the trainer of each stage, e.g. `fit` from '@aekit/train': stack.pretrain(data, { fit })",
      value: typeof options === 'object' && options !== null ? options.fit : options,
    });
  }
  const { fit, epochsPerLayer = 5, onStageStart, ...trainerOptions } = options;
  checkInteger('StackedAe.pretrain', 'options.epochsPerLayer', epochsPerLayer, { min: 1 });
  return { fit, epochsPerLayer, onStageStart, trainerOptions };
}
