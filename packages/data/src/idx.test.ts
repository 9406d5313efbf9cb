import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import * as browser from './browser';
import { DataFormatError } from './errors';
import { loadIdx, parseIdx } from './index';

// IDX files are written here from the format's description, independently of the reader:
// 0x00 0x00, a type code, the rank, one big-endian uint32 per dimension, big-endian values.
type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
const typeCodes: Record<IdxType, number> = {
  uint8: 0x08,
  int8: 0x09,
  int16: 0x0b,
  int32: 0x0c,
  float32: 0x0d,
  float64: 0x0e,
};
const typeBytes: Record<IdxType, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  float32: 4,
  float64: 8,
};

function encodeIdx(
  type: IdxType,
  shape: readonly number[],
  values: readonly number[],
): Uint8Array<ArrayBuffer> {
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + values.length * typeBytes[type]);
  const view = new DataView(bytes.buffer);
  bytes[2] = typeCodes[type];
  bytes[3] = shape.length;
  shape.forEach((size, axis) => {
    view.setUint32(4 + 4 * axis, size, false);
  });
  values.forEach((value, index) => {
    const at = header + index * typeBytes[type];
    if (type === 'uint8') view.setUint8(at, value);
    else if (type === 'int8') view.setInt8(at, value);
    else if (type === 'int16') view.setInt16(at, value, false);
    else if (type === 'int32') view.setInt32(at, value, false);
    else if (type === 'float32') view.setFloat32(at, value, false);
    else view.setFloat64(at, value, false);
  });
  return bytes;
}

// Each type's extremes, and values whose bytes differ so that a byte-order mistake shows.
const samples: Record<IdxType, readonly number[]> = {
  uint8: [0, 1, 127, 128, 254, 255],
  int8: [-128, -1, 0, 1, 100, 127],
  int16: [-32768, -2, 0, 258, 4660, 32767],
  int32: [-2147483648, -1, 0, 16909060, 305419896, 2147483647],
  float32: [Math.fround(-3.4e38), -1.5, 0, Math.fround(0.1), 3.25, Math.fround(1e-30)],
  float64: [-1e300, -1.5, 0, 0.1, Math.PI, 5e-324],
};
const shapes = [[12], [4, 3], [2, 3, 2], [2, 1, 3, 2]] as const;
const valuesFor = (type: IdxType, count: number) =>
  Array.from({ length: count }, (_, index) => samples[type][index % samples[type].length]!);

