import type { AutoencoderConfig, RngState } from '@aekit/core';
import { ModelFileError } from './errors';
import type { FileSystem } from './file-system';
import type { History } from './history';
import type { OptimizerState } from './optimizers';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors';

/** The one file of a checkpoint folder, replaced atomically at every save. */
export const checkpointFileName = 'checkpoint.safetensors';
const checkpointFormat = 'aekit-checkpoint';
const checkpointFormatVersion = 1;
const metadataKey = 'aekit.checkpoint';

/** Tensor name prefixes inside the checkpoint file. */
export const checkpointPrefixes = {
  model: 'model/',
  best: 'best/',
  optimizer: 'optimizer/',
  optimizerExtra: 'optimizer-extra/',
} as const;

/** Everything but the tensors, stored as JSON in the file's `__metadata__`. */
export interface CheckpointState {
  readonly format: typeof checkpointFormat;
  readonly formatVersion: number;
  /** The model's config: resuming needs the same model. */
  readonly modelConfig: AutoencoderConfig;
  /** Epochs completed. */
  readonly epoch: number;
  /** Steps taken. */
  readonly step: number;
  /** The shuffling generator after `epoch` epochs. */
  readonly rng: RngState;
  readonly history: History;
  readonly earlyStopping?: {
    readonly best: number;
    readonly bestEpoch: number;
    readonly wait: number;
  };
  readonly optimizer: {
    readonly className: string;
    readonly names: readonly string[];
    readonly extras: readonly string[];
  };
}

/** A checkpoint: its state and its tensors (model, best weights, optimiser). */
export interface Checkpoint {
  readonly state: CheckpointState;
  readonly tensors: ReadonlyMap<string, StoredTensor>;
}

/** The checkpoint tensors that hold an optimiser state (`optimizerStateOf` reads them back). */
export function optimizerTensors(state: OptimizerState): Map<string, StoredTensor> {
  const tensors = new Map<string, StoredTensor>();
  state.weights.forEach((weight, index) => {
    tensors.set(`${checkpointPrefixes.optimizer}${index}`, weight);
  });
  for (const [name, value] of Object.entries(state.extras)) {
    tensors.set(`${checkpointPrefixes.optimizerExtra}${name}`, value);
  }
  return tensors;
}

/** The optimiser state stored in `checkpoint` (`file` names it in errors). */
export function optimizerStateOf(checkpoint: Checkpoint, file: string): OptimizerState {
  const { className, names, extras } = checkpoint.state.optimizer;
  const take = (name: string): StoredTensor => {
    const value = checkpoint.tensors.get(name);
    if (value === undefined) {
      throw new ModelFileError({
        functionName: 'fit',
        file,
        problem: `optimiser tensor '${name}' is missing.`,
      });
    }
    return value;
  };
  return {
    className,
    names,
    weights: names.map((_, index) => take(`${checkpointPrefixes.optimizer}${index}`)),
    extras: Object.fromEntries(
      extras.map((name) => [name, take(`${checkpointPrefixes.optimizerExtra}${name}`)]),
    ),
  };
}

/**
 * Writes the checkpoint into `dir` atomically (temporary file, fsync, rename, fsync of the
 * folder): a crash leaves the previous checkpoint or this one, complete. Temporary files of
 * earlier interrupted writes are removed first.
 */
export async function writeCheckpoint(
  files: FileSystem,
  dir: string,
  checkpoint: Checkpoint,
): Promise<void> {
  await files.makeFolder(dir);
  for (const name of (await files.list(dir)) ?? []) {
    if (files.isTemporary(name, checkpointFileName)) await files.removeFile(files.join(dir, name));
  }
  const bytes = encodeSafetensors(checkpoint.tensors, {
    [metadataKey]: JSON.stringify(checkpoint.state),
  });
  await files.writeFileAtomic(files.join(dir, checkpointFileName), bytes);
}

/** NaN is written as null by JSON: read it back as NaN. */
function restoreNaN(record: Record<string, (number | null)[]> | undefined): void {
  if (record === undefined) return;
  for (const series of Object.values(record)) {
    series.forEach((value, index) => {
      if (value === null) series[index] = Number.NaN;
    });
  }
}

/** Reads and checks the checkpoint in `dir`. */
export async function readCheckpoint(files: FileSystem, dir: string): Promise<Checkpoint> {
  const file = files.join(dir, checkpointFileName);
  const bytes = await files.readFile(file);
  if (bytes === undefined) {
    throw new ModelFileError({
      functionName: 'fit',
      file,
      problem:
        'does not exist, so there is nothing to resume from. Train without options.resume first, with options.checkpoint to write one.',
    });
  }
  const content = decodeSafetensors(bytes, 'fit', file);
  const fail = (problem: string): never => {
    throw new ModelFileError({ functionName: 'fit', file, problem });
  };
  const text = content.metadata[metadataKey];
  if (text === undefined) fail(`is not an aekit checkpoint: its metadata has no '${metadataKey}'.`);
  let state: CheckpointState;
  try {
    state = JSON.parse(text!) as CheckpointState;
  } catch {
    return fail(`its '${metadataKey}' metadata is not JSON.`);
  }
  if (state?.format !== checkpointFormat) {
    fail(`is not an aekit checkpoint: "format" is ${JSON.stringify(state?.format)}.`);
  }
  if (state.formatVersion !== checkpointFormatVersion) {
    fail(
      `has checkpoint format version ${JSON.stringify(state.formatVersion)}; this @aekit/train reads version ${checkpointFormatVersion}.`,
    );
  }
  restoreNaN(state.history.train as Record<string, (number | null)[]>);
  restoreNaN(state.history.validation as Record<string, (number | null)[]> | undefined);
  return { state, tensors: content.tensors };
}
