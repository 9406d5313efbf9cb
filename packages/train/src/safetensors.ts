import { ModelFileError } from './errors';

/**
 * The safetensors layout (https://github.com/huggingface/safetensors):
 *
 *   8 bytes    N, the header length, unsigned 64-bit little-endian
 *   N bytes    a UTF-8 JSON object: for each tensor `name: { dtype, shape, data_offsets: [begin, end] }`,
 *              offsets relative to the start of the data; optionally `"__metadata__"`, a
 *              string-to-string map. Writers may pad the header with spaces.
 *   the rest   the tensors' raw little-endian bytes, covered exactly by the offsets (no holes).
 *
 * aekit writes F32 (model weights, optimiser moments) and I32 (counters), and pads the header
 * to a multiple of 8 bytes so the data is aligned.
 */

/** The element types aekit reads and writes, by their safetensors names. */
export type SafetensorsDtype = 'F32' | 'I32';

/** One tensor's values as stored: row-major, with its shape. */
export interface StoredTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** What a safetensors file holds: tensors in file order, and the string metadata. */
export interface SafetensorsContent {
  readonly tensors: ReadonlyMap<string, StoredTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The element's little-endian bytes, copied. */
function toLittleEndianBytes(data: Float32Array | Int32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  data.forEach((value, index) => {
    if (data instanceof Float32Array) view.setFloat32(index * 4, value, true);
    else view.setInt32(index * 4, value, true);
  });
  return bytes;
}

function fromLittleEndianBytes(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
): Float32Array | Int32Array {
  const count = bytes.byteLength / 4;
  if (littleEndian) {
    const copy = bytes.slice().buffer;
    return dtype === 'F32' ? new Float32Array(copy) : new Int32Array(copy);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = dtype === 'F32' ? new Float32Array(count) : new Int32Array(count);
  for (let index = 0; index < count; index += 1) {
    values[index] =
      dtype === 'F32' ? view.getFloat32(index * 4, true) : view.getInt32(index * 4, true);
  }
  return values;
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Encodes `tensors` (in order) and `metadata` as a safetensors file. */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, StoredTensor>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, stored] of tensors) {
    const bytes = toLittleEndianBytes(stored.data);
    header[name] = {
      dtype: stored.dtype,
      shape: [...stored.shape],
      data_offsets: [offset, offset + bytes.byteLength],
    };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.byteLength / 8) * 8;
  const file = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(file.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  file.set(json, 8);
  file.fill(0x20, 8 + json.byteLength, 8 + headerLength);
  let position = 8 + headerLength;
  for (const chunk of chunks) {
    file.set(chunk, position);
    position += chunk.byteLength;
  }
  return file;
}

interface HeaderEntry {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Decodes a safetensors file, checking it against the format: every problem is a
 * `ModelFileError` naming `file` (`functionName: file: problem`).
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  functionName: string,
  file: string,
): SafetensorsContent {
  const fail = (problem: string, cause?: unknown): never => {
    throw new ModelFileError({ functionName, file, problem }, { cause });
  };
  if (bytes.byteLength < 8) {
    fail(
      `is truncated: ${bytes.byteLength} bytes, fewer than the 8 that hold the header length of a safetensors file.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  const available = bytes.byteLength - 8;
  if (declared > BigInt(available)) {
    fail(
      `is truncated: its header length says ${declared} bytes, but only ${available} follow the 8-byte length.`,
    );
  }
  const headerLength = Number(declared);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    );
    header = JSON.parse(text);
  } catch (error) {
    fail(`the header is not JSON (${(error as Error).message}).`, error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('the header is not a JSON object of tensors.');
  }
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      const valid =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((item) => typeof item === 'string');
      if (!valid)
        fail(`'__metadata__' must be an object of strings, got ${JSON.stringify(value)}.`);
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof entry !== 'object' || entry === null) {
      fail(`tensor '${name}' has no { dtype, shape, data_offsets } entry.`);
    }
    if (entry.dtype !== 'F32' && entry.dtype !== 'I32') {
      fail(
        `tensor '${name}' has dtype ${JSON.stringify(entry.dtype)}; aekit reads 'F32' and 'I32'.`,
      );
    }
    if (!Array.isArray(entry.shape) || !entry.shape.every(isNonNegativeInteger)) {
      fail(`tensor '${name}' has shape ${JSON.stringify(entry.shape)}, not a list of sizes.`);
    }
    const offsets = entry.data_offsets as unknown[];
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every(isNonNegativeInteger) ||
      (offsets[0] as number) > (offsets[1] as number)
    ) {
      fail(`tensor '${name}' has data_offsets ${JSON.stringify(offsets)}, not [begin, end].`);
    }
    const [begin, end] = offsets as [number, number];
    const shape = entry.shape as number[];
    const expectedBytes = elementCount(shape) * 4;
    if (end - begin !== expectedBytes) {
      fail(
        `tensor '${name}' spans ${end - begin} bytes, but shape [${shape.join(', ')}] of ${entry.dtype} needs ${expectedBytes}.`,
      );
    }
    entries.push({ name, dtype: entry.dtype as SafetensorsDtype, shape, begin, end });
  }
  const dataLength = available - headerLength;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const entry of sorted) {
    if (entry.begin !== covered) {
      fail(
        entry.begin < covered
          ? `tensor '${entry.name}' overlaps another tensor's bytes.`
          : `the data has a gap of ${entry.begin - covered} bytes before tensor '${entry.name}'.`,
      );
    }
    covered = entry.end;
  }
  if (covered > dataLength) {
    fail(
      `is truncated: its tensors need ${covered} bytes of data, but the file holds ${dataLength}.`,
    );
  }
  if (covered < dataLength) {
    fail(
      `is oversized: its tensors need ${covered} bytes of data, but the file holds ${dataLength} (${dataLength - covered} extra bytes at the end).`,
    );
  }
  const start = 8 + headerLength;
  const tensors = new Map<string, StoredTensor>();
  for (const entry of entries) {
    tensors.set(entry.name, {
      dtype: entry.dtype,
      shape: entry.shape,
      data: fromLittleEndianBytes(
        bytes.subarray(start + entry.begin, start + entry.end),
        entry.dtype,
      ),
    });
  }
  return { tensors, metadata };
}
