import type { JsonValue } from './autoencoder';
import {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSeed,
  type NumberRange,
} from './checks';
import { checkKnownFields, deepFreeze } from './options';

/**
 * A family's options described once, as data: the resolver fills defaults and validates from
 * it, and the command line, the demo and the benchmark read it for flags, controls and help
 * text. The order of the keys is the order options are resolved (a default may depend on an
 * option before it) and shown.
 */

/** The options resolved so far, in schema order. */
export type ResolvedSoFar = Readonly<Record<string, JsonValue>>;

/** When an option means something: `{ test: (o) => o.penalty === 'kl', description: "penalty 'kl'" }`. */
export interface OptionCondition {
  readonly test: (resolved: ResolvedSoFar) => boolean;
  /** Completes "used only with …": `"penalty 'kl'"`. */
  readonly description: string;
}

/** A range of values an interactive control offers (a slider); validation uses the spec's own bounds. */
export interface SuggestedRange {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

interface OptionBase<T extends JsonValue> {
  /** One line: what the option is and does, for `--help`, docs and tooltips. */
  readonly help: string;
  /** A short name for people, e.g. `'Target activation ρ'`. */
  readonly label?: string;
  /**
   * The default, or a function of the options resolved before it. Absent: the option is
   * required.
   */
  readonly default?: T | ((resolved: ResolvedSoFar) => T);
  /** The default for people where it is a function: `'3 with penalty kl, 0.01 with l1'`. */
  readonly defaultHelp?: string;
  /** Its name on a command line, without dashes. Default: the key in kebab case (`tiedWeights` → `tied-weights`). */
  readonly flag?: string;
  /**
   * When the option is used. It is resolved and stored either way (configs keep one shape);
   * front ends refuse or hide it where it is not used.
   */
  readonly usedWhen?: OptionCondition;
}

/** An integer within optional bounds. */
export interface IntegerOptionSpec extends OptionBase<number> {
  readonly kind: 'integer';
  readonly range?: NumberRange;
  readonly suggested?: SuggestedRange;
}

/** A finite number within optional bounds. */
export interface NumberOptionSpec extends OptionBase<number> {
  readonly kind: 'number';
  readonly range?: NumberRange;
  readonly suggested?: SuggestedRange;
}

/** One of a fixed set of words. */
export interface ChoiceOptionSpec<T extends string = string> extends OptionBase<T> {
  readonly kind: 'choice';
  readonly values: readonly T[];
  /** What each word means, for people. */
  readonly labels?: Readonly<Partial<Record<T, string>>>;
}

/** True or false. */
export interface BooleanOptionSpec extends OptionBase<boolean> {
  readonly kind: 'boolean';
}

/** A list of positive integers, e.g. hidden widths. */
export interface IntegerListOptionSpec extends OptionBase<readonly number[]> {
  readonly kind: 'integerList';
  /** Whether `[]` is allowed. Default false. */
  readonly allowEmpty?: boolean;
}

/** A 32-bit unsigned integer seed. */
export interface SeedOptionSpec extends OptionBase<number> {
  readonly kind: 'seed';
}

/**
 * Structured JSON that the family checks itself (a list of corruptions, a conditional model's
 * `{ numClasses }`): `resolve` validates the given value and returns it in its complete form.
 */
export interface JsonOptionSpec<T extends JsonValue = JsonValue> extends OptionBase<T> {
  readonly kind: 'json';
  /** Completes "must be …" in messages and says what it is in help: `'a list of corruptions'`. */
  readonly shape: string;
  readonly resolve: (
    functionName: string,
    argument: string,
    value: unknown,
    resolved: ResolvedSoFar,
  ) => T;
}

export type OptionSpec =
  | IntegerOptionSpec
  | NumberOptionSpec
  | ChoiceOptionSpec
  | BooleanOptionSpec
  | IntegerListOptionSpec
  | SeedOptionSpec
  | JsonOptionSpec;

/** A family's options by config field, in resolution order. */
export type OptionSchema = Readonly<Record<string, OptionSpec>>;

/** The value type an option spec resolves to. */
export type OptionValue<S extends OptionSpec> =
  S extends ChoiceOptionSpec<infer T>
    ? T
    : S extends BooleanOptionSpec
      ? boolean
      : S extends IntegerListOptionSpec
        ? readonly number[]
        : S extends JsonOptionSpec<infer T>
          ? T
          : number;

/** The resolved options of a schema: every field present. */
export type ResolvedOptions<S extends OptionSchema> = {
  readonly [K in keyof S]: OptionValue<S[K]>;
};

/** `integerOption({ default: 1, range: { min: 1 }, help })`: see `IntegerOptionSpec`. */
export function integerOption(spec: Omit<IntegerOptionSpec, 'kind'>): IntegerOptionSpec {
  return { kind: 'integer', ...spec };
}

/** `numberOption({ default: 0.05, range: { min: 0, max: 1, minExclusive: true, maxExclusive: true }, help })`. */
export function numberOption(spec: Omit<NumberOptionSpec, 'kind'>): NumberOptionSpec {
  return { kind: 'number', ...spec };
}

/** `choiceOption(['kl', 'l1'], { default: 'kl', help })`. */
export function choiceOption<const T extends string>(
  values: readonly T[],
  spec: Omit<ChoiceOptionSpec<T>, 'kind' | 'values'>,
): ChoiceOptionSpec<T> {
  return { kind: 'choice', values, ...spec };
}

/** `booleanOption({ default: false, help })`. */
export function booleanOption(spec: Omit<BooleanOptionSpec, 'kind'>): BooleanOptionSpec {
  return { kind: 'boolean', ...spec };
}

/** `integerListOption({ default: [], allowEmpty: true, help })`. */
export function integerListOption(
  spec: Omit<IntegerListOptionSpec, 'kind'>,
): IntegerListOptionSpec {
  return { kind: 'integerList', ...spec };
}

/** `seedOption({ default: 0, help })`. */
export function seedOption(spec: Omit<SeedOptionSpec, 'kind'>): SeedOptionSpec {
  return { kind: 'seed', ...spec };
}

/** `jsonOption({ shape: 'a list of corruptions', resolve, default, help })`. */
export function jsonOption<T extends JsonValue>(
  spec: Omit<JsonOptionSpec<T>, 'kind'>,
): JsonOptionSpec<T> {
  return { kind: 'json', ...spec };
}

/** The default of `spec` given the options before it, or `undefined` for a required option. */
export function optionDefault(spec: OptionSpec, resolved: ResolvedSoFar): JsonValue | undefined {
  const value = spec.default;
  return typeof value === 'function' ? value(resolved) : value;
}

/** `{ min: 1 }` and nothing else: such an integer is "a positive integer" in messages. */
function isPositiveRange(range: NumberRange | undefined): boolean {
  return (
    range !== undefined &&
    range.min === 1 &&
    range.max === undefined &&
    range.minExclusive !== true &&
    range.maxExclusive !== true
  );
}

/** Checks one value against its spec, naming `functionName` and `argument` in errors. */
export function checkOptionValue(
  functionName: string,
  argument: string,
  spec: OptionSpec,
  value: unknown,
  resolved: ResolvedSoFar = {},
): JsonValue {
  switch (spec.kind) {
    case 'integer':
      return isPositiveRange(spec.range)
        ? checkPositiveInteger(functionName, argument, value)
        : checkInteger(functionName, argument, value, spec.range);
    case 'number':
      return checkNumber(functionName, argument, value, spec.range);
    case 'choice':
      return checkOneOf(functionName, argument, value, spec.values);
    case 'boolean':
      return checkBoolean(functionName, argument, value);
    case 'integerList':
      return checkPositiveIntegerList(functionName, argument, value, {
        allowEmpty: spec.allowEmpty ?? false,
      });
    case 'seed':
      return checkSeed(functionName, argument, value);
    case 'json':
      return spec.resolve(functionName, argument, value, resolved);
  }
}

/**
 * Resolves `record` against `schema`: no key outside the schema (and `extraKeys`), each option
 * given or defaulted, each checked; returns the options frozen, in schema order. Throws
 * `UnknownOptionError` for an unknown key, `InvalidArgumentError` for a bad value or a required
 * option left out: `createSparseAe: 'rho' must be a finite number in (0, 1), got 1.2.`
 * @param extraKeys keys the caller handles itself (e.g. `family`), allowed but not resolved.
 * @param renamed old name → new name of renamed options, so an old name is answered with the new one.
 */
export function resolveOptions<S extends OptionSchema>(
  functionName: string,
  schema: S,
  record: Readonly<Record<string, unknown>>,
  extraKeys: readonly string[] = [],
  renamed: Readonly<Record<string, string>> = {},
): ResolvedOptions<S> {
  checkKnownFields(functionName, record, [...extraKeys, ...Object.keys(schema)], '', renamed);
  const resolved: Record<string, JsonValue> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const value = record[key] === undefined ? optionDefault(spec, resolved) : record[key];
    // A required option left out fails its own check: `'latentDim' must be a positive integer, got undefined.`
    resolved[key] = checkOptionValue(functionName, key, spec, value, resolved);
  }
  return deepFreeze(resolved) as ResolvedOptions<S>;
}

/** The option's name on a command line, with dashes: `--tied-weights`, or its `flag`. */
export function optionFlag(key: string, spec: OptionSpec): string {
  return `--${spec.flag ?? key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** The default for people: `'0.05'`, `'[]'`, its `defaultHelp`, or `undefined` when required. */
export function describeDefault(spec: OptionSpec): string | undefined {
  if (spec.defaultHelp !== undefined) return spec.defaultHelp;
  const value = spec.default;
  if (value === undefined || typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** What values an option takes, for people: `'an integer ≥ 1'`, `"one of 'kl', 'l1'"`. */
export function describeOption(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'choice':
      return `one of ${spec.values.map((value) => `'${value}'`).join(', ')}`;
    case 'boolean':
      return 'true or false';
    case 'integerList':
      return 'a list of positive integers';
    case 'seed':
      return 'a seed, an integer in [0, 2³²)';
    case 'json':
      return spec.shape;
  }
}
