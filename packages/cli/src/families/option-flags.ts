import {
  checkOptionValue,
  describeDefault,
  InvalidArgumentError,
  type JsonValue,
  type OptionSchema,
  type OptionSpec,
  optionFlag,
  type ResolvedSoFar,
} from '@aekit/core';
import type { FamilyOption } from '../family-contract';
import { commandName, flagKey, parseFlagText } from '../flags';

/**
 * A family's options as `aekit train` flags, read from the option schema its package exports:
 * the flag's name, help, default and choices come from the schema, never restated here. Options
 * of kind `json` (structured values) have no generic flag: a family's adapter maps its own flags
 * to them. `skip` names the fields the command sets from its common flags and the data
 * (`inputDim`, `latentDim`, `hiddenDims`, `seed`).
 */

function flagSyntax(key: string, spec: OptionSpec): string {
  const flag = optionFlag(key, spec);
  switch (spec.kind) {
    case 'boolean':
      return flag;
    case 'choice':
      return `${flag} <name>`;
    case 'integerList':
      return `${flag} <list>`;
    case 'integer':
    case 'seed':
      return `${flag} <n>`;
    default:
      return `${flag} <number>`;
  }
}

function withCondition(spec: OptionSpec): string {
  return spec.usedWhen === undefined
    ? spec.help
    : `${spec.help} (only with ${spec.usedWhen.description})`;
}

/** The flags of `schema` but the fields in `skip` and structured (`json`) options. */
export function optionFlags(schema: OptionSchema, skip: readonly string[] = []): FamilyOption[] {
  const flags: FamilyOption[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    if (skip.includes(key) || spec.kind === 'json') continue;
    const defaultText = spec.kind === 'boolean' ? undefined : describeDefault(spec);
    flags.push({
      flags: flagSyntax(key, spec),
      description: withCondition(spec),
      ...(defaultText === undefined ? {} : { defaultText }),
      ...(spec.kind === 'choice' ? { choices: spec.values } : {}),
    });
  }
  return flags;
}

/**
 * The config fields the flags in `values` (commander's values, keyed by camelCase flag) give,
 * converted and checked against the schema; fields whose flag was not given are left out, so
 * the family's resolver fills their defaults. Errors name the flag:
 * `aekit train: '--rho' must be a finite number in (0, 1), got 2.`
 */
export function parseOptionFlags(
  command: string,
  schema: OptionSchema,
  values: Readonly<Record<string, unknown>>,
  skip: readonly string[] = [],
): Record<string, JsonValue> {
  const settings: Record<string, JsonValue> = {};
  for (const [key, spec] of Object.entries(schema)) {
    if (skip.includes(key) || spec.kind === 'json') continue;
    const flag = optionFlag(key, spec);
    const raw = values[flagKey(flag)];
    if (raw === undefined) continue;
    try {
      settings[key] = checkOptionValue(commandName(command), flag, spec, parseFlagText(spec, raw));
    } catch (error) {
      // A list is reported as typed (`"8,0"`), not as the half-converted list.
      if (spec.kind === 'integerList') checkOptionValue(commandName(command), flag, spec, raw);
      throw error;
    }
  }
  return settings;
}

/**
 * Refuses a flag that was given where its option is not used, once the config is resolved:
 * `aekit train: '--rho' must be left out unless penalty 'kl', got "0.1".`
 */
export function checkFlagsUsed(
  command: string,
  schema: OptionSchema,
  values: Readonly<Record<string, unknown>>,
  resolved: ResolvedSoFar,
): void {
  for (const [key, spec] of Object.entries(schema)) {
    if (spec.usedWhen === undefined || spec.usedWhen.test(resolved)) continue;
    const flag = optionFlag(key, spec);
    const raw = values[flagKey(flag)];
    if (raw === undefined) continue;
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: flag,
      rule: `left out unless ${spec.usedWhen.description}`,
      value: raw,
    });
  }
}

/**
 * Runs a family's resolver (given the function name to use in its errors) and restates an error
 * about one of the schema's options in terms of its flag: `createSparseAe`'s `'loss' must be …`
 * becomes `aekit train: '--loss' must be …`. Other errors pass through as they are.
 */
export function resolveWithFlags<T>(
  command: string,
  schema: OptionSchema,
  resolve: (functionName: string) => T,
): T {
  try {
    return resolve(commandName(command));
  } catch (error) {
    const spec = InvalidArgumentError.isInstance(error) ? schema[error.argument] : undefined;
    if (spec === undefined || !InvalidArgumentError.isInstance(error)) throw error;
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: optionFlag(error.argument, spec),
      rule: error.rule,
      value: error.value,
    });
  }
}

/**
 * The resolved values of the schema's options but those in `skip`, left out where an option is
 * not used (`rho` with the L1 penalty): what a run records as the family's settings.
 */
export function usedOptions(
  schema: OptionSchema,
  resolved: ResolvedSoFar,
  skip: readonly string[] = [],
): Record<string, JsonValue> {
  const used: Record<string, JsonValue> = {};
  for (const [key, spec] of Object.entries(schema)) {
    if (skip.includes(key) || resolved[key] === undefined) continue;
    if (spec.usedWhen !== undefined && !spec.usedWhen.test(resolved)) continue;
    used[key] = resolved[key] as JsonValue;
  }
  return used;
}
