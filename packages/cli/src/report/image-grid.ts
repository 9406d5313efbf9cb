import { checkInteger, checkPositiveInteger, InvalidArgumentError } from '@aekit/core';
import { PNG } from 'pngjs';

/** How to lay images out in a grid. */
export interface ImageGridOptions {
  /** Width and height of one image in pixels, e.g. 28 × 28. */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Images per row. */
  readonly columns: number;
  /** Pixels of background between images. Default 2. */
  readonly padding?: number;
  /** Each pixel drawn as scale × scale. Default 2. */
  readonly scale?: number;
  /** Values per pixel, channels last: 1 (grey, the default) or 3 (RGB). */
  readonly channels?: 1 | 3;
}

/**
 * Renders `count` images (row-major `[count, imageHeight·imageWidth·channels]`, channels last,
 * intensities in [0, 1], clipped) as one PNG grid on a dark background: grey ones white on
 * black as in the usual MNIST figures, RGB ones in colour.
 */
export function imageGridPng(
  images: ArrayLike<number>,
  count: number,
  options: ImageGridOptions,
): Buffer {
  checkPositiveInteger('imageGridPng', 'count', count);
  const imageWidth = checkPositiveInteger('imageGridPng', 'imageWidth', options.imageWidth);
  const imageHeight = checkPositiveInteger('imageGridPng', 'imageHeight', options.imageHeight);
  const columns = Math.min(count, checkPositiveInteger('imageGridPng', 'columns', options.columns));
  const padding = checkInteger('imageGridPng', 'padding', options.padding ?? 2, { min: 0 });
  const scale = checkPositiveInteger('imageGridPng', 'scale', options.scale ?? 2);
  const channels = options.channels ?? 1;
  if (channels !== 1 && channels !== 3) {
    throw new InvalidArgumentError({
      functionName: 'imageGridPng',
      argument: 'channels',
      rule: '1 (grey) or 3 (RGB)',
      value: channels,
    });
  }
  const pixels = imageWidth * imageHeight * channels;
  if (images.length < count * pixels) {
    throw new InvalidArgumentError({
      functionName: 'imageGridPng',
      argument: 'images',
      rule: `at least count × ${pixels} = ${count * pixels} values`,
      value: `${images.length} values`,
    });
  }
  const rows = Math.ceil(count / columns);
  const cellWidth = imageWidth * scale + padding;
  const cellHeight = imageHeight * scale + padding;
  const png = new PNG({
    width: columns * cellWidth + padding,
    height: rows * cellHeight + padding,
  });
  png.data.fill(0);
  for (let offset = 3; offset < png.data.length; offset += 4) png.data[offset] = 255;
  // Background a dark slate, so black pixels of the images show their frame.
  for (let offset = 0; offset < png.data.length; offset += 4) {
    png.data[offset] = 40;
    png.data[offset + 1] = 44;
    png.data[offset + 2] = 52;
  }
  for (let index = 0; index < count; index += 1) {
    const left = padding + (index % columns) * cellWidth;
    const top = padding + Math.floor(index / columns) * cellHeight;
    for (let y = 0; y < imageHeight; y += 1) {
      for (let x = 0; x < imageWidth; x += 1) {
        const first = index * pixels + (y * imageWidth + x) * channels;
        const levels = [0, 1, 2].map((channel) => {
          const value = images[first + (channels === 3 ? channel : 0)]!;
          return Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0)));
        });
        for (let dy = 0; dy < scale; dy += 1) {
          for (let dx = 0; dx < scale; dx += 1) {
            const offset = ((top + y * scale + dy) * png.width + left + x * scale + dx) * 4;
            png.data[offset] = levels[0]!;
            png.data[offset + 1] = levels[1]!;
            png.data[offset + 2] = levels[2]!;
          }
        }
      }
    }
  }
  return PNG.sync.write(png);
}

/** A PNG as a `data:` URL for embedding in a self-contained HTML page. */
export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
