import { checkOptionsObject, checkPositiveInteger, InvalidArgumentError } from '@aekit/core';
import { Dataset } from './dataset';
import { DataFormatError } from './errors';

/**
 * Pictures into a dataset, the same way in Node (`loadImageFolder`, decoding with sharp) and in
 * the browser (`loadImageFiles`, decoding with the browser's own decoders): each picture as RGB
 * bytes, resized by area averaging, turned grey if asked, scaled to [0, 1], one row per picture
 * with its pixels row-major and the channels last (`[height, width, channels]`, the layout of
 * the dataset's `featureShape` and of a convolutional network's images).
 */

/** Options of `loadImageFolder` and `loadImageFiles`. */
export interface ImageOptions {
  /**
   * `[height, width]` (or one number for a square) every picture is resized to. Default: the
   * size of the pictures, which must then all have the same.
   */
  readonly size?: number | readonly [number, number];
  /**
   * `'grayscale'` (default; one channel, Y = 0.299 R + 0.587 G + 0.114 B, ITU-R BT.601, the
   * weights Pillow's `convert('L')` uses) or `'rgb'` (three channels). An alpha channel is
   * dropped, as Pillow's `convert('RGB')` does.
   */
  readonly color?: 'grayscale' | 'rgb';
}

/** Names of `ImageOptions`' fields. */
export const imageOptionNames = [
  'size',
  'color',
] as const satisfies readonly (keyof ImageOptions)[];

/** One decoded picture: `width × height` pixels of 3 bytes (R, G, B), row-major. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** A picture to put in a dataset: where it came from (for errors), its pixels, its class. */
export interface NamedImage {
  readonly name: string;
  readonly image: DecodedImage;
  /** Index into the class names, or undefined for unlabelled pictures. */
  readonly label?: number;
}

/** The checked options, the size as `[height, width]` or null (the pictures' own). */
export function resolveImageOptions(
  functionName: string,
  options: unknown,
): { size: [number, number] | null; channels: 1 | 3 } {
  const record = checkOptionsObject(functionName, 'options', options, imageOptionNames);
  let size: [number, number] | null = null;
  if (record.size !== undefined) {
    if (Array.isArray(record.size)) {
      if (record.size.length !== 2) {
        throw new InvalidArgumentError({
          functionName,
          argument: 'options.size',
          rule: 'a positive integer or [height, width] of positive integers',
          value: record.size,
        });
      }
      size = [
        checkPositiveInteger(functionName, 'options.size[0]', record.size[0]),
        checkPositiveInteger(functionName, 'options.size[1]', record.size[1]),
      ];
    } else {
      const side = checkPositiveInteger(functionName, 'options.size', record.size);
      size = [side, side];
    }
  }
  const color = record.color ?? 'grayscale';
  if (color !== 'grayscale' && color !== 'rgb') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'options.color',
      rule: "'grayscale' or 'rgb'",
      value: color,
    });
  }
  return { size, channels: color === 'rgb' ? 3 : 1 };
}

/**
 * RGB bytes from decoded pixels with `channels` interleaved channels per pixel: 1 (grey), 2
 * (grey and alpha), 3 (RGB) or 4 (RGBA); alpha is dropped.
 */
export function toRgb(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Uint8Array {
  const count = width * height;
  if (channels === 3) return pixels.slice(0, count * 3);
  const rgb = new Uint8Array(count * 3);
  for (let pixel = 0; pixel < count; pixel += 1) {
    const source = pixel * channels;
    const grey = channels <= 2;
    rgb[pixel * 3] = pixels[source]!;
    rgb[pixel * 3 + 1] = pixels[grey ? source : source + 1]!;
    rgb[pixel * 3 + 2] = pixels[grey ? source : source + 2]!;
  }
  return rgb;
}

/**
 * For each output index along an axis of `inSize` resampled to `outSize`, the input indices it
 * covers and the fraction of each: output pixel o spans [o·s, (o + 1)·s) input pixels with
 * s = inSize / outSize, weighted by overlap (area averaging; enlarging gives each output pixel
 * the input pixel it falls in, or a blend where it straddles two).
 */
function coverage(inSize: number, outSize: number): { index: number; weight: number }[][] {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, out) => {
    const start = out * scale;
    const end = start + scale;
    const cells: { index: number; weight: number }[] = [];
    for (let index = Math.floor(start); index < Math.min(Math.ceil(end), inSize); index += 1) {
      const overlap = Math.min(end, index + 1) - Math.max(start, index);
      if (overlap > 0) cells.push({ index, weight: overlap / scale });
    }
    return cells;
  });
}

