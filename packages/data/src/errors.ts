import { AekitError } from '@aekit/core';

const dataFormatErrorMarker = Symbol.for('@aekit/data.error.data-format');

/** Where in the data a problem lies. */
export interface DataFormatDetails {
  /** The public function that was called, e.g. `'loadIdx'`. */
  readonly functionName: string;
  /** The file or input at fault: a path, a file name, or a role such as `'images'`. */
  readonly source: string;
  /** What is wrong, a complete sentence without the function name or source. */
  readonly problem: string;
  /** The sample or CSV row at fault (1-based for CSV rows, 0-based for samples), if any. */
  readonly row?: number;
  /** The CSV column at fault (its header name, or its 1-based number), if any. */
  readonly column?: string | number;
}

/**
 * A file or array is not what it claims to be: a bad magic number, a truncated or oversized
 * IDX file, labels that do not match images, a non-numeric CSV cell, a NaN in the data.
 * The message names the function, the input, and where the problem is:
 * `loadIdx: 'train-images-idx3-ubyte.gz' is truncated: …`.
 */
export class DataFormatError extends AekitError {
  readonly functionName: string;
  readonly source: string;
  readonly row: number | undefined;
  readonly column: string | number | undefined;

  constructor(details: DataFormatDetails, options?: { cause?: unknown }) {
    super(`${details.functionName}: ${details.problem}`, options);
    this.name = 'DataFormatError';
    Object.defineProperty(this, dataFormatErrorMarker, { value: true, enumerable: false });
    this.functionName = details.functionName;
    this.source = details.source;
    this.row = details.row;
    this.column = details.column;
  }

  /** True for errors made by any copy of `@aekit/data` (see `AekitError.isInstance`). */
  static override isInstance(error: unknown): error is DataFormatError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[dataFormatErrorMarker] === true
    );
  }
}

const dataNotFoundErrorMarker = Symbol.for('@aekit/data.error.data-not-found');

/**
 * A dataset's files are not where they were looked for. The message says how to get them,
 * e.g. for Fashion-MNIST: install Debian's `dataset-fashion-mnist`, or point to a folder.
 */
export class DataNotFoundError extends AekitError {
  /** The folder that was searched. */
  readonly dir: string;
  /** The files that were not found there. */
  readonly missing: readonly string[];

  constructor(details: { message: string; dir: string; missing: readonly string[] }) {
    super(details.message);
    this.name = 'DataNotFoundError';
    Object.defineProperty(this, dataNotFoundErrorMarker, { value: true, enumerable: false });
    this.dir = details.dir;
    this.missing = [...details.missing];
  }

  /** True for errors made by any copy of `@aekit/data` (see `AekitError.isInstance`). */
  static override isInstance(error: unknown): error is DataNotFoundError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[dataNotFoundErrorMarker] === true
    );
  }
}
