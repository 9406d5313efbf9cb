/** Helpers to write WebAssembly binary encodings (LEB128 integers, vectors, names, sections). */

export function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

export function vec(items: readonly number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

export function name(text: string): number[] {
  return vec([...new TextEncoder().encode(text)].map((byte) => [byte]));
}

export function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}
