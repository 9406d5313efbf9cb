import { AekitError } from '@aekit/core';

function mark(error: Error, marker: symbol): void {
  Object.defineProperty(error, marker, { value: true, enumerable: false });
}

function hasMarker(error: unknown, marker: symbol): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[marker] === true
  );
}

/** Where and how a loss went bad. */
export interface NonFiniteLossDetails {
  /** The global step (from 0) whose loss was not finite; its update was not applied. */
  readonly step: number;
  /** The epoch it happened in, from 1. */
  readonly epoch: number;
  /** The first term that was not finite (`'total'` when every named term was finite). */
  readonly term: string;
  /** What it was: NaN, Infinity or -Infinity. */
  readonly value: number;
  /** The term's last finite value and its step, or undefined if it never had one. */
  readonly lastFinite?: { readonly value: number; readonly step: number };
}

const nonFiniteLossMarker = Symbol.for('@aekit/train.error.non-finite-loss');

/**
 * Training met a NaN or infinite loss. The step's update was not applied, and the last
 * checkpoint written is intact.
 */
export class NonFiniteLossError extends AekitError {
  readonly step: number;
  readonly epoch: number;
  readonly term: string;
  readonly value: number;
  readonly lastFinite: NonFiniteLossDetails['lastFinite'];

  constructor(details: NonFiniteLossDetails) {
    const last =
      details.lastFinite === undefined
        ? 'it had no finite value before'
        : `its last finite value was ${details.lastFinite.value} at step ${details.lastFinite.step}`;
    super(
      `fit: the loss term '${details.term}' became ${details.value} at step ${details.step} ` +
        `(epoch ${details.epoch}); ${last}. The step was not applied. Lower the learning rate, ` +
        'check the data for extreme values, or resume from the last checkpoint.',
    );
    this.name = 'NonFiniteLossError';
    mark(this, nonFiniteLossMarker);
    this.step = details.step;
    this.epoch = details.epoch;
    this.term = details.term;
    this.value = details.value;
    this.lastFinite = details.lastFinite;
  }

  static override isInstance(error: unknown): error is NonFiniteLossError {
    return hasMarker(error, nonFiniteLossMarker);
  }
}

const modelFileMarker = Symbol.for('@aekit/train.error.model-file');

/**
 * A model folder, checkpoint or their bytes are missing, corrupt or do not fit the model:
 * `loadModel: /models/vae/weights.safetensors: tensor 'encoder.0.W' is missing.`
 */
export class ModelFileError extends AekitError {
  /** The public function that was reading or writing. */
  readonly functionName: string;
  /** The file at fault: a path, or the file's name when reading bytes. */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: string;

  constructor(
    details: { functionName: string; file: string; problem: string },
    options?: { cause?: unknown },
  ) {
    super(`${details.functionName}: ${details.file}: ${details.problem}`, options);
    this.name = 'ModelFileError';
    mark(this, modelFileMarker);
    this.functionName = details.functionName;
    this.file = details.file;
    this.problem = details.problem;
  }

  static override isInstance(error: unknown): error is ModelFileError {
    return hasMarker(error, modelFileMarker);
  }
}
