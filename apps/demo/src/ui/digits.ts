// Drawing 28 × 28 images into canvases: one canvas pixel per image pixel, tiles separated
// by a gap, scaled up by CSS (image-rendering: pixelated). The canvas holds the images'
// exact grey levels, which the end-to-end test reads back.

export const digitSide = 28;
export const digitPixels = digitSide * digitSide;
/** Canvas pixels between tiles. */
export const tileGap = 2;

/** The size of a grid of `count` tiles in `columns` columns, in canvas pixels. */
export function gridSize(count: number, columns: number): { width: number; height: number } {
  const rows = Math.max(1, Math.ceil(count / columns));
  const used = Math.min(count, columns);
  return {
    width: used * digitSide + (used - 1) * tileGap,
    height: rows * digitSide + (rows - 1) * tileGap,
  };
}

/** The top-left canvas pixel of tile `index`. */
export function tileOrigin(index: number, columns: number): { x: number; y: number } {
  return {
    x: (index % columns) * (digitSide + tileGap),
    y: Math.floor(index / columns) * (digitSide + tileGap),
  };
}

/**
 * The grey level a pixel value is drawn with: `'unit'` values in [0, 1] map to
 * round(255 · v) (clipped); `'symmetric'` values (filters) map each tile's ±max|v| to 0–255
 * with 0 at mid-grey.
 */
export type PixelScale = 'unit' | 'symmetric';

export function greyLevel(value: number, scale: PixelScale, tileMaxAbs = 1): number {
  if (scale === 'symmetric') {
    return Math.round(127.5 + (127.5 * value) / (tileMaxAbs || 1));
  }
  return Math.round(255 * Math.min(1, Math.max(0, value)));
}

/**
 * Draws `count` images of 784 values (row-major, white digit on black) into `canvas` in a grid
 * of `columns`, resizing the canvas to fit; `zoom` sets its CSS size.
 */
export function drawDigitGrid(
  canvas: HTMLCanvasElement,
  pixels: ArrayLike<number>,
  count: number,
  columns: number,
  options: { zoom?: number; scale?: PixelScale } = {},
): void {
  const { zoom = 3, scale = 'unit' } = options;
  const { width, height } = gridSize(count, columns);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  canvas.style.width = `${width * zoom}px`;
  canvas.style.height = `${height * zoom}px`;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.clearRect(0, 0, width, height);
  const image = context.createImageData(digitSide, digitSide);
  for (let tile = 0; tile < count; tile += 1) {
    const offset = tile * digitPixels;
    let maxAbs = 0;
    if (scale === 'symmetric') {
      for (let p = 0; p < digitPixels; p += 1) {
        maxAbs = Math.max(maxAbs, Math.abs(pixels[offset + p]!));
      }
    }
    for (let p = 0; p < digitPixels; p += 1) {
      const level = greyLevel(pixels[offset + p]!, scale, maxAbs);
      image.data[p * 4] = level;
      image.data[p * 4 + 1] = level;
      image.data[p * 4 + 2] = level;
      image.data[p * 4 + 3] = 255;
    }
    const { x, y } = tileOrigin(tile, columns);
    context.putImageData(image, x, y);
  }
}

/** Test digit `index` as 784 values in [0, 1]. */
export function digitValues(bytes: Uint8Array, index: number): Float32Array {
  return Float32Array.from(
    bytes.subarray(index * digitPixels, (index + 1) * digitPixels),
    (byte) => byte / 255,
  );
}
