import { checkOptionsObject } from '@aekit/core';
import { createDataset, type Dataset } from './dataset';
import { resolveClassNames } from './dataset-construction';
import { DataFormatError } from './errors';
import { decodeIdx, type IdxArray } from './idx';
import type { Input, Platform } from './platform';

/** Options of `loadIdx`: an images file and, optionally, its labels. */
export interface LoadIdxOptions<Source> {
  /** IDX samples `[N, ...]`, gzipped or not. */
  readonly images: Source;
  /** IDX labels `[N]` of an integer type, gzipped or not. */
  readonly labels?: Source;
  /** Names of the classes, indexed by label. */
  readonly classNames?: readonly string[];
}

function checkLabels(array: IdxArray, input: Input): Int32Array {
  const fail = (problem: string, row?: number) =>
    new DataFormatError({
      functionName: input.functionName,
      source: input.label,
      problem,
      row,
    });
  if (array.shape.length !== 1) {
    throw fail(
      `${input.label} has shape [${array.shape.join(', ')}], but a labels file has one dimension: one label per sample.`,
    );
  }
  if (array.dtype === 'float32' || array.dtype === 'float64') {
    throw fail(
      `${input.label} holds ${array.dtype === 'float32' ? 'float' : 'double'} values, but labels must be integers (an IDX file of ubyte, byte, short or int).`,
    );
  }
  const labels = array.data instanceof Int32Array ? array.data : Int32Array.from(array.data);
  const negative = labels.findIndex((label) => label < 0);
  if (negative >= 0) {
    throw fail(
      `${input.label} holds the label ${labels[negative]} at index ${negative}, but labels must be ≥ 0.`,
      negative,
    );
  }
  return labels;
}

const loadIdxOptionNames = [
  'images',
  'labels',
  'classNames',
] as const satisfies readonly (keyof LoadIdxOptions<unknown>)[];

/** Reads and decodes an IDX images file and its labels, checking that they agree. */
export async function loadIdxWith(
  platform: Platform,
  functionName: string,
  options: LoadIdxOptions<unknown>,
): Promise<Dataset> {
  checkOptionsObject(functionName, 'options', options, loadIdxOptionNames);
  const imagesInput = await platform.read(functionName, 'images', options?.images, 'images');
  const labelsInput =
    options.labels === undefined
      ? undefined
      : await platform.read(functionName, 'labels', options.labels, 'labels');
  const classNames = resolveClassNames(functionName, options.classNames);
  const images = decodeIdx(imagesInput.bytes, imagesInput, platform.gunzip);
  let labels: Int32Array | null = null;
  if (labelsInput !== undefined) {
    labels = checkLabels(decodeIdx(labelsInput.bytes, labelsInput, platform.gunzip), labelsInput);
    const samples = images.shape[0]!;
    if (labels.length !== samples) {
      throw new DataFormatError({
        functionName,
        source: labelsInput.label,
        problem: `${imagesInput.label} holds ${samples} samples but ${labelsInput.label} holds ${labels.length} labels; images and labels must agree in count.`,
      });
    }
  }
  return createDataset({
    functionName,
    values: images.data,
    count: images.shape[0]!,
    featureShape: images.shape.length === 1 ? [1] : images.shape.slice(1),
    labels,
    classNames,
  });
}
