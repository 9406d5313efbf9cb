import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../test/safetensors-reader';
import { ModelFileError } from './errors';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors';

const tensors = new Map<string, StoredTensor>([
  [
    'encoder.0.W',
    { dtype: 'F32', shape: [2, 3], data: Float32Array.of(1.5, -2, 0.1, 3e-8, -0, 1e30) },
  ],
  ['encoder.0.b', { dtype: 'F32', shape: [3], data: Float32Array.of(0, 0.25, -1) }],
  ['optimizer/0', { dtype: 'I32', shape: [], data: Int32Array.of(-7) }],
  ['empty', { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) }],
]);

function encoded(): Uint8Array {
  return encodeSafetensors(tensors, { format: 'aekit', note: 'ümlaut ✓' });
}

function expectFileError(bytes: Uint8Array, problem: string | RegExp): void {
  let caught: unknown;
  try {
    decodeSafetensors(bytes, 'loadModel', '/m/weights.safetensors');
  } catch (error) {
    caught = error;
  }
  expect(ModelFileError.isInstance(caught)).toBe(true);
  const error = caught as ModelFileError;
  expect(error.file).toBe('/m/weights.safetensors');
  expect(error.message.startsWith('loadModel: /m/weights.safetensors: ')).toBe(true);
  if (typeof problem === 'string') expect(error.problem).toBe(problem);
  else expect(error.problem).toMatch(problem);
}

/** A file with `header` (any text) and `data` bytes, its length field set to the header's. */
function rawFile(header: string, data = new Uint8Array(0), declared?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const file = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(file.buffer).setBigUint64(0, BigInt(declared ?? json.byteLength), true);
  file.set(json, 8);
  file.set(data, 8 + json.byteLength);
  return file;
}

describe('encodeSafetensors', () => {
  it('writes what an independent reader of the format reads back', () => {
    const file = encoded();
    const read = readSafetensors(file);
    expect(read.metadata).toEqual({ format: 'aekit', note: 'ümlaut ✓' });
    expect(Object.keys(read.tensors)).toEqual([
      'encoder.0.W',
      'encoder.0.b',
      'optimizer/0',
      'empty',
    ]);
    for (const [name, stored] of tensors) {
      expect(read.tensors[name]!.dtype).toBe(stored.dtype);
      expect(read.tensors[name]!.shape).toEqual(stored.shape);
      expect(read.tensors[name]!.values).toEqual(Array.from(stored.data));
    }
    // The header is padded with spaces to a multiple of 8, so the data starts aligned.
    expect(read.headerSize % 8).toBe(0);
    expect(file.byteLength).toBe(8 + read.headerSize + 4 * (6 + 3 + 1));
  });

  it('round-trips through decodeSafetensors bit for bit', () => {
    const decoded = decodeSafetensors(encoded(), 'f', 'x');
    expect([...decoded.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [name, stored] of tensors) {
      const back = decoded.tensors.get(name)!;
      expect(back.dtype).toBe(stored.dtype);
      expect(back.shape).toEqual(stored.shape);
      expect(back.data).toEqual(stored.data);
      expect(Object.is(back.data[4], stored.data[4])).toBe(true);
    }
    expect(decoded.metadata.note).toBe('ümlaut ✓');
  });

  it('reads a file written by hand from the format description (unpadded header)', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 0.5, true);
    new DataView(data.buffer).setFloat32(4, -3, true);
    const file = rawFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', data);
    const decoded = decodeSafetensors(file, 'f', 'x');
    expect(Array.from(decoded.tensors.get('w')!.data)).toEqual([0.5, -3]);
  });
});

describe('decodeSafetensors rejects broken files, naming the file', () => {
  it('too short to hold the header length', () => {
    expectFileError(
      new Uint8Array(5),
      'is truncated: 5 bytes, fewer than the 8 that hold the header length of a safetensors file.',
    );
  });

  it('a header length beyond the end of the file', () => {
    expectFileError(
      rawFile('{}', new Uint8Array(0), 1000),
      'is truncated: its header length says 1000 bytes, but only 2 follow the 8-byte length.',
    );
  });

  it('a header that is not JSON', () => {
    expectFileError(rawFile('{"w": [1, 2'), /^the header is not JSON \(.+\)\.$/);
    expectFileError(rawFile('[1, 2]'), 'the header is not a JSON object of tensors.');
  });

  it('a file cut short inside the data', () => {
    const file = encoded();
    expectFileError(
      file.subarray(0, file.byteLength - 3),
      'is truncated: its tensors need 40 bytes of data, but the file holds 37.',
    );
  });

  it('a file with bytes beyond its last tensor', () => {
    const file = encoded();
    const longer = new Uint8Array(file.byteLength + 4);
    longer.set(file);
    expectFileError(
      longer,
      'is oversized: its tensors need 40 bytes of data, but the file holds 44 (4 extra bytes at the end).',
    );
  });

  it('entries that do not describe their bytes', () => {
    const cases: [string, string][] = [
      [
        '{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}',
        `tensor 'w' has dtype "F16"; aekit reads 'F32' and 'I32'.`,
      ],
      [
        '{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}',
        "tensor 'w' spans 8 bytes, but shape [3] of F32 needs 12.",
      ],
      [
        '{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}',
        "tensor 'w' has shape [-1], not a list of sizes.",
      ],
      [
        '{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}',
        "tensor 'w' has data_offsets [8,0], not [begin, end].",
      ],
      [
        '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        "tensor 'b' overlaps another tensor's bytes.",
      ],
      [
        '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
        "the data has a gap of 4 bytes before tensor 'a'.",
      ],
      ['{"__metadata__":{"n":1}}', `'__metadata__' must be an object of strings, got {"n":1}.`],
    ];
    for (const [header, problem] of cases)
      expectFileError(rawFile(header, new Uint8Array(8)), problem);
  });
});
