import type { MlpAutoencoder } from '@aekit/ae';
import type {
  Autoencoder,
  AutoencoderConfig,
  LossContext,
  LossTerms,
  TrainableModel,
  Trainer,
} from '@aekit/core';
import { AekitError } from '@aekit/core';
import type { Mlp } from '@aekit/layers';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { StackedData } from './batch-sources';
import type { ResolvedStackedAeConfig } from './stacked-config';

/*
 * The stack and its classifier refer to each other (`stack.classifier()`, `classifier.stack`),
 * so their interfaces live here, and the two implementations (stacked.ts, stacked-classifier.ts)
 * each import this file rather than one another.
 */

/** A trainer for `pretrain`: any `Trainer`, whatever its options and report. */
// `never` options: every trainer's options accept them, so any trainer is one.
export type AnyTrainer = Trainer<never, unknown>;

/** The options object `trainer` takes (`FitOptions` for `fit`). */
export type TrainerOptions<T extends AnyTrainer> = NonNullable<Parameters<T>[2]>;

/**
 * Options of `pretrain`: the trainer, the epochs per stage, and the trainer's own options for
 * every stage (e.g. `fit`'s `batchSize`, `learningRate`, `callbacks`; not `epochs`, which is
 * `epochsPerLayer`, nor a checkpoint, which would be one folder for every stage).
 */
export type PretrainOptions<T extends AnyTrainer = Trainer> = Omit<
  TrainerOptions<T>,
  'epochs' | 'checkpoint' | 'resume'
> & {
  /**
   * Trains each stage: `fit` from `@aekit/train`, or any `Trainer`. The stack takes it as an
   * argument so that `@aekit/stacked` does not depend on a trainer.
   */
  readonly fit: T;
  /** Epochs each stage trains for. Default 5. */
  readonly epochsPerLayer?: number;
  /** Called before stage `stage` (from 0) starts training. */
  readonly onStageStart?: (stage: number) => void | Promise<void>;
};

/** What `pretrain` returns: the trainer's report of each stage (with `fit`, its `History`), in order. */
export interface PretrainResult<Report = unknown> {
  readonly stages: readonly Report[];
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
   * stage k − 1 (computed batch by batch with the lower stages fixed), each with `options.fit`:
   * `stack.pretrain(x, { fit, epochsPerLayer: 5, batchSize: 64 })`.
   */
  pretrain<T extends AnyTrainer>(
    data: StackedData,
    options: PretrainOptions<T>,
  ): Promise<PretrainResult<Awaited<ReturnType<T>>>>;
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

/** Which stages train: `'head'` none (the pretrained encoder stays fixed), `'all'` every stage, or one flag per stage. */
export type TrainableMask = 'head' | 'all' | readonly boolean[];

/** What `stack.classifier(options)` accepts. */
export interface StackedClassifierOptions {
  /** Number of classes; labels are integers in [0, numClasses). */
  readonly numClasses: number;
  /** Which stages train with the head. Default 'all' (fine-tuning). */
  readonly trainable?: TrainableMask;
  /** Seed of the head's initial weights. Default 0. */
  readonly seed?: number;
}

/** The classifier's configuration, as saved in `config.json`. */
export interface StackedClassifierConfig extends AutoencoderConfig {
  readonly family: 'stacked-classifier';
  readonly inputDim: number;
  readonly numClasses: number;
  /** Whether each stage trains, from the input up. */
  readonly trainable: readonly boolean[];
  readonly seed: number;
  /** The stack it classifies with. */
  readonly stack: ResolvedStackedAeConfig;
}

/** Accuracy and confusion matrix of a classifier on labelled data. */
export interface ClassifierEvaluation {
  /** Fraction of examples whose predicted class is their label. */
  readonly accuracy: number;
  /** `confusion[actual][predicted]`: counts of examples. */
  readonly confusion: readonly (readonly number[])[];
  /** Examples evaluated. */
  readonly count: number;
}

/**
 * A softmax classifier on a stacked encoder: p(y | x) = softmax(W·encode(x) + b), trained with
 * cross-entropy (`lossTerms(x, { labels })`, `terms.crossEntropy`, averaged over the batch).
 */
export interface StackedClassifier extends TrainableModel<StackedClassifierConfig> {
  /** The stack whose encoder this classifier uses (shared). */
  readonly stack: StackedAe;
  /** Class scores before the softmax, `[batch, numClasses]`. */
  logits(x: Tensor2D): Tensor2D;
  /** p(y | x), `[batch, numClasses]`. */
  probabilities(x: Tensor2D): Tensor2D;
  /** The most probable class of each example, `[batch]` int32. */
  predict(x: Tensor2D): Tensor1D;
  /**
   * Sets which stages train (their encoder variables' `trainable` flags; the head always
   * trains). The flags live on the stack's shared variables.
   */
  setTrainable(mask: TrainableMask): void;
  /** Accuracy and confusion matrix on labelled data (`{ x, labels }` or a labelled `BatchSource`). */
  evaluate(data: StackedData): Promise<ClassifierEvaluation>;
}

/**
 * A stage's fully connected encoder and decoder. Stages are always fully connected (their
 * configs refuse an encoder spec), so a missing one is a bug, reported as such.
 * @internal
 */
export function stageMlps(stage: MlpAutoencoder): { readonly encoder: Mlp; readonly decoder: Mlp } {
  if (stage.encoder === null || stage.decoder === null) {
    throw new AekitError(
      `stacked: stage '${stage.config.family}' has no fully connected network; stages must be fully connected.`,
    );
  }
  return { encoder: stage.encoder, decoder: stage.decoder };
}
