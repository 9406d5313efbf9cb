/**
 * An IDX file of unsigned bytes (the MNIST format): magic number 0x0000_08_<rank>, one
 * big-endian uint32 per dimension, then the values row-major.
 */
export function encodeIdxUint8(values: Uint8Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((product, size) => product * size, 1);
  if (count !== values.length) {
    throw new Error(
      `encodeIdxUint8: shape [${shape.join(', ')}] holds ${count} values, got ${values.length}.`,
    );
  }
  const headerBytes = 4 + 4 * shape.length;
  const bytes = new Uint8Array(headerBytes + values.length);
  const view = new DataView(bytes.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, shape.length);
  shape.forEach((size, axis) => {
    view.setUint32(4 + 4 * axis, size, false);
  });
  bytes.set(values, headerBytes);
  return bytes;
}
