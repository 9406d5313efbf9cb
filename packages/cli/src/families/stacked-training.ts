import { join } from 'node:path';
import type { StackedAe, StackedClassifier } from '@aekit/stacked';
import { stackedFamily } from '@aekit/stacked';
import {
  type FitOptions,
  fit,
  type History,
  modelFromBytes,
  modelToBytes,
  saveModel,
} from '@aekit/train';
import type { FamilyTrainContext, FamilyTrainResult } from '../family-contract';
import { formatSeconds, textTable } from '../io';
import { type StackedRecord, stackedFiles, writeStackedRecord } from '../stacked-record';

/** A stacked run's settings, as the adapter's `parseOptions` returns them. */
export interface StackedSettings {
  readonly layers: readonly number[];
  readonly layerFamily: string;
  /** The stage family's settings, given to every stage. */
  readonly stage: { readonly [key: string]: unknown };
  readonly finetune: boolean;
  /** `--pretrain-epochs`, or `null` for `--epochs`. */
  readonly pretrainEpochs: number | null;
  /** `--head-epochs`, or `null` for `--epochs`. */
  readonly headEpochs: number | null;
}

/** How many epochs each phase trains (see `aekit train --help`). */
export function stackedEpochs(settings: StackedSettings, epochs: number): StackedRecord['epochs'] {
  const pretrainPerStage = settings.pretrainEpochs ?? epochs;
  const head = settings.headEpochs ?? epochs;
  const fineTune = settings.finetune ? epochs : null;
  return {
    pretrainPerStage,
    head,
    fineTune,
    fromScratch:
      fineTune === null ? null : settings.layers.length * pretrainPerStage + head + fineTune,
  };
}

/** One history after another, epochs numbered on (the classifier's head, then fine-tuning). */
export function concatHistories(first: History, second: History | null): History {
  if (second === null) return first;
  const joinRecords = (
    a: Record<string, number[]> | undefined,
    b: Record<string, number[]> | undefined,
  ) => {
    if (a === undefined || b === undefined) return undefined;
    const names = new Set([...Object.keys(a), ...Object.keys(b)]);
    const nan = (length: number) => new Array<number>(length).fill(Number.NaN);
    return Object.fromEntries(
      [...names].map((name) => [
        name,
        [...(a[name] ?? nan(first.epochs.length)), ...(b[name] ?? nan(second.epochs.length))],
      ]),
    );
  };
  const validation = joinRecords(first.validation, second.validation);
  return {
    epochs: [...first.epochs, ...second.epochs.map((epoch) => first.epochs.length + epoch)],
    train: joinRecords(first.train, second.train)!,
    ...(validation === undefined ? {} : { validation }),
    learningRate: [...first.learningRate, ...second.learningRate],
    samplesPerSecond: [...first.samplesPerSecond, ...second.samplesPerSecond],
    steps: first.steps + second.steps,
    stopReason: second.stopReason,
  };
}

function percent(accuracy: number | null): string {
  return accuracy === null ? '—' : `${(100 * accuracy).toFixed(1)}%`;
}

/**
 * The stacked family's training: greedy layer-wise pretraining of `context.model` (which the
 * command then saves as `model/`), a softmax head on a copy of it with the stages fixed, with
 * `--finetune` fine-tuning every layer and the same architecture trained from scratch for the
 * same total epochs. Saves the classifier as `classifier/` and the phases as `stacked.json`;
 * the history it returns is the classifier's (head, then fine-tuning).
 */
