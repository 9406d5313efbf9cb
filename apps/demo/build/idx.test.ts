import { gzipSync } from 'node:zlib';
import { parseIdx } from '@aekit/data';
import { describe, expect, it } from 'vitest';
import { encodeIdxUint8 } from './idx';

describe('encodeIdxUint8', () => {
  it('writes the MNIST header byte for byte', () => {
    const bytes = encodeIdxUint8(Uint8Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
    // magic 0x00000802 (ubyte, rank 2), then 3 and 2 as big-endian uint32, then the values.
    expect(Array.from(bytes)).toEqual([0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6]);
  });

  it("is read back by @aekit/data's IDX parser, gzipped, as the page reads it", () => {
    const values = Uint8Array.from({ length: 2 * 28 * 28 }, (_, index) => (index * 37) % 256);
    const parsed = parseIdx(gzipSync(encodeIdxUint8(values, [2, 28, 28])), {
      name: 'images.gz',
    });
    expect(parsed.dtype).toBe('uint8');
    expect(parsed.shape).toEqual([2, 28, 28]);
    expect(Array.from(parsed.data)).toEqual(Array.from(values));
  });

  it('refuses a shape that does not match the values', () => {
    expect(() => encodeIdxUint8(new Uint8Array(5), [2, 3])).toThrow(
      'encodeIdxUint8: shape [2, 3] holds 6 values, got 5.',
    );
  });
});
