import { DataFormatError } from './errors';

/**
 * The IDX format (the MNIST family's): two zero bytes, a type code, the number of dimensions,
 * one big-endian 32-bit size per dimension, then the values, big-endian, row-major.
 */

/** The element types of IDX, named as aekit names dtypes. */
export type IdxDataType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array that holds each IDX element type. */
export type IdxTypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

/** A decoded IDX file: its values, row-major, with their shape and type. */
export interface IdxArray {
  readonly dtype: IdxDataType;
  readonly shape: readonly number[];
  readonly data: IdxTypedArray;
}

interface ElementType {
  readonly code: number;
  /** The format's own name, used in messages. */
  readonly idxName: string;
  readonly dtype: IdxDataType;
  readonly bytes: number;
}

const elementTypes: readonly ElementType[] = [
  { code: 0x08, idxName: 'ubyte', dtype: 'uint8', bytes: 1 },
  { code: 0x09, idxName: 'byte', dtype: 'int8', bytes: 1 },
  { code: 0x0b, idxName: 'short', dtype: 'int16', bytes: 2 },
  { code: 0x0c, idxName: 'int', dtype: 'int32', bytes: 4 },
  { code: 0x0d, idxName: 'float', dtype: 'float32', bytes: 4 },
  { code: 0x0e, idxName: 'double', dtype: 'float64', bytes: 8 },
];

/** Decompresses gzip data, throwing on anything that is not a complete gzip stream. */
export type Gunzip = (bytes: Uint8Array) => Uint8Array;