const dir = mkdtempSync(join(tmpdir(), 'aekit-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function writeFile(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('IDX: every element type, 1- to 4-D, plain and gzipped', () => {
  for (const type of Object.keys(typeCodes) as IdxType[]) {
    for (const shape of shapes) {
      for (const gzipped of [false, true]) {
        const values = valuesFor(type, 12);
        const plain = encodeIdx(type, shape, values);
        const bytes = gzipped ? gzipSync(plain) : plain;
        const label = `${type} [${shape.join(', ')}]${gzipped ? ' .gz' : ''}`;

        it(`parseIdx reads ${label} in Node and in the browser build`, () => {
          for (const parse of [parseIdx, browser.parseIdx]) {
            const array = parse(bytes);
            expect(array.dtype).toBe(type);
            expect(array.shape).toEqual(shape);
            expect(Array.from(array.data)).toEqual(values);
            expect(parse(new Uint8Array(bytes).buffer).shape).toEqual(shape);
          }
        });

        it(`loadIdx reads ${label} from a file`, async () => {
          const path = writeFile(`${type}-${shape.length}d.idx${gzipped ? '.gz' : ''}`, bytes);
          const dataset = await loadIdx({ images: path });
          expect(dataset.size).toBe(shape[0]);
          expect(dataset.featureShape).toEqual(shape.length === 1 ? [1] : shape.slice(1));
          expect(dataset.dtype).toBe(type);
          const perSample = 12 / shape[0];
          const last = dataset.sampleAt(shape[0] - 1).x;
          expect(Array.from(last)).toEqual(values.slice(12 - perSample).map(Math.fround));
        });
      }
    }
  }

  it('reads big-endian bytes written by hand', () => {
    const bytes = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 3, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x00]);
    expect(Array.from(parseIdx(bytes).data)).toEqual([258, -2, -32768]);
    const floats = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0x00, 0x00]);
    expect(Array.from(parseIdx(floats).data)).toEqual([1.5]);
  });

  it('reads images with labels, from paths, URLs, bytes and Files', async () => {
    const images = encodeIdx('uint8', [3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const labels = encodeIdx('uint8', [3], [2, 0, 1]);
    const imagesPath = writeFile('pair-images.idx.gz', gzipSync(images));
    const labelsPath = writeFile('pair-labels.idx', labels);
    const sources = [
      { images: imagesPath, labels: labelsPath },
      { images: new URL(`file://${imagesPath}`), labels: labels.buffer },
      {
        images: new File([new Uint8Array(gzipSync(images))], 'images.gz'),
        labels: new Blob([labels]),
      },
    ];
    for (const source of sources) {
      const dataset = await loadIdx({ ...source, classNames: ['a', 'b', 'c'] });
      expect(dataset.size).toBe(3);
      expect(dataset.dim).toBe(4);
      expect(Array.from(dataset.labels!)).toEqual([2, 0, 1]);
      expect(dataset.classNames).toEqual(['a', 'b', 'c']);
      expect(Array.from(dataset.sampleAt(1).x)).toEqual([5, 6, 7, 8]);
    }
    const inBrowser = await browser.loadIdx({
      images: new File([new Uint8Array(gzipSync(images))], 'images.gz'),
      labels: labels,
    });
    expect(Array.from(inBrowser.labels!)).toEqual([2, 0, 1]);
  });

  it('accepts labels of every integer type', async () => {
    const images = encodeIdx('uint8', [2, 1], [0, 255]);
    for (const type of ['uint8', 'int8', 'int16', 'int32'] as const) {
      const dataset = await loadIdx({ images, labels: encodeIdx(type, [2], [7, 3]) });
      expect(Array.from(dataset.labels!)).toEqual([7, 3]);
    }
  });

  it('keeps the bytes of a file it read, and copies bytes it was lent', async () => {
    const lent = encodeIdx('uint8', [2, 2], [1, 2, 3, 4]);
    const dataset = await loadIdx({ images: lent });
    lent.fill(9, 8);
    expect(Array.from(dataset.sampleAt(0).x)).toEqual([1, 2]);
  });
});

