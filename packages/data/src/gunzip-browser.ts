import { Gunzip } from 'fflate';

/**
 * gzip decompression for the browser build, as strict as Node's zlib: every member of a
 * multi-member file is decompressed, and each member's CRC-32 and length (its 8-byte trailer)
 * are checked, which fflate alone does not do. Throws on anything else.
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (the ISO 3309 polynomial that gzip uses). */
export function crc32(bytes: Uint8Array): number {
  const lookup = crcTable();
  let crc = 0xffffffff;
  for (let index = 0; index < bytes.length; index += 1) {
    crc = lookup[(crc ^ bytes[index]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function gunzipChecked(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  const members = [{ inputStart: 0, outputStart: 0 }];
  const stream = new Gunzip((chunk) => {
    chunks.push(chunk);
    produced += chunk.length;
  });
  stream.onmember = (offset) => members.push({ inputStart: offset, outputStart: produced });
  stream.push(bytes, true);
  const output = new Uint8Array(produced);
  let offset = 0;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.length;
  }
  members.forEach((member, index) => {
    const inputEnd = members[index + 1]?.inputStart ?? bytes.length;
    const outputEnd = members[index + 1]?.outputStart ?? produced;
    // A member is at least a 10-byte header, a deflate stream and an 8-byte trailer.
    if (inputEnd - member.inputStart < 18) throw new Error('gzip member too short');
    const trailer = new DataView(bytes.buffer, bytes.byteOffset + inputEnd - 8, 8);
    const data = output.subarray(member.outputStart, outputEnd);
    if (trailer.getUint32(4, true) !== data.length >>> 0) throw new Error('gzip length mismatch');
    if (trailer.getUint32(0, true) !== crc32(data)) throw new Error('gzip CRC-32 mismatch');
  });
  return output;
}
