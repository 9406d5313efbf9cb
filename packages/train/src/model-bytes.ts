import {
  type Autoencoder,
  type AutoencoderConfig,
  findAutoencoderFamily,
  InvalidArgumentError,
  registeredAutoencoderFamilies,
  type TrainableModel,
} from '@aekit/core';
import { type Tensor, tensor, tidy, type Variable, version_core } from '@tensorflow/tfjs-core';
import { version as trainVersion } from '../package.json';
import { ModelFileError } from './errors';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors';

/** The `format` of every aekit `config.json`. */
export const modelFormat = 'aekit-model';
/** The `config.json` layout this version writes and reads. */
export const modelFormatVersion = 1;
/** The model folder's configuration file. */
export const configFileName = 'config.json';
/** The model folder's weights file (safetensors). */
export const weightsFileName = 'weights.safetensors';

/** The contents of a model folder's `config.json`. */
export interface SavedModelConfig {
  /** Always `'aekit-model'`. */
  readonly format: typeof modelFormat;
  /** The layout version, `modelFormatVersion` when written by this package. */
  readonly formatVersion: number;
  /** The family that rebuilds the model, e.g. `'vae'`; the same as `config.family`. */
  readonly family: string;
  /** The shape of one example, `[inputDim]`. */
  readonly inputShape: readonly number[];
  /** The model's complete configuration (its hyper-parameters), as `model.config`. */
  readonly config: AutoencoderConfig;
  /** Versions of what wrote it: `@aekit/train`, the family's package, `@tensorflow/tfjs-core`. */
  readonly versions: Readonly<Record<string, string>>;
  /** What `weights.safetensors` holds. */
  readonly weights: {
    readonly file: typeof weightsFileName;
    readonly tensors: number;
    readonly parameters: number;
  };
}

/** A model as the two files of its folder, for download and upload in a browser. */
export interface ModelBytes {
  /** The text of `config.json`. */
  readonly config: string;
  /** The bytes of `weights.safetensors`. */
  readonly weights: Uint8Array;
}

function checkModel(functionName: string, model: unknown): TrainableModel {
  const candidate = model as Partial<TrainableModel> | null;
  const valid =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.variables === 'function' &&
    typeof candidate.config === 'object' &&
    candidate.config !== null &&
    typeof candidate.config.family === 'string' &&
    Number.isInteger(candidate.config.inputDim);
  if (!valid) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'model',
      rule: 'a model (with config.family, config.inputDim and variables()), such as an Autoencoder',
      value: model,
    });
  }
  return candidate as TrainableModel;
}

/** The model's variables as stored tensors, read from the backend, in the model's order. */
export async function readVariables(
  functionName: string,
  variables: Readonly<Record<string, Tensor>>,
  prefix = '',
): Promise<Map<string, StoredTensor>> {
  const stored = new Map<string, StoredTensor>();
  for (const [name, variable] of Object.entries(variables)) {
    if (variable.dtype !== 'float32') {
      throw new InvalidArgumentError({
        functionName,
        argument: `model.variables()['${name}']`,
        rule: 'a float32 tensor',
        value: variable,
      });
    }
    const data = (await variable.data()) as Float32Array;
    stored.set(`${prefix}${name}`, { dtype: 'F32', shape: [...variable.shape], data });
  }
  return stored;
}

/**
 * Checks that `stored` holds exactly the model's variables with their shapes (as F32), then
 * assigns them. Nothing is assigned unless everything fits.
 */