export async function trainStacked(context: FamilyTrainContext): Promise<FamilyTrainResult> {
  const stack = context.model as StackedAe;
  const settings = context.settings as unknown as StackedSettings;
  const { data, log } = context;
  const classNames = data.classNames!;
  const numClasses = classNames.length;
  const { batchSize, learningRate, seed } = context.training;
  const epochs = stackedEpochs(settings, context.training.epochs);
  const stages = settings.layers.length;
  const fitOptions: FitOptions = {
    batchSize,
    learningRate,
    seed,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  };
  const aborted = () => context.signal?.aborted === true;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  log(
    `Plan: pretrain each of the ${plural(stages, 'stage')} for ${plural(epochs.pretrainPerStage, 'epoch')}, train the softmax head for ${plural(epochs.head, 'epoch')} with the stages fixed${epochs.fineTune === null ? '' : `, fine-tune every layer for ${plural(epochs.fineTune, 'epoch')}, then train the same network from scratch for ${plural(epochs.fromScratch!, 'epoch')} (as many as all the phases together)`}.`,
  );

  // 1. Greedy layer-wise pretraining, stage after stage, on the codes of the stage below.
  let started = performance.now();
  const widths = [stack.config.inputDim, ...settings.layers];
  const pretrained = await stack.pretrain(data.train, {
    fit,
    ...fitOptions,
    epochsPerLayer: epochs.pretrainPerStage,
    callbacks: context.progress(),
    onStageStart: (stage) => {
      log(
        `Pretraining stage ${stage + 1} of ${stages}: a ${settings.layerFamily} autoencoder ${widths[stage]} → ${widths[stage + 1]} on ${stage === 0 ? 'the inputs' : `the codes of stage ${stage}`}`,
      );
    },
  });
  const pretrainingSeconds = (performance.now() - started) / 1000;
  const stopped = pretrained.stages.find((history) => history.stopReason === 'aborted');
  if (stopped !== undefined || aborted()) {
    return { history: stopped ?? pretrained.stages.at(-1)!, summary: {} };
  }

  // 2. The classifier trains on a copy, so `model/` keeps the stack as pretrained.
  const bytes = await modelToBytes(stack);
  const copy = modelFromBytes<StackedAe>(bytes.config, bytes.weights);
  let classifier: StackedClassifier | null = null;
  let head: History;
  let fineTune: History | null = null;
  let headOnly: number;
  let fineTuned: number | null = null;
  let confusion: readonly (readonly number[])[];
  let headSeconds: number;
  let fineTuneSeconds: number | null = null;
  try {
    classifier = copy.classifier({ numClasses, trainable: 'head', seed });
    log(
      `Training the softmax head (${settings.layers.at(-1)} → ${numClasses} classes) with the ${plural(stages, 'pretrained stage')} fixed`,
    );
    started = performance.now();
    head = await fit(classifier, data.train, {
      ...fitOptions,
      epochs: epochs.head,
      validation: data.test,
      callbacks: context.progress(),
    });
    headSeconds = (performance.now() - started) / 1000;
    if (head.stopReason === 'aborted') return { history: head, summary: {} };
    const headEvaluation = await classifier.evaluate(data.test);
    headOnly = headEvaluation.accuracy;
    confusion = headEvaluation.confusion;
    log(`  test accuracy with the head only: ${percent(headOnly)}`);
    if (epochs.fineTune !== null) {
      log(`Fine-tuning every layer and the head for ${plural(epochs.fineTune, 'epoch')}`);
      classifier.setTrainable('all');
      started = performance.now();
      fineTune = await fit(classifier, data.train, {
        ...fitOptions,
        epochs: epochs.fineTune,
        validation: data.test,
        callbacks: context.progress(),
      });
      fineTuneSeconds = (performance.now() - started) / 1000;
      if (fineTune.stopReason === 'aborted') {
        return { history: concatHistories(head, fineTune), summary: {} };
      }
      const evaluation = await classifier.evaluate(data.test);
      fineTuned = evaluation.accuracy;
      confusion = evaluation.confusion;
      log(`  test accuracy after fine-tuning: ${percent(fineTuned)}`);
    }
    await saveModel(classifier, join(context.runDir, stackedFiles.classifier));
  } finally {
    classifier?.dispose();
    copy.dispose();
  }

  // 3. The same architecture from scratch, for as many epochs as all the phases together.
  let fromScratch: History | null = null;
  let scratchAccuracy: number | null = null;
  let scratchSeconds: number | null = null;
  if (epochs.fromScratch !== null) {
    log(
      `Training the same network from scratch (no pretraining, every layer) for ${plural(epochs.fromScratch, 'epoch')}`,
    );
    const scratchStack = stackedFamily.create(stack.config) as StackedAe;
    const scratch = scratchStack.classifier({ numClasses, trainable: 'all', seed });
    try {
      started = performance.now();
      fromScratch = await fit(scratch, data.train, {
        ...fitOptions,
        epochs: epochs.fromScratch,
        validation: data.test,
        callbacks: context.progress(),
      });
      scratchSeconds = (performance.now() - started) / 1000;
      if (fromScratch.stopReason === 'aborted') {
        return {
          history: { ...concatHistories(head, fineTune), stopReason: 'aborted' },
          summary: {},
        };
      }
      scratchAccuracy = (await scratch.evaluate(data.test)).accuracy;
      log(`  test accuracy from scratch: ${percent(scratchAccuracy)}`);
    } finally {
      scratch.dispose();
      scratchStack.dispose();
    }
  }

  const record: StackedRecord = {
    format: 'aekit-stacked-run',
    formatVersion: 1,
    layers: settings.layers,
    layerFamily: settings.layerFamily,
    epochs,
    pretraining: pretrained.stages,
    head,
    fineTune,
    fromScratch,
    accuracy: { headOnly, fineTuned, fromScratch: scratchAccuracy },
    confusion,
    classNames,
    testExamples: data.test.size,
    seconds: {
      pretraining: pretrainingSeconds,
      head: headSeconds,
      fineTune: fineTuneSeconds,
      fromScratch: scratchSeconds,
    },
  };
  await writeStackedRecord(context.runDir, record);
  log();
  log(
    textTable(
      ['classifier', 'epochs', 'time', 'test accuracy'],
      [
        [
          'head only',
          `${stages} × ${epochs.pretrainPerStage} + ${epochs.head}`,
          formatSeconds(pretrainingSeconds + headSeconds),
          percent(headOnly),
        ],
        ...(fineTuned === null
          ? []
          : [
              [
                'fine-tuned',
                `+ ${epochs.fineTune}`,
                formatSeconds(fineTuneSeconds!),
                percent(fineTuned),
              ],
            ]),
        ...(scratchAccuracy === null
          ? []
          : [
              [
                'from scratch',
                `${epochs.fromScratch}`,
                formatSeconds(scratchSeconds!),
                percent(scratchAccuracy),
              ],
            ]),
      ],
    ),
  );
  log(
    `The run folder keeps the pretrained stack in model/ and the ${fineTuned === null ? 'head-only' : 'fine-tuned'} classifier in ${stackedFiles.classifier}/.`,
  );
  return {
    history: concatHistories(head, fineTune),
    summary: {
      layers: [...settings.layers],
      layerFamily: settings.layerFamily,
      epochs: { ...epochs },
      accuracy: { headOnly, fineTuned, fromScratch: scratchAccuracy },
      classifier: join(context.runDir, stackedFiles.classifier),
    },
  };
}
