import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { History } from '@aekit/train';
import { writeFileAtomic } from './run-folder';

/**
 * What a stacked run saves beside `model/` (the stack as pretrained):
 *
 * ```
 * classifier/     the softmax classifier on the stack, after the head (and fine-tuning):
 *                 config.json + weights.safetensors, loads with loadModel ('stacked-classifier')
 * stacked.json    the phases: epochs, histories, test accuracies, confusion matrix (StackedRecord)
 * ```
 */
export const stackedFiles = { classifier: 'classifier', record: 'stacked.json' } as const;

/** The contents of `stacked.json`. */
export interface StackedRecord {
  readonly format: 'aekit-stacked-run';
  readonly formatVersion: 1;
  /** Code widths of the stages, from the input up. */
  readonly layers: readonly number[];
  /** The family of every stage. */
  readonly layerFamily: string;
  readonly epochs: {
    /** Epochs of each stage's pretraining. */
    readonly pretrainPerStage: number;
    /** Epochs of the head with the stages fixed. */
    readonly head: number;
    /** Epochs of fine-tuning every layer, or `null` without `--finetune`. */
    readonly fineTune: number | null;
    /** Epochs of the same network trained from scratch (the sum of the above), or `null`. */
    readonly fromScratch: number | null;
  };
  /** Each stage's pretraining (its own loss terms, on the training split). */
  readonly pretraining: readonly History[];
  readonly head: History;
  readonly fineTune: History | null;
  readonly fromScratch: History | null;
  /** Test accuracy after each phase (fractions). */
  readonly accuracy: {
    readonly headOnly: number;
    readonly fineTuned: number | null;
    readonly fromScratch: number | null;
  };
  /** `confusion[actual][predicted]` of the saved classifier on the test split. */
  readonly confusion: readonly (readonly number[])[];
  /** Class names by label. */
  readonly classNames: readonly string[];
  /** Test examples the accuracies were measured on. */
  readonly testExamples: number;
  /** Seconds each phase took. */
  readonly seconds: {
    readonly pretraining: number;
    readonly head: number;
    readonly fineTune: number | null;
    readonly fromScratch: number | null;
  };
}

export async function writeStackedRecord(runDir: string, record: StackedRecord): Promise<void> {
  await writeFileAtomic(join(runDir, stackedFiles.record), `${JSON.stringify(record, null, 2)}\n`);
}

/** `stacked.json` of a run folder, or `null` when there is none (a bare model folder). */
export async function readStackedRecord(runDir: string | null): Promise<StackedRecord | null> {
  if (runDir === null) return null;
  const path = join(runDir, stackedFiles.record);
  try {
    await access(path);
  } catch {
    return null;
  }
  const record = JSON.parse(await readFile(path, 'utf8')) as StackedRecord;
  return record.format === 'aekit-stacked-run' && record.formatVersion === 1 ? record : null;
}
