import { type Autoencoder, InvalidArgumentError, type TrainableModel } from '@aekit/core';
import { ModelFileError } from './errors';
import { type FileSystem, oldPrefix } from './file-system';
import { configFileName, decodeModel, encodeModel, weightsFileName } from './model-bytes';

function checkFolder(functionName: string, dir: unknown): string {
  if (typeof dir !== 'string' || dir === '') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'dir',
      rule: 'a non-empty folder path',
      value: dir,
    });
  }
  return dir;
}

/**
 * Saves `model` as folder `dir` holding `config.json` and `weights.safetensors`, atomically:
 * the folder is written complete under a temporary name, flushed, then renamed into place (an
 * existing model folder is swapped out whole). `dir` must be new, or hold only those two files.
 */
export async function saveModelWith(
  files: FileSystem,
  model: TrainableModel,
  dir: string,
): Promise<void> {
  checkFolder('saveModel', dir);
  const { config, weights } = await encodeModel('saveModel', model);
  await files.writeFolderAtomic(
    dir,
    new Map([
      [configFileName, new TextEncoder().encode(config)],
      [weightsFileName, weights],
    ]),
    { replaceable: [configFileName, weightsFileName], functionName: 'saveModel' },
  );
}

/**
 * Loads the model saved in folder `dir`: the family named in `config.json` (which must be
 * registered: import its package) builds it, then `weights.safetensors` fills its variables.
 * Every problem — a missing or corrupt file, an unknown family, a format version, a missing
 * tensor or a shape that disagrees with the config — is a `ModelFileError` naming the file.
 */
export async function loadModelWith<M extends TrainableModel = Autoencoder>(
  files: FileSystem,
  dir: string,
): Promise<M> {
  checkFolder('loadModel', dir);
  const configPath = files.join(dir, configFileName);
  const weightsPath = files.join(dir, weightsFileName);
  const configBytes = await files.readFile(configPath);
  if (configBytes === undefined) {
    throw new ModelFileError({
      functionName: 'loadModel',
      file: configPath,
      problem: `does not exist.${await leftoverHint(files, dir)}`,
    });
  }
  const weights = await files.readFile(weightsPath);
  if (weights === undefined) {
    throw new ModelFileError({
      functionName: 'loadModel',
      file: weightsPath,
      problem: 'does not exist.',
    });
  }
  let configText: string;
  try {
    configText = new TextDecoder('utf-8', { fatal: true }).decode(configBytes);
  } catch (error) {
    throw new ModelFileError(
      { functionName: 'loadModel', file: configPath, problem: 'is not UTF-8 text.' },
      { cause: error },
    );
  }
  return decodeModel<M>('loadModel', configText, weights, {
    config: configPath,
    weights: weightsPath,
  });
}

/** Names a complete old model folder left beside `dir` by a save that was interrupted. */
async function leftoverHint(files: FileSystem, dir: string): Promise<string> {
  const parent = files.dirname(dir);
  const prefix = oldPrefix(files.basename(dir));
  const leftovers = ((await files.list(parent)) ?? []).filter((name) => name.startsWith(prefix));
  if (leftovers.length === 0) return '';
  return ` A save into it was interrupted; the previous model is complete in ${leftovers.map((name) => files.join(parent, name)).join(', ')}: rename it to ${files.basename(dir)}.`;
}

/** The browser has no file system: model folders and checkpoints need Node. */
export function noFileSystem(functionName: string, argument: string, value: unknown): never {
  throw new InvalidArgumentError({
    functionName,
    argument,
    rule: 'a folder on a file system, which this environment (a browser) does not have',
    value,
    hint: 'In a browser use modelToBytes(model) and modelFromBytes(config, weights) instead.',
  });
}
