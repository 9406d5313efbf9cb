import {
  checkBatch,
  composeMlps,
  type MlpAutoencoder,
  type ReconstructionLoss,
  reconstructionLoss,
} from '@aekit/ae';
import {
  AekitError,
  type Autoencoder,
  checkInteger,
  InvalidArgumentError,
  type LossContext,
  type LossTerms,
} from '@aekit/core';
import { applyMlp, type Mlp } from '@aekit/layers';
import { type FitOptions, fit, type History } from '@aekit/train';
import { type Tensor2D, tidy, type Variable } from '@tensorflow/tfjs-core';
import { mapBatches, type StackedData, toBatchSource } from './batch-sources';
import {
  createStackedClassifier,
  type StackedClassifier,
  type StackedClassifierOptions,
} from './stacked-classifier';
import {
  buildStages,
  type ResolvedStackedAeConfig,
  rebuildStages,
  type StackedAeConfig,
} from './stacked-config';

/** Options of `pretrain`: `fit`'s options for every stage, and the epochs per stage. */
export interface PretrainOptions extends Omit<FitOptions, 'epochs' | 'checkpoint' | 'resume'> {
  /** Epochs each stage trains for. Default 5. */
  readonly epochsPerLayer?: number;
  /** Called before stage `stage` (from 0) starts training. */
  readonly onStageStart?: (stage: number) => void | Promise<void>;
}

/** What `pretrain` returns: the history of each stage's training, in order. */
export interface PretrainResult {
  readonly stages: readonly History[];
}

/**
 * A stacked autoencoder: a chain of autoencoders where stage k learns to reconstruct the codes
 * of stage k − 1. `encode` runs the input up through every stage's encoder, `decode` back down
 * through every stage's decoder.
 */
export interface StackedAe extends Autoencoder<ResolvedStackedAeConfig> {
  /** The stages, from the input up; each is a real model of its family. Owned by the stack. */
  readonly stages: readonly MlpAutoencoder[];
  /** The stacked feature extractor: one `Mlp` whose layers are the stages' encoder layers (shared, not copied). */
  encoder(): Mlp;
  /** The codes after `level` stages (1 … stages.length) → `[batch, latentDims[level − 1]]`. */
  encodeTo(x: Tensor2D, level: number): Tensor2D;
  /**
   * Greedy layer-wise pretraining: trains stage 0 on the data, then stage k on the codes of
   * stage k − 1 (computed batch by batch with the lower stages fixed), each with `fit`.
   */
  pretrain(data: StackedData, options?: PretrainOptions): Promise<PretrainResult>;
  /**
   * A softmax classifier on the stacked encoder. It shares the stages' encoder weights, so
   * training it with `trainable: 'all'` fine-tunes the stack itself; `'head'` keeps the
   * pretrained stages fixed; an array says per stage.
   */
  classifier(options: StackedClassifierOptions): StackedClassifier;
  /**
   * The loss of reconstructing `x` through the whole stack (up through every encoder, down
   * through every decoder), with the first stage's reconstruction loss: `terms.reconstruction`.
   */
  lossTerms(x: Tensor2D, context: LossContext): LossTerms;
}

/**
 * Builds a stacked autoencoder, each stage a model of its family:
 *
 * ```ts
 * const stack = createStackedAe({
 *   inputDim: 784,
 *   layers: [{ latentDim: 256, family: 'denoising' }, { latentDim: 128, family: 'sparse', rho: 0.05 }],
 * });
 * await stack.pretrain(train, { epochsPerLayer: 5 });
 * const classifier = stack.classifier({ numClasses: 10, trainable: 'all' });
 * ```
 */
export function createStackedAe(config: StackedAeConfig): StackedAe {
  const built = buildStages(config, 'createStackedAe');
  return assemble(built.config, built.stages);
}

/** @internal Rebuilds a stack from a saved configuration. */
export function rebuildStackedAe(config: ResolvedStackedAeConfig, functionName: string): StackedAe {
  return assemble(config, rebuildStages(config, functionName));
}

function assemble(config: ResolvedStackedAeConfig, stages: MlpAutoencoder[]): StackedAe {
  const composed = composeMlps(stages.map((stage) => stage.encoder));
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
        const output = applyMlp(first.decoder, codes);
        const reconstruction = reconstructionLoss(x, output, loss);
        return { total: reconstruction, terms: { reconstruction } };
      }) as unknown as LossTerms;
    },
    async pretrain(data, options = {}) {
      alive('StackedAe.pretrain');
      const { epochsPerLayer = 5, onStageStart, ...fitOptions } = options;
      checkInteger('StackedAe.pretrain', 'options.epochsPerLayer', epochsPerLayer, { min: 1 });
      const source = toBatchSource('StackedAe.pretrain', data);
      if (source.size === 0) {
        throw new InvalidArgumentError({
          functionName: 'StackedAe.pretrain',
          argument: 'data',
          rule: 'at least one example',
          value: 'no examples',
        });
      }
      const histories: History[] = [];
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
        histories.push(
          await fit(stages[index]!, stageData, { ...fitOptions, epochs: epochsPerLayer }),
        );
      }
      return { stages: histories };
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
