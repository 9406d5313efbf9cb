import { formatValue } from './format-value';

const aekitErrorMarker = Symbol.for('@aekit/core.error');

/**
 * Base class of every error aekit throws on purpose.
 *
 * `AekitError.isInstance(e)` is true for errors made by any copy of `@aekit/core` (two installed
 * versions, or an ESM and a CJS copy), where `instanceof` would be false: the check reads a
 * marker registered with `Symbol.for`, which is shared by every copy in the process.
 */
export class AekitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AekitError';
    mark(this, aekitErrorMarker);
  }

  static isInstance(error: unknown): error is AekitError {
    return hasMarker(error, aekitErrorMarker);
  }
}

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

/** What an argument check found wrong: who was called, with which argument, breaking which rule. */
export interface InvalidArgumentDetails {
  /** The public function that was called, e.g. `'createVae'`. */
  readonly functionName: string;
  /** The argument (or config field) at fault, e.g. `'latentDim'`. */
  readonly argument: string;
  /** What the value must be, completing "must be …", e.g. `'a positive integer'`. */
  readonly rule: string;
  /** The value that was given. */
  readonly value: unknown;
  /** What to do about it, when there is something better to say than the rule. */
  readonly hint?: string;
}

function describeInvalidArgument(details: InvalidArgumentDetails): string {
  const message = `${details.functionName}: '${details.argument}' must be ${details.rule}, got ${formatValue(details.value)}.`;
  return details.hint === undefined ? message : `${message} ${details.hint}`;
}

const invalidArgumentMarker = Symbol.for('@aekit/core.error.invalid-argument');

/** An argument or config field broke a documented rule: `createVae: 'latentDim' must be a positive integer, got 0.` */
export class InvalidArgumentError extends AekitError {
  readonly functionName: string;
  readonly argument: string;
  readonly rule: string;
  readonly value: unknown;

  constructor(details: InvalidArgumentDetails, options?: { cause?: unknown }) {
    super(describeInvalidArgument(details), options);
    this.name = 'InvalidArgumentError';
    mark(this, invalidArgumentMarker);
    this.functionName = details.functionName;
    this.argument = details.argument;
    this.rule = details.rule;
    this.value = details.value;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return hasMarker(error, invalidArgumentMarker);
  }
}

/** A shape, written with `null` for "any size": `[null, 784]`. */
export type ShapePattern = readonly (number | null)[];

export interface ShapeMismatchDetails {
  readonly functionName: string;
  readonly argument: string;
  /** The shape the argument must have, or a sentence saying how it relates to another argument. */
  readonly expected: ShapePattern | string;
  readonly actual: readonly number[];
  readonly hint?: string;
}

function formatShapePattern(shape: ShapePattern): string {
  return `[${shape.map((size) => (size === null ? '*' : String(size))).join(', ')}]`;
}

const shapeMismatchMarker = Symbol.for('@aekit/core.error.shape-mismatch');

/** A tensor's shape does not fit: `encode: 'x' must have shape [*, 784], got [32, 100].` */
export class ShapeMismatchError extends AekitError {
  readonly functionName: string;
  readonly argument: string;
  readonly expected: ShapePattern | string;
  readonly actual: readonly number[];

  constructor(details: ShapeMismatchDetails) {
    const expected =
      typeof details.expected === 'string'
        ? details.expected
        : `shape ${formatShapePattern(details.expected)}`;
    const message = `${details.functionName}: '${details.argument}' must have ${expected}, got [${details.actual.join(', ')}].`;
    super(details.hint === undefined ? message : `${message} ${details.hint}`);
    this.name = 'ShapeMismatchError';
    mark(this, shapeMismatchMarker);
    this.functionName = details.functionName;
    this.argument = details.argument;
    this.expected = details.expected;
    this.actual = [...details.actual];
  }

  static override isInstance(error: unknown): error is ShapeMismatchError {
    return hasMarker(error, shapeMismatchMarker);
  }
}

const unsupportedKernelMarker = Symbol.for('@aekit/core.error.unsupported-kernel');

/**
 * The active backend lacks kernels an operation needs, e.g. `DepthwiseConv2dNativeBackpropFilter` on `wasm`.
 * Raised before any work starts, so nothing fails halfway through training.
 */
export class UnsupportedKernelError extends AekitError {
  readonly backend: string;
  readonly kernels: readonly string[];

  constructor(details: { backend: string; kernels: readonly string[]; hint?: string }) {
    const list = details.kernels.join(', ');
    const noun = details.kernels.length === 1 ? 'kernel' : 'kernels';
    const message = `The '${details.backend}' backend has no ${noun} ${list}.`;
    super(details.hint === undefined ? message : `${message} ${details.hint}`);
    this.name = 'UnsupportedKernelError';
    mark(this, unsupportedKernelMarker);
    this.backend = details.backend;
    this.kernels = [...details.kernels];
  }

  static override isInstance(error: unknown): error is UnsupportedKernelError {
    return hasMarker(error, unsupportedKernelMarker);
  }
}