export function assignVariables(
  variables: Readonly<Record<string, Variable>>,
  stored: ReadonlyMap<string, StoredTensor>,
  describe: { functionName: string; file: string; prefix?: string; builtFrom: string },
): void {
  const prefix = describe.prefix ?? '';
  const fail = (problem: string): never => {
    throw new ModelFileError({ functionName: describe.functionName, file: describe.file, problem });
  };
  const names = Object.keys(variables);
  const missing = names.filter((name) => !stored.has(`${prefix}${name}`));
  if (missing.length > 0) {
    fail(
      `${missing.length === 1 ? 'tensor' : 'tensors'} ${missing.map((name) => `'${prefix}${name}'`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing; the model built from ${describe.builtFrom} needs ${names.length} tensors.`,
    );
  }
  for (const name of names) {
    const saved = stored.get(`${prefix}${name}`)!;
    const expected = variables[name]!.shape;
    if (saved.dtype !== 'F32') {
      fail(`tensor '${prefix}${name}' has dtype ${saved.dtype}; model weights are F32.`);
    }
    const sameShape =
      saved.shape.length === expected.length &&
      saved.shape.every((size, axis) => size === expected[axis]);
    if (!sameShape) {
      fail(
        `tensor '${prefix}${name}' has shape [${saved.shape.join(', ')}], but the model built from ${describe.builtFrom} needs [${expected.join(', ')}].`,
      );
    }
  }
  const unexpected = [...stored.keys()].filter(
    (key) => key.startsWith(prefix) && !(key.slice(prefix.length) in variables),
  );
  if (unexpected.length > 0) {
    fail(
      `holds ${unexpected.map((name) => `'${name}'`).join(', ')}, which the model built from ${describe.builtFrom} does not have.`,
    );
  }
  tidy(() => {
    for (const name of names) {
      const saved = stored.get(`${prefix}${name}`)!;
      variables[name]!.assign(tensor(saved.data, [...saved.shape], 'float32'));
    }
  });
}

/**
 * Encodes `model` as the two files of a model folder: `config.json` (family,
 * hyper-parameters, input shape, versions, format version) and `weights.safetensors`.
 */
export async function encodeModel(
  functionName: string,
  model: TrainableModel,
): Promise<ModelBytes> {
  const checked = checkModel(functionName, model);
  const variables = checked.variables();
  const tensors = await readVariables(functionName, variables);
  const config = checked.config;
  const family = findAutoencoderFamily(config.family);
  const versions: Record<string, string> = { '@aekit/train': trainVersion };
  if (family !== undefined) versions[family.packageName] = family.version;
  versions['@tensorflow/tfjs-core'] = version_core;
  const saved: SavedModelConfig = {
    format: modelFormat,
    formatVersion: modelFormatVersion,
    family: config.family,
    inputShape: [config.inputDim],
    config,
    versions,
    weights: {
      file: weightsFileName,
      tensors: tensors.size,
      parameters: [...tensors.values()].reduce((total, item) => total + item.data.length, 0),
    },
  };
  return {
    config: `${JSON.stringify(saved, null, 2)}\n`,
    weights: encodeSafetensors(tensors, { format: 'aekit', family: config.family }),
  };
}

/** `model` as `{ config, weights }`: the text of `config.json` and the bytes of `weights.safetensors`. */
export function modelToBytes(model: TrainableModel): Promise<ModelBytes> {
  return encodeModel('modelToBytes', model);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks a `config.json`; every problem is a `ModelFileError` naming `file`. */
export function parseSavedModelConfig(
  text: string | SavedModelConfig,
  functionName: string,
  file: string,
): SavedModelConfig {
  const fail = (problem: string, cause?: unknown): never => {
    throw new ModelFileError({ functionName, file, problem }, { cause });
  };
  let parsed: unknown = text;
  if (typeof text === 'string') {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      fail(`is not JSON (${(error as Error).message}).`, error);
    }
  }
  if (!isObject(parsed)) return fail('is not a JSON object.');
  if (parsed.format !== modelFormat) {
    fail(
      `is not an aekit model configuration: "format" must be "${modelFormat}", got ${JSON.stringify(parsed.format)}.`,
    );
  }
  const formatVersion = parsed.formatVersion;
  if (
    typeof formatVersion === 'number' &&
    Number.isInteger(formatVersion) &&
    formatVersion > modelFormatVersion
  ) {
    fail(
      `has format version ${formatVersion}, newer than version ${modelFormatVersion} that this @aekit/train (${trainVersion}) reads. Upgrade @aekit/train to load it.`,
    );
  }
  if (formatVersion !== modelFormatVersion) {
    fail(
      `has format version ${JSON.stringify(formatVersion)}; this @aekit/train reads version ${modelFormatVersion}.`,
    );
  }
  const family = parsed.family;
  if (typeof family !== 'string' || family === '') {
    fail(`"family" must be a non-empty string, got ${JSON.stringify(family)}.`);
  }
  const config = parsed.config;
  if (!isObject(config) || config.family !== family) {
    fail(`"config" must be an object whose "family" is "${family}".`);
  }
  const inputDim = (config as Record<string, unknown>).inputDim;
  if (typeof inputDim !== 'number' || !Number.isInteger(inputDim) || inputDim < 1) {
    fail(`"config.inputDim" must be a positive integer, got ${JSON.stringify(inputDim)}.`);
  }
  const inputShape = parsed.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length !== 1 || inputShape[0] !== inputDim) {
    fail(
      `"inputShape" ${JSON.stringify(inputShape)} disagrees with "config.inputDim" ${inputDim}: it must be [${inputDim}].`,
    );
  }
  return parsed as unknown as SavedModelConfig;
}

