import { type Batch, InvalidArgumentError, type TrainableModel } from '@aekit/core';
import { stack } from '@tensorflow/tfjs-core';
import type { LossValues } from './fit-options';

/** Names and numbers of one loss evaluation: `values[0]` is the total. */
export interface LossReading {
  readonly names: readonly string[];
  readonly values: Float32Array;
}

/**
 * `model.lossTerms` packed into one tensor `[total, ...terms]`, so a single read brings every
 * value back. Checks that the total and the terms are scalars.
 */
export function packLoss(model: TrainableModel, batch: Batch, step: number, training: boolean) {
  const { total, terms } = model.lossTerms(batch.x, {
    step,
    training,
    ...(batch.labels === undefined ? {} : { labels: batch.labels }),
  });
  const names = Object.keys(terms);
  if (names.includes('total')) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'model.lossTerms(...).terms',
      rule: "named terms other than 'total' (which is reserved for the sum)",
      value: names,
    });
  }
  const scalars = [total, ...names.map((name) => terms[name]!)];
  scalars.forEach((value, index) => {
    if (value?.rank !== 0) {
      throw new InvalidArgumentError({
        functionName: 'fit',
        argument: `model.lossTerms(...).${index === 0 ? 'total' : `terms.${names[index - 1]}`}`,
        rule: 'a scalar tensor',
        value,
      });
    }
  });
  return { total, names, packed: stack(scalars) };
}

/** A reading as `{ total, ...terms }`. */
export function toLossValues(reading: LossReading): LossValues {
  const values: Record<string, number> = { total: reading.values[0]! };
  reading.names.forEach((name, index) => {
    values[name] = reading.values[index + 1]!;
  });
  return values as LossValues;
}

/** Running sums of loss values weighted by batch size. */
export class LossMeans {
  private readonly sums = new Map<string, number>();
  private count = 0;

  add(reading: LossReading, batchSize: number): void {
    const names = ['total', ...reading.names];
    names.forEach((name, index) => {
      this.sums.set(name, (this.sums.get(name) ?? 0) + reading.values[index]! * batchSize);
    });
    this.count += batchSize;
  }

  means(): LossValues {
    const means: Record<string, number> = {};
    for (const [name, sum] of this.sums) means[name] = sum / this.count;
    return means as LossValues;
  }
}
