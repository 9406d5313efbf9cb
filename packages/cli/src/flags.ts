import {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  type NumberRange,
  type OptionSpec,
} from '@aekit/core';

/**
 * Command-line values arrive as strings. These helpers turn them into numbers and check them
 * with the core checks, so a bad flag reads like every other aekit error:
 * `aekit train: '--latent' must be a positive integer, got 0.`
 *
 * `command` is the command's name (`'train'`), `flag` the long flag (`'--latent'`).
 */

const numberText = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number a flag's text spells, or the text itself when it spells none (for the error). */
function asNumber(raw: unknown): unknown {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && numberText.test(raw.trim())) return Number(raw.trim());
  return raw;
}

/** The name errors give a command: `aekit train`. */
export function commandName(command: string): string {
  return `aekit ${command}`;
}

/** An integer flag, e.g. `--epochs 10`, within `range`. */
export function integerFlag(
  command: string,
  flag: string,
  raw: unknown,
  range: NumberRange = {},
): number {
  return checkInteger(commandName(command), flag, asNumber(raw), range);
}

/** A positive integer flag, e.g. `--latent 20`. */
export function positiveIntegerFlag(command: string, flag: string, raw: unknown): number {
  return checkPositiveInteger(commandName(command), flag, asNumber(raw));
}

/** A finite number flag, e.g. `--lr 1e-3`, within `range`. */
export function numberFlag(
  command: string,
  flag: string,
  raw: unknown,
  range: NumberRange = {},
): number {
  return checkNumber(commandName(command), flag, asNumber(raw), range);
}

/** A comma-separated list of positive integers, e.g. `--hidden 400,200`. */
export function integerListFlag(command: string, flag: string, raw: unknown): number[] {
  if (typeof raw !== 'string') return checkPositiveIntegerList(commandName(command), flag, raw);
  const items = raw.split(',').map((item) => asNumber(item));
  try {
    return checkPositiveIntegerList(commandName(command), flag, items);
  } catch {
    // Report the text as typed, not the half-converted list.
    return checkPositiveIntegerList(commandName(command), flag, raw);
  }
}

/** One of a fixed set of words, e.g. `--likelihood bernoulli`. */
export function choiceFlag<const T extends string>(
  command: string,
  flag: string,
  raw: unknown,
  choices: readonly T[],
): T {
  return checkOneOf(commandName(command), flag, raw, choices);
}

/** A switch such as `--conditional`: true when given. */
export function booleanFlag(raw: unknown): boolean {
  return raw === true;
}

/** The key commander stores a flag's value under: `--salt-pepper <rate>` → `saltPepper`. */
export function flagKey(flags: string): string {
  return flags
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * A flag's text as the value its option schema entry checks: a number for numeric options, a
 * list of numbers for `400,200`, `true` for a switch, the word for a choice. Text that spells
 * no such value is returned as typed, so the check's error shows it.
 */
export function parseFlagText(spec: OptionSpec, raw: unknown): unknown {
  switch (spec.kind) {
    case 'integer':
    case 'number':
    case 'seed':
      return asNumber(raw);
    case 'integerList': {
      if (typeof raw !== 'string') return raw;
      const items = raw.split(',').map((item) => asNumber(item));
      return items.every((item) => typeof item === 'number') ? items : raw;
    }
    case 'boolean':
      return raw === true;
    default:
      return raw;
  }
}
