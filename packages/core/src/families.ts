import type { AutoencoderConfig, TrainableModel } from './autoencoder';
import { InvalidArgumentError } from './errors';
import type { OptionSchema } from './option-schema';

/**
 * What a family package registers so that a saved model of its kind can be rebuilt: the
 * loader reads `config.json`, finds the family by `config.family`, calls `create(config)` and
 * then overwrites the new model's variables with the saved weights.
 */
export interface AutoencoderFamily<Config extends AutoencoderConfig = AutoencoderConfig> {
  /** The `config.family` this family builds, e.g. `'vae'`. */
  readonly name: string;
  /** The npm package that provides it, e.g. `'@aekit/vae'`: named in errors and `config.json`. */
  readonly packageName: string;
  /** That package's version, recorded in `config.json`. */
  readonly version: string;
  /** What it is called in titles: `'Sparse autoencoder'`. */
  readonly title?: string;
  /** One line: what it is, for `--help` and pickers. */
  readonly summary?: string;
  /**
   * Its options, described once (defaults, rules, help): the family's resolver reads them, and
   * so do front ends (the command's flags, the demo's controls) instead of restating them.
   */
  readonly options?: OptionSchema;
  /**
   * Builds a model from a complete, saved `config`, validating it (throwing
   * `InvalidArgumentError` for a bad one). Its initial weights are overwritten by the loader.
   */
  create(config: Config): TrainableModel<Config>;
}

/**
 * What a family says about itself without building a model: its `config.family`, what it is
 * called, one line on what it is, and its options. Each family package exports its own from a
 * `./options` entry that loads no TensorFlow.js, so a page can draw its controls while a worker
 * trains; the registered `AutoencoderFamily` carries the same fields.
 */
export interface AutoencoderFamilyDescription<Options extends OptionSchema = OptionSchema> {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly options: Options;
}

const registryKey = Symbol.for('@aekit/core.autoencoder-families');

/** One registry per process, shared by every copy of @aekit/core (ESM and CJS, two versions). */
function registry(): Map<string, AutoencoderFamily> {
  const holder = globalThis as { [registryKey]?: Map<string, AutoencoderFamily> };
  holder[registryKey] ??= new Map();
  return holder[registryKey];
}

/**
 * Registers a family so models of its kind can be loaded. A family package calls it once when
 * it is imported. Registering a name again replaces the earlier entry (an ESM and a CommonJS
 * copy of one package both register).
 */
export function registerAutoencoderFamily<Config extends AutoencoderConfig>(
  family: AutoencoderFamily<Config>,
): void {
  const valid =
    typeof family === 'object' &&
    family !== null &&
    typeof family.name === 'string' &&
    family.name !== '' &&
    typeof family.packageName === 'string' &&
    typeof family.version === 'string' &&
    typeof family.create === 'function';
  if (!valid) {
    throw new InvalidArgumentError({
      functionName: 'registerAutoencoderFamily',
      argument: 'family',
      rule: 'an object { name, packageName, version, create(config) } with a non-empty name',
      value: family,
    });
  }
  registry().set(family.name, family as unknown as AutoencoderFamily);
}

/** The family registered under `name`, or undefined. */
export function findAutoencoderFamily(name: string): AutoencoderFamily | undefined {
  return registry().get(name);
}

/** The names of the registered families, sorted. */
export function registeredAutoencoderFamilies(): string[] {
  return [...registry().keys()].sort();
}