describe('IDX: broken files are errors naming the file', () => {
  const good = encodeIdx('int16', [3, 2], [1, 2, 3, 4, 5, 6]);
  const cases: { name: string; bytes: Uint8Array; problem: (file: string) => string }[] = [
    {
      name: 'archive.zip',
      bytes: Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]),
      problem: (file) =>
        `${file} is not an IDX file: it starts with 0x50 0x4b 0x03 0x04, and an IDX file starts with 0x00 0x00, a type code and the number of dimensions.`,
    },
    {
      name: 'type-07.idx',
      bytes: Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 1, 0]),
      problem: (file) =>
        `${file} is not an IDX file: its type code is 0x07, and IDX type codes are 0x08 (ubyte), 0x09 (byte), 0x0b (short), 0x0c (int), 0x0d (float), 0x0e (double).`,
    },
    {
      name: 'rank-0.idx',
      bytes: Uint8Array.from([0, 0, 0x08, 0]),
      problem: (file) => `${file} declares 0 dimensions; an IDX file has at least 1.`,
    },
    {
      name: 'empty.idx',
      bytes: new Uint8Array(0),
      problem: (file) =>
        `${file} is truncated: it has 0 bytes, fewer than the 4 bytes of an IDX magic number.`,
    },
    {
      name: 'three-bytes.idx',
      bytes: Uint8Array.from([0, 0, 0x08]),
      problem: (file) =>
        `${file} is truncated: it has 3 bytes, fewer than the 4 bytes of an IDX magic number.`,
    },
    {
      name: 'short-header.idx',
      bytes: Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0]),
      problem: (file) =>
        `${file} is truncated: its header declares 3 dimensions and so takes 16 bytes, but the file has 10.`,
    },
    {
      name: 'truncated.idx',
      bytes: good.subarray(0, good.length - 5),
      problem: (file) =>
        `${file} is truncated: its header declares shape [3, 2] of short, 12 bytes of data, but only 7 bytes follow the 12-byte header.`,
    },
    {
      name: 'truncated.idx.gz',
      bytes: gzipSync(good.subarray(0, good.length - 1)),
      problem: (file) =>
        `${file} is truncated: its header declares shape [3, 2] of short, 12 bytes of data, but only 11 bytes follow the 12-byte header.`,
    },
    {
      name: 'oversized.idx',
      bytes: Uint8Array.from([...good, 0, 0, 0]),
      problem: (file) =>
        `${file} is longer than its header declares: shape [3, 2] of short takes 12 bytes of data, but 15 bytes follow the 12-byte header (3 too many).`,
    },
    {
      name: 'plain.idx.gz',
      bytes: encodeIdx('uint8', [2], [1, 2]),
      problem: (file) =>
        `${file} is named .gz but is not gzip data: it starts with 0x00 0x00 0x08 0x01, and gzip data starts with 0x1f 0x8b.`,
    },
    {
      name: 'empty.gz',
      bytes: new Uint8Array(0),
      problem: (file) =>
        `${file} is named .gz but is not gzip data: it is empty, and gzip data starts with 0x1f 0x8b.`,
    },
    {
      name: 'cut.idx.gz',
      bytes: gzipSync(encodeIdx('uint8', [1000], valuesFor('uint8', 1000))).subarray(0, 30),
      problem: (file) =>
        `${file} starts with the gzip signature 0x1f 0x8b but is not valid gzip data: the compressed stream is corrupt or truncated.`,
    },
    {
      name: 'garbage.gz',
      bytes: Uint8Array.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
      problem: (file) =>
        `${file} starts with the gzip signature 0x1f 0x8b but is not valid gzip data: the compressed stream is corrupt or truncated.`,
    },
    {
      name: 'bad-crc.idx.gz',
      bytes: (() => {
        const gz = gzipSync(good);
        gz[gz.length - 6]! ^= 0xff;
        return gz;
      })(),
      problem: (file) =>
        `${file} starts with the gzip signature 0x1f 0x8b but is not valid gzip data: the compressed stream is corrupt or truncated.`,
    },
    {
      name: 'nan.idx',
      bytes: encodeIdx('float32', [2, 3], [0, 1, 2, 3, 4, Number.NaN]),
      problem: (file) =>
        `${file} holds NaN in sample 1 (value 2 of the sample, counting from 0); IDX data must be finite.`,
    },
    {
      name: 'infinity.idx',
      bytes: encodeIdx('float64', [3], [0, -Infinity, 1]),
      problem: (file) => `${file} holds -Infinity at index 1; IDX data must be finite.`,
    },
  ];

  for (const { name, bytes, problem } of cases) {
    it(`${name}: loadIdx, parseIdx in Node and in the browser build`, async () => {
      const path = writeFile(name, bytes);
      const error = await loadIdx({ images: path }).catch((caught: unknown) => caught);
      expect(DataFormatError.isInstance(error)).toBe(true);
      expect((error as DataFormatError).message).toBe(`loadIdx: ${problem(`'${path}'`)}`);
      expect((error as DataFormatError).source).toBe(`'${path}'`);
      expect(() => parseIdx(bytes, { name })).toThrow(`parseIdx: ${problem(`'${name}'`)}`);
      expect(() => browser.parseIdx(bytes, { name })).toThrow(`parseIdx: ${problem(`'${name}'`)}`);
      await expect(
        browser.loadIdx({ images: new File([new Uint8Array(bytes)], name) }),
      ).rejects.toThrow(`loadIdx: ${problem(`'${name}'`)}`);
    });
  }

  it('names bytes without a file name by their role', async () => {
    const cut = good.subarray(0, 13);
    const problem =
      'is truncated: its header declares shape [3, 2] of short, 12 bytes of data, but only 1 byte follows the 12-byte header.';
    expect(() => parseIdx(cut)).toThrow(`parseIdx: the IDX data ${problem}`);
    await expect(loadIdx({ images: cut })).rejects.toThrow(`loadIdx: the images data ${problem}`);
    await expect(loadIdx({ images: good, labels: cut })).rejects.toThrow(
      `loadIdx: the labels data ${problem}`,
    );
  });

  it('rejects images and labels that disagree in count', async () => {
    const images = writeFile('count-images.idx', encodeIdx('uint8', [3, 2], [1, 2, 3, 4, 5, 6]));
    const labels = writeFile('count-labels.idx.gz', gzipSync(encodeIdx('uint8', [2], [0, 1])));
    await expect(loadIdx({ images, labels })).rejects.toThrow(
      `loadIdx: '${images}' holds 3 samples but '${labels}' holds 2 labels; images and labels must agree in count.`,
    );
    await expect(
      browser.loadIdx({
        images: encodeIdx('uint8', [3, 2], [1, 2, 3, 4, 5, 6]),
        labels: encodeIdx('uint8', [4], [0, 1, 2, 3]),
      }),
    ).rejects.toThrow(
      'loadIdx: the images data holds 3 samples but the labels data holds 4 labels; images and labels must agree in count.',
    );
  });

  it('rejects labels that are not one integer ≥ 0 per sample', async () => {
    const images = encodeIdx('uint8', [2, 1], [1, 2]);
    await expect(loadIdx({ images, labels: encodeIdx('float32', [2], [0, 1]) })).rejects.toThrow(
      'loadIdx: the labels data holds float values, but labels must be integers (an IDX file of ubyte, byte, short or int).',
    );
    await expect(loadIdx({ images, labels: encodeIdx('uint8', [2, 1], [0, 1]) })).rejects.toThrow(
      'loadIdx: the labels data has shape [2, 1], but a labels file has one dimension: one label per sample.',
    );
    await expect(loadIdx({ images, labels: encodeIdx('int8', [2], [0, -1]) })).rejects.toThrow(
      'loadIdx: the labels data holds the label -1 at index 1, but labels must be ≥ 0.',
    );
    await expect(
      loadIdx({ images, labels: encodeIdx('uint8', [2], [0, 3]), classNames: ['a', 'b'] }),
    ).rejects.toThrow(
      'loadIdx: \'classNames\' must be a name for every label, got ["a", "b"]. Row 1 (counting from 0) has label 3, but there are only 2 class names.',
    );
  });

  it('says when a file cannot be read, or an input is of the wrong kind', async () => {
    const missing = join(dir, 'nope.idx');
    await expect(loadIdx({ images: missing })).rejects.toThrow(
      `loadIdx: cannot read '${missing}': ENOENT: no such file or directory, open '${missing}'`,
    );
    await expect(loadIdx({ images: 42 as never })).rejects.toThrow(
      "loadIdx: 'images' must be a file path, a file: URL, a Uint8Array, an ArrayBuffer or a Blob, got 42.",
    );
    await expect(browser.loadIdx({ images: 'a.idx' as never })).rejects.toThrow(
      'loadIdx: \'images\' must be a Uint8Array, an ArrayBuffer or a Blob (in the browser), got "a.idx".',
    );
  });
});

describe('IDX readers: options', () => {
  it('reject an unknown option, naming the one likely meant, in Node and the browser', async () => {
    const bytes = new Uint8Array(0);
    for (const entry of [{ loadIdx, parseIdx }, browser]) {
      await expect(entry.loadIdx({ images: bytes, label: bytes } as never)).rejects.toThrow(
        "loadIdx: unknown option 'label'; did you mean 'labels'?",
      );
      expect(() => entry.parseIdx(bytes, { nmae: 'x.idx' } as never)).toThrow(
        "parseIdx: unknown option 'nmae'; did you mean 'name'?",
      );
    }
  });
});