/**
 * Rebuilds a model from `config.json` (text or parsed) and `weights.safetensors` bytes:
 * the family's `create(config)`, then the saved weights. Errors name `configFile` or
 * `weightsFile`. The caller owns the model (free it with `dispose()`).
 */
export function decodeModel<M extends TrainableModel = Autoencoder>(
  functionName: string,
  configText: string | SavedModelConfig,
  weights: Uint8Array,
  files: { readonly config: string; readonly weights: string },
): M {
  const saved = parseSavedModelConfig(configText, functionName, files.config);
  const family = findAutoencoderFamily(saved.family);
  if (family === undefined) {
    const registered = registeredAutoencoderFamilies();
    throw new ModelFileError({
      functionName,
      file: files.config,
      problem:
        `names family '${saved.family}', which is not registered (registered: ${registered.length === 0 ? 'none' : registered.map((name) => `'${name}'`).join(', ')}). ` +
        `Import the package that provides it first (aekit's own: '@aekit/${saved.family}'); it registers itself.`,
    });
  }
  let model: TrainableModel;
  try {
    model = family.create(saved.config);
  } catch (error) {
    throw new ModelFileError(
      {
        functionName,
        file: files.config,
        problem: `does not describe a valid '${saved.family}' model: ${(error as Error).message}`,
      },
      { cause: error },
    );
  }
  try {
    const content = decodeSafetensors(weights, functionName, files.weights);
    assignVariables(model.variables(), content.tensors, {
      functionName,
      file: files.weights,
      builtFrom: configFileName,
    });
    return model as M;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Rebuilds a model from the two files of its folder, e.g. uploaded in a browser: `config` is
 * the text (or parsed object) of `config.json`, `weights` the bytes of `weights.safetensors`.
 * The model's family must be registered (import its package). The caller owns the model.
 * Every aekit family is an `Autoencoder` (the default type); a model built on one, such as a
 * stacked classifier, names its own type: `modelFromBytes<StackedClassifier>(…)`.
 */
export function modelFromBytes<M extends TrainableModel = Autoencoder>(
  config: string | SavedModelConfig,
  weights: Uint8Array | ArrayBuffer,
): M {
  if (!(weights instanceof Uint8Array) && !(weights instanceof ArrayBuffer)) {
    throw new InvalidArgumentError({
      functionName: 'modelFromBytes',
      argument: 'weights',
      rule: 'a Uint8Array or ArrayBuffer holding weights.safetensors',
      value: weights,
    });
  }
  const bytes = weights instanceof Uint8Array ? weights : new Uint8Array(weights);
  return decodeModel<M>('modelFromBytes', config, bytes, {
    config: configFileName,
    weights: weightsFileName,
  });
}
