import { InvalidArgumentError } from '@aekit/core';
import type { Gunzip, InputContext } from './idx';

/** Bytes read from a loader's input, with how messages name it. */
export interface Input extends InputContext {
  readonly bytes: Uint8Array;
}

/** What differs between Node and the browser: how inputs are read and gzip is undone. */
export interface Platform {
  readonly gunzip: Gunzip;
  /** Reads `source`, the argument `argument` of `functionName`, naming it `role` in messages. */
  read(functionName: string, argument: string, source: unknown, role: string): Promise<Input>;
  /** Decodes text input (CSV) given as bytes, a Blob, or, in Node, a path. */
  readText(functionName: string, argument: string, source: unknown): Promise<TextInput>;
}

export interface TextInput {
  readonly text: string;
  /** How messages name the input: `'iris.csv'` or `the CSV text`. */
  readonly label: string;
}

/** What the browser can read: bytes and Blobs (a File keeps its name for messages). */
export type BinarySource = Uint8Array | ArrayBuffer | Blob;

function isBlob(source: unknown): source is Blob {
  return typeof Blob !== 'undefined' && source instanceof Blob;
}

function fileNameOf(blob: Blob): string | undefined {
  const name = (blob as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Reads bytes, ArrayBuffers and Blobs; `undefined` for anything else. */
export async function readBinary(
  functionName: string,
  source: unknown,
  role: string,
): Promise<Input | undefined> {
  const unnamed = { functionName, label: `the ${role} data`, fileName: undefined };
  if (source instanceof Uint8Array) return { ...unnamed, bytes: source, owned: false };
  if (source instanceof ArrayBuffer) {
    return { ...unnamed, bytes: new Uint8Array(source), owned: false };
  }
  if (isBlob(source)) {
    const fileName = fileNameOf(source);
    const bytes = new Uint8Array(await source.arrayBuffer());
    return fileName === undefined
      ? { ...unnamed, bytes, owned: true }
      : { functionName, label: `'${fileName}'`, fileName, bytes, owned: true };
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8');

/** Reads CSV text given as a string, bytes or a Blob; `undefined` for anything else. */
export async function readTextLike(source: unknown): Promise<TextInput | undefined> {
  if (typeof source === 'string') return { text: source, label: 'the CSV text' };
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    return { text: utf8.decode(source), label: 'the CSV data' };
  }
  if (isBlob(source)) {
    const fileName = fileNameOf(source);
    return {
      text: utf8.decode(await source.arrayBuffer()),
      label: fileName === undefined ? 'the CSV data' : `'${fileName}'`,
    };
  }
  return undefined;
}

export function unsupportedSource(
  functionName: string,
  argument: string,
  source: unknown,
  rule: string,
): InvalidArgumentError {
  return new InvalidArgumentError({ functionName, argument, rule, value: source });
}
