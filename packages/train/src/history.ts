import type { LossValues, StopReason } from './fit-options';

/** What `fit` returns: per-epoch values, plain JSON. */
export interface History {
  /** The completed epochs, from 1 (including those before a resume). */
  readonly epochs: number[];
  /** Mean training loss of each epoch, by name: `total` and every term. */
  readonly train: Record<string, number[]>;
  /** Mean validation loss of each epoch, by name, when `validation` was given. */
  readonly validation?: Record<string, number[]>;
  /** The learning rate of each epoch. */
  readonly learningRate: number[];
  /** Training throughput of each epoch, examples per second. */
  readonly samplesPerSecond: number[];
  /** Optimisation steps taken in all. */
  steps: number;
  /** Why training ended. */
  stopReason: StopReason;
  /** With early stopping: the best epoch of the monitored loss. */
  bestEpoch?: number;
}

/** The history of a run before its first epoch. */
export function emptyHistory(withValidation: boolean): History {
  return {
    epochs: [],
    train: {},
    ...(withValidation ? { validation: {} } : {}),
    learningRate: [],
    samplesPerSecond: [],
    steps: 0,
    stopReason: 'completed',
  };
}

function append(record: Record<string, number[]>, values: LossValues, epochIndex: number): void {
  for (const [name, value] of Object.entries(values)) {
    // A term that appears late reads NaN for the epochs before it.
    record[name] ??= new Array<number>(epochIndex).fill(Number.NaN);
    record[name]!.push(value);
  }
  for (const series of Object.values(record)) {
    if (series.length === epochIndex) series.push(Number.NaN);
  }
}

/** Records one finished epoch. */
export function recordEpoch(
  history: History,
  entry: {
    epoch: number;
    train: LossValues;
    validation?: LossValues;
    learningRate: number;
    samplesPerSecond: number;
  },
): void {
  const index = history.epochs.length;
  history.epochs.push(entry.epoch);
  append(history.train, entry.train, index);
  if (history.validation !== undefined && entry.validation !== undefined) {
    append(history.validation, entry.validation, index);
  }
  history.learningRate.push(entry.learningRate);
  history.samplesPerSecond.push(entry.samplesPerSecond);
}