/**
 * A picture as float32 values in [0, 1], `[height, width, channels]` row-major, resized to
 * `size` by area averaging (each output pixel the mean of the input area it covers) and made
 * grey for one channel (BT.601 weights, applied before resizing; both steps are linear).
 */
export function imageValues(
  image: DecodedImage,
  size: readonly [number, number],
  channels: 1 | 3,
): Float32Array {
  const { width, height, rgb } = image;
  const plane = new Float64Array(width * height * channels);
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    const r = rgb[pixel * 3]!;
    const g = rgb[pixel * 3 + 1]!;
    const b = rgb[pixel * 3 + 2]!;
    if (channels === 1) plane[pixel] = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    else {
      plane[pixel * 3] = r / 255;
      plane[pixel * 3 + 1] = g / 255;
      plane[pixel * 3 + 2] = b / 255;
    }
  }
  const [outHeight, outWidth] = size;
  if (outHeight === height && outWidth === width) return Float32Array.from(plane);
  const rows = coverage(height, outHeight);
  const columns = coverage(width, outWidth);
  const out = new Float32Array(outHeight * outWidth * channels);
  for (let y = 0; y < outHeight; y += 1) {
    for (let x = 0; x < outWidth; x += 1) {
      for (let c = 0; c < channels; c += 1) {
        let sum = 0;
        for (const row of rows[y]!) {
          for (const column of columns[x]!) {
            sum +=
              row.weight *
              column.weight *
              plane[(row.index * width + column.index) * channels + c]!;
          }
        }
        out[(y * outWidth + x) * channels + c] = sum;
      }
    }
  }
  return out;
}

/**
 * The dataset of `images` (in order), `[height, width, channels]` per sample, labelled when
 * every picture has a label. Without `size`, every picture must have the first one's size.
 */
export function datasetFromImages(
  functionName: string,
  source: string,
  images: readonly NamedImage[],
  options: { size: [number, number] | null; channels: 1 | 3 },
  classNames: readonly string[] | null,
): Dataset {
  if (images.length === 0) {
    throw new DataFormatError({
      functionName,
      source,
      problem: `'${source}' has no pictures (PNG, JPEG, WebP, GIF or TIFF files).`,
    });
  }
  const first = images[0]!;
  const size = options.size ?? [first.image.height, first.image.width];
  const dim = size[0] * size[1] * options.channels;
  const values = new Float32Array(images.length * dim);
  images.forEach((entry, index) => {
    const { width, height } = entry.image;
    if (options.size === null && (height !== size[0] || width !== size[1])) {
      throw new DataFormatError({
        functionName,
        source: entry.name,
        problem: `'${entry.name}' is ${width}×${height} pixels but '${first.name}' is ${size[1]}×${size[0]}: give options.size to resize them all to one size.`,
      });
    }
    values.set(imageValues(entry.image, size, options.channels), index * dim);
  });
  const labelled = classNames !== null;
  return Dataset.fromArray(values, {
    shape: [images.length, size[0], size[1], options.channels],
    ...(labelled
      ? { labels: images.map((entry) => entry.label ?? 0), classNames: [...classNames] }
      : {}),
  });
}

/** File name endings of the pictures the loaders read (lower case). */
export const imageExtensions = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff'] as const;

/** Whether a file name ends in one of `imageExtensions` (any case) and is not hidden. */
export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && imageExtensions.some((extension) => lower.endsWith(extension));
}
