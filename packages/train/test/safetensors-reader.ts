/**
 * An independent safetensors reader, written for the tests from the format's description
 * (https://github.com/huggingface/safetensors#format), sharing no code with the library:
 * 8 bytes little-endian u64 header size N; N bytes of UTF-8 JSON mapping each tensor name to
 * { dtype, shape, data_offsets: [begin, end] } relative to the byte buffer that follows, plus an
 * optional "__metadata__" map of strings; then the byte buffer, little-endian.
 */
export interface ReadTensor {
  dtype: string;
  shape: number[];
  values: number[];
}

export function readSafetensors(file: Uint8Array): {
  tensors: Record<string, ReadTensor>;
  metadata: Record<string, string> | undefined;
  headerSize: number;
} {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerSize = high * 2 ** 32 + low;
  const header = JSON.parse(Buffer.from(file.subarray(8, 8 + headerSize)).toString('utf8'));
  const bufferStart = 8 + headerSize;
  const tensors: Record<string, ReadTensor> = {};
  let metadata: Record<string, string> | undefined;
  for (const [name, info] of Object.entries<{
    dtype: string;
    shape: number[];
    data_offsets: [number, number];
  }>(header)) {
    if (name === '__metadata__') {
      metadata = info as unknown as Record<string, string>;
      continue;
    }
    const [begin, end] = info.data_offsets;
    const values: number[] = [];
    for (let offset = bufferStart + begin; offset < bufferStart + end; offset += 4) {
      values.push(
        info.dtype === 'F32' ? view.getFloat32(offset, true) : view.getInt32(offset, true),
      );
    }
    tensors[name] = { dtype: info.dtype, shape: info.shape, values };
  }
  return { tensors, metadata, headerSize };
}
