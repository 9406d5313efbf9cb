import {
  checkKnownFields,
  checkNumber,
  checkOneOf,
  InvalidArgumentError,
} from '@aekit/core/options';

/**
 * Masking noise: each input is set to 0 with probability `rate` (ν), independently, and kept
 * unchanged otherwise (no rescaling) — dropout between the input and the first layer.
 */
export interface MaskingCorruption {
  readonly type: 'masking';
  /** ν, the probability that an input is zeroed, in [0, 1). */
  readonly rate: number;
}

/** Additive Gaussian noise x̃ = x + σ ε, ε ~ N(0, 1), optionally clipped to the data range. */
export interface GaussianCorruption {
  readonly type: 'gaussian';
  /** σ > 0. */
  readonly std: number;
  /** `[low, high]` to clip x̃ to (e.g. `[0, 1]` for pixel intensities), or null. Default null. */
  readonly clip?: readonly [number, number] | null;
}

/**
 * Salt-and-pepper noise: each input is replaced with probability `rate`, by `low` (pepper) or
 * `high` (salt) with equal probability, and kept otherwise.
 */
export interface SaltAndPepperCorruption {
  readonly type: 'salt-and-pepper';
  /** The probability that an input is replaced, in [0, 1]. */
  readonly rate: number;
  /** The pepper value. Default 0. */
  readonly low?: number;
  /** The salt value. Default 1. */
  readonly high?: number;
}

/** One corruption of the input; several compose, applied in order. */
export type Corruption = MaskingCorruption | GaussianCorruption | SaltAndPepperCorruption;

/** A `Corruption` with every field set: plain JSON. */
export type ResolvedCorruption =
  | { readonly type: 'masking'; readonly rate: number }
  | {
      readonly type: 'gaussian';
      readonly std: number;
      readonly clip: readonly [number, number] | null;
    }
  | {
      readonly type: 'salt-and-pepper';
      readonly rate: number;
      readonly low: number;
      readonly high: number;
    };

/** The corruption types, by name. */
export const corruptionTypes = ['masking', 'gaussian', 'salt-and-pepper'] as const;

/** What each corruption type is called, for people (a picker's entries). */
export const corruptionLabels: Readonly<Record<(typeof corruptionTypes)[number], string>> = {
  masking: 'Masking',
  gaussian: 'Gaussian',
  'salt-and-pepper': 'Salt and pepper',
};

function checkClip(
  functionName: string,
  argument: string,
  value: unknown,
): [number, number] | null {
  if (value === null || value === undefined) return null;
  const valid =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((bound) => typeof bound === 'number' && Number.isFinite(bound)) &&
    (value[0] as number) < (value[1] as number);
  if (!valid) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'null or [low, high], two finite numbers with low < high',
      value,
    });
  }
  return [value[0] as number, value[1] as number];
}

/**
 * Checks a list of corruptions and fills their defaults. Errors name the entry, e.g.
 * `createDenoisingAe: 'corruptions[0].rate' must be a finite number in [0, 1), got 1.`
 */
export function resolveCorruptions(
  functionName: string,
  value: unknown,
  argument = 'corruptions',
): ResolvedCorruption[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: "a non-empty array of corruptions ({ type: 'masking' | 'gaussian' | 'salt-and-pepper', … })",
      value,
    });
  }
  return value.map((item: unknown, index) =>
    resolveCorruption(functionName, `${argument}[${index}]`, item),
  );
}

function resolveCorruption(
  functionName: string,
  prefix: string,
  item: unknown,
): ResolvedCorruption {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new InvalidArgumentError({
      functionName,
      argument: prefix,
      rule: 'an object { type, … }',
      value: item,
    });
  }
  const record = item as Record<string, unknown>;
  const type = checkOneOf(functionName, `${prefix}.type`, record.type, corruptionTypes);
  switch (type) {
    case 'masking':
      checkKnownFields(functionName, record, ['type', 'rate'], `${prefix}.`);
      return {
        type,
        rate: checkNumber(functionName, `${prefix}.rate`, record.rate, {
          min: 0,
          max: 1,
          maxExclusive: true,
        }),
      };
    case 'gaussian':
      checkKnownFields(functionName, record, ['type', 'std', 'clip'], `${prefix}.`);
      return {
        type,
        std: checkNumber(functionName, `${prefix}.std`, record.std, {
          min: 0,
          minExclusive: true,
        }),
        clip: checkClip(functionName, `${prefix}.clip`, record.clip),
      };
    case 'salt-and-pepper':
      checkKnownFields(functionName, record, ['type', 'rate', 'low', 'high'], `${prefix}.`);
      return {
        type,
        rate: checkNumber(functionName, `${prefix}.rate`, record.rate, { min: 0, max: 1 }),
        low: checkNumber(functionName, `${prefix}.low`, record.low ?? 0),
        high: checkNumber(functionName, `${prefix}.high`, record.high ?? 1),
      };
  }
}
