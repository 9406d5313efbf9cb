import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { AekitError } from '@aekit/core';
import { type Input, type Platform, readBinary, readTextLike, unsupportedSource } from './platform';

/** What the Node loaders read: a path or `file:` URL, bytes, or a Blob. */
export type NodeSource = string | URL | Uint8Array | ArrayBuffer | Blob;

function pathOf(source: string | URL): string {
  return typeof source === 'string' ? source : fileURLToPath(source);
}

export async function readPath(functionName: string, path: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AekitError(`${functionName}: cannot read '${path}': ${reason}`, { cause: error });
  }
}

const binaryRule = 'a file path, a file: URL, a Uint8Array, an ArrayBuffer or a Blob';

export const nodePlatform: Platform = {
  gunzip: (bytes) => {
    const buffer = gunzipSync(bytes);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  },
  async read(functionName, argument, source, role): Promise<Input> {
    if (typeof source === 'string' || source instanceof URL) {
      const path = pathOf(source);
      return {
        functionName,
        label: `'${path}'`,
        fileName: path,
        bytes: await readPath(functionName, path),
        owned: true,
      };
    }
    const input = await readBinary(functionName, source, role);
    if (input === undefined) throw unsupportedSource(functionName, argument, source, binaryRule);
    return input;
  },
  async readText(functionName, argument, source) {
    // A string with a line break is CSV text; any other string names a file.
    if ((typeof source === 'string' && !/[\r\n]/.test(source)) || source instanceof URL) {
      const path = pathOf(source);
      const bytes = await readPath(functionName, path);
      return { text: new TextDecoder('utf-8').decode(bytes), label: `'${path}'` };
    }
    const input = await readTextLike(source);
    if (input === undefined) {
      throw unsupportedSource(
        functionName,
        argument,
        source,
        'CSV text (a string with a line break), a file path, a file: URL, a Uint8Array, an ArrayBuffer or a Blob',
      );
    }
    return input;
  },
};