/** What an input is called in messages, and what the decoder may do with its bytes. */
export interface InputContext {
  /** The public function that was called. */
  readonly functionName: string;
  /** How messages name the input: `'train-images-idx3-ubyte.gz'` or `the images data`. */
  readonly label: string;
  /** The file name, when the input has one (a `.gz` name must hold gzip data). */
  readonly fileName: string | undefined;
  /** True when nothing else holds these bytes, so decoded data may share their memory. */
  readonly owned: boolean;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function leadingBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  return `it starts with ${Array.from(bytes.subarray(0, 4), hex).join(' ')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The bytes themselves, or their decompression when they start with the gzip signature
 * (`0x1f 0x8b`). A file named `.gz` that does not start with it is an error.
 */
export function gunzipIfCompressed(
  bytes: Uint8Array,
  context: InputContext,
  gunzip: Gunzip,
): { bytes: Uint8Array; owned: boolean } {
  const fail = (problem: string, cause?: unknown) =>
    new DataFormatError(
      { functionName: context.functionName, source: context.label, problem },
      cause === undefined ? undefined : { cause },
    );
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return { bytes: gunzip(bytes), owned: true };
    } catch (error) {
      throw fail(
        `${context.label} starts with the gzip signature 0x1f 0x8b but is not valid gzip data: the compressed stream is corrupt or truncated.`,
        error,
      );
    }
  }
  if (context.fileName?.toLowerCase().endsWith('.gz')) {
    throw fail(
      `${context.label} is named .gz but is not gzip data: ${leadingBytes(bytes)}, and gzip data starts with 0x1f 0x8b.`,
    );
  }
  return { bytes, owned: context.owned };
}

function readValues(
  bytes: Uint8Array,
  offset: number,
  count: number,
  type: ElementType,
  owned: boolean,
): IdxTypedArray {
  const { buffer, byteOffset } = bytes;
  if (type.bytes === 1) {
    // One-byte values need no byte swapping: share the memory when nobody else holds it.
    const view =
      type.dtype === 'uint8'
        ? new Uint8Array(buffer, byteOffset + offset, count)
        : new Int8Array(buffer, byteOffset + offset, count);
    return owned ? view : view.slice();
  }
  const data = new DataView(buffer, byteOffset + offset, count * type.bytes);
  switch (type.dtype) {
    case 'int16': {
      const values = new Int16Array(count);
      for (let index = 0; index < count; index += 1) values[index] = data.getInt16(index * 2);
      return values;
    }
    case 'int32': {
      const values = new Int32Array(count);
      for (let index = 0; index < count; index += 1) values[index] = data.getInt32(index * 4);
      return values;
    }
    case 'float32': {
      const values = new Float32Array(count);
      for (let index = 0; index < count; index += 1) values[index] = data.getFloat32(index * 4);
      return values;
    }
    default: {
      const values = new Float64Array(count);
      for (let index = 0; index < count; index += 1) values[index] = data.getFloat64(index * 8);
      return values;
    }
  }
}

/** The first non-finite value of float data, as "NaN in sample 3 (value 12 of the sample)". */
function checkFinite(array: IdxArray, context: InputContext): void {
  if (array.dtype !== 'float32' && array.dtype !== 'float64') return;
  const { data, shape } = array;
  const perSample = shape.slice(1).reduce((product, size) => product * size, 1);
  for (let index = 0; index < data.length; index += 1) {
    const value = data[index]!;
    if (!Number.isFinite(value)) {
      const sample = Math.floor(index / perSample);
      const where =
        shape.length === 1
          ? `at index ${sample}`
          : `in sample ${sample} (value ${index - sample * perSample} of the sample, counting from 0)`;
      throw new DataFormatError({
        functionName: context.functionName,
        source: context.label,
        row: sample,
        problem: `${context.label} holds ${value} ${where}; IDX data must be finite.`,
      });
    }
  }
}

/**
 * Decodes IDX bytes (gzipped or not), checking the magic number and that the bytes present
 * are exactly what the header declares.
 */
export function decodeIdx(raw: Uint8Array, context: InputContext, gunzip: Gunzip): IdxArray {
  const { bytes, owned } = gunzipIfCompressed(raw, context, gunzip);
  const { label } = context;
  const fail = (problem: string) =>
    new DataFormatError({ functionName: context.functionName, source: label, problem });
  if (bytes.length < 4) {
    throw fail(
      `${label} is truncated: it has ${plural(bytes.length, 'byte')}, fewer than the 4 bytes of an IDX magic number.`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(
      `${label} is not an IDX file: ${leadingBytes(bytes)}, and an IDX file starts with 0x00 0x00, a type code and the number of dimensions.`,
    );
  }
  const type = elementTypes.find((candidate) => candidate.code === bytes[2]);
  if (type === undefined) {
    const known = elementTypes.map((item) => `${hex(item.code)} (${item.idxName})`).join(', ');
    throw fail(
      `${label} is not an IDX file: its type code is ${hex(bytes[2]!)}, and IDX type codes are ${known}.`,
    );
  }
  const rank = bytes[3]!;
  if (rank === 0) {
    throw fail(`${label} declares 0 dimensions; an IDX file has at least 1.`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw fail(
      `${label} is truncated: its header declares ${plural(rank, 'dimension')} and so takes ${headerBytes} bytes, but the file has ${bytes.length}.`,
    );
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const shape = Array.from({ length: rank }, (_, axis) => header.getUint32(4 + 4 * axis));
  const count = shape.reduce((product, size) => product * size, 1);
  const dataBytes = count * type.bytes;
  const present = bytes.length - headerBytes;
  const declared = `shape [${shape.join(', ')}] of ${type.idxName}`;
  if (present < dataBytes) {
    throw fail(
      `${label} is truncated: its header declares ${declared}, ${plural(dataBytes, 'byte')} of data, but only ${plural(present, 'byte')} ${present === 1 ? 'follows' : 'follow'} the ${headerBytes}-byte header.`,
    );
  }
  if (present > dataBytes) {
    throw fail(
      `${label} is longer than its header declares: ${declared} takes ${plural(dataBytes, 'byte')} of data, but ${plural(present, 'byte')} follow the ${headerBytes}-byte header (${present - dataBytes} too many).`,
    );
  }
  const array: IdxArray = {
    dtype: type.dtype,
    shape,
    data: readValues(bytes, headerBytes, count, type, owned),
  };
  checkFinite(array, context);
  return array;
}
