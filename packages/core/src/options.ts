import { InvalidArgumentError } from './errors';
import { formatValue } from './format-value';

/**
 * Checks of options objects and configs at the public boundary: an object where one is needed,
 * no key the function does not know (a typo such as `hiden` is an error, never ignored), and a
 * frozen result.
 */

const unknownOptionMarker = Symbol.for('@aekit/core.error.unknown-option');

/** What `UnknownOptionError` reports: the function, the key it does not know and the keys it does. */
export interface UnknownOptionDetails {
  /** The public function that was called, e.g. `'createVae'`. */
  readonly functionName: string;
  /** The key as the caller wrote it, with its path for a nested object: `'corruptions[0].sigma'`. */
  readonly option: string;
  /** The keys the object may have. */
  readonly known: readonly string[];
  /** The value given under the unknown key. */
  readonly value: unknown;
  /**
   * Options that were renamed, old name → new name. An old name, or a typo of one, is answered
   * with its new name: `unknown option 'hidden'; did you mean 'hiddenDims'?`.
   */
  readonly renamed?: Readonly<Record<string, string>>;
}

/**
 * An options object or config had a key the function does not know:
 * `createVae: unknown option 'hiden'; did you mean 'hidden'?`. It is an `InvalidArgumentError`
 * whose `argument` is the key, so code that handles bad arguments handles it too.
 */
export class UnknownOptionError extends InvalidArgumentError {
  /** The keys the object may have. */
  readonly known: readonly string[];
  /** The known key closest to the unknown one, when one is close enough to be a typo. */
  readonly suggestion: string | undefined;

  constructor(details: UnknownOptionDetails) {
    const { prefix, key } = splitPath(details.option);
    const renamed = details.renamed ?? {};
    const closest = closestName(key, [...details.known, ...Object.keys(renamed)]);
    const suggestion =
      closest !== undefined && !details.known.includes(closest) ? renamed[closest] : closest;
    super({
      functionName: details.functionName,
      argument: details.option,
      rule: `one of the known options (${details.known.join(', ')})`,
      value: details.value,
    });
    this.name = 'UnknownOptionError';
    Object.defineProperty(this, unknownOptionMarker, { value: true, enumerable: false });
    this.known = [...details.known];
    this.suggestion = suggestion === undefined ? undefined : `${prefix}${suggestion}`;
    this.message =
      this.suggestion === undefined
        ? `${details.functionName}: unknown option '${details.option}' (got ${formatValue(details.value)}); the options are ${details.known.join(', ')}.`
        : `${details.functionName}: unknown option '${details.option}'; did you mean '${this.suggestion}'?`;
  }

  static override isInstance(error: unknown): error is UnknownOptionError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[unknownOptionMarker] === true
    );
  }
}

function splitPath(option: string): { prefix: string; key: string } {
  const cut = Math.max(option.lastIndexOf('.'), option.lastIndexOf(']'));
  return { prefix: option.slice(0, cut + 1), key: option.slice(cut + 1) };
}

/**
 * The name in `names` nearest to `name` by edit distance (insertions, deletions, substitutions
 * and swaps of neighbours, ignoring case), when it is near enough to be a typo: at most a third
 * of the longer name's letters, and at least one. `undefined` when none is.
 */
export function closestName(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Optimal string alignment distance: Levenshtein with swaps of adjacent letters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d = new Array<number>(rows * columns).fill(0);
  for (let i = 0; i < rows; i++) d[i * columns] = i;
  for (let j = 0; j < columns; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (d[(i - 1) * columns + j] as number) + 1,
        (d[i * columns + j - 1] as number) + 1,
        (d[(i - 1) * columns + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, (d[(i - 2) * columns + j - 2] as number) + 1);
      }
      d[i * columns + j] = value;
    }
  }
  return d[rows * columns - 1] as number;
}

/**
 * Throws `UnknownOptionError` for the first key of `record` outside `known`.
 * @param prefix prepended to a key in the message, e.g. `'corruptions[0].'`.
 * @param renamed old name → new name of renamed options, so the error suggests the new name.
 */
export function checkKnownFields(
  functionName: string,
  record: Readonly<Record<string, unknown>>,
  known: readonly string[],
  prefix = '',
  renamed: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) {
      throw new UnknownOptionError({
        functionName,
        option: `${prefix}${key}`,
        known,
        value: record[key],
        renamed,
      });
    }
  }
}

/**
 * Checks an optional options object: `undefined` stands for `{}`; anything else must be a plain
 * object (not an array or `null`) whose keys are all in `known`. Returns it as a record.
 * @param argument the options' name in messages, e.g. `'options'`.
 */
export function checkOptionsObject(
  functionName: string,
  argument: string,
  value: unknown,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: `an object with some of ${known.join(', ')}, or left out`,
      value,
    });
  }
  const record = value as Readonly<Record<string, unknown>>;
  checkKnownFields(functionName, record, known);
  return record;
}

/**
 * Checks that `config` is an object for family `family` (its `family` field, when present,
 * must be `family`) with no field outside `fields`, and returns it as a record.
 * @param typeName the config's type in messages, e.g. `'AeConfig'`.
 * @param renamed old name → new name of renamed fields, so the error suggests the new name.
 */
export function checkConfigObject(
  functionName: string,
  config: unknown,
  family: string,
  typeName: string,
  fields: readonly string[],
  renamed: Readonly<Record<string, string>> = {},
): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'config',
      rule: `an object (${typeName})`,
      value: config,
    });
  }
  const record = config as Record<string, unknown>;
  if (record.family !== undefined && record.family !== family) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'family',
      rule: `'${family}'`,
      value: record.family,
    });
  }
  checkKnownFields(functionName, record, ['family', ...fields], '', renamed);
  return record;
}

/** Freezes `value` and every object and array inside it; returns `value`. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * For configs saved under older field names: a copy of the object `value` with each key of
 * `renamed` (old name → new name) given its new name, in the same place. A key whose new name
 * is present too is left as it is, so the config check reports it. Anything but a plain object
 * is returned as it is, for the config check to reject.
 */
export function renameFields(value: unknown, renamed: Readonly<Record<string, string>>): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Readonly<Record<string, unknown>>;
  const entries = Object.entries(record).map(([key, item]): [string, unknown] => {
    const next = renamed[key];
    return next !== undefined && !(next in record) ? [next, item] : [key, item];
  });
  return Object.fromEntries(entries);
}
