import {
  checkKnownFields,
  checkNumber,
  checkPositiveInteger,
  InvalidArgumentError,
} from '@aekit/core';

/**
 * How the learning rate changes over training. The rate is set at the start of each epoch
 * from the initial rate lr₀ and the epoch index e = 0, 1, … (of E epochs in all):
 * - `step`: lr₀ · factor^⌊e / everyEpochs⌋
 * - `exponential`: lr₀ · factor^e
 * - `cosine`: min + ½ (lr₀ − min) (1 + cos(π e / E)), from lr₀ down towards `minLearningRate`
 */
export type LearningRateSchedule =
  | { readonly type: 'step'; readonly everyEpochs: number; readonly factor: number }
  | { readonly type: 'exponential'; readonly factor: number }
  | { readonly type: 'cosine'; readonly minLearningRate?: number };

/** Checks a schedule; returns it with defaults filled in. */
export function checkSchedule(
  functionName: string,
  argument: string,
  value: unknown,
): LearningRateSchedule {
  const schedule = value as Partial<Record<string, unknown>> | null;
  const type = typeof schedule === 'object' && schedule !== null ? schedule.type : undefined;
  const known = (names: readonly string[]): void => {
    // The key's path below the options: `schedule.factr`.
    const path = argument.startsWith('options.') ? argument.slice('options.'.length) : argument;
    checkKnownFields(functionName, schedule!, ['type', ...names], `${path}.`);
  };
  switch (type) {
    case 'step':
      known(['everyEpochs', 'factor']);
      return {
        type,
        everyEpochs: checkPositiveInteger(
          functionName,
          `${argument}.everyEpochs`,
          schedule!.everyEpochs,
        ),
        factor: checkNumber(functionName, `${argument}.factor`, schedule!.factor, {
          min: 0,
          minExclusive: true,
        }),
      };
    case 'exponential':
      known(['factor']);
      return {
        type,
        factor: checkNumber(functionName, `${argument}.factor`, schedule!.factor, {
          min: 0,
          minExclusive: true,
        }),
      };
    case 'cosine':
      known(['minLearningRate']);
      return {
        type,
        minLearningRate: checkNumber(
          functionName,
          `${argument}.minLearningRate`,
          schedule!.minLearningRate ?? 0,
          { min: 0 },
        ),
      };
    default:
      throw new InvalidArgumentError({
        functionName,
        argument,
        rule: "{ type: 'step', everyEpochs, factor }, { type: 'exponential', factor } or { type: 'cosine', minLearningRate? }",
        value,
      });
  }
}

/** The learning rate of epoch `epoch` (from 0) of `epochs`, starting from `initial`. */
export function scheduledLearningRate(
  schedule: LearningRateSchedule | undefined,
  initial: number,
  epoch: number,
  epochs: number,
): number {
  if (schedule === undefined) return initial;
  switch (schedule.type) {
    case 'step':
      return initial * schedule.factor ** Math.floor(epoch / schedule.everyEpochs);
    case 'exponential':
      return initial * schedule.factor ** epoch;
    case 'cosine': {
      const minimum = schedule.minLearningRate ?? 0;
      return minimum + 0.5 * (initial - minimum) * (1 + Math.cos((Math.PI * epoch) / epochs));
    }
  }
}
