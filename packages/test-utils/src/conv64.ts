/**
 * Float64 references for convolutions, pooling and upsampling on NHWC images, written from the
 * definitions with plain loops over flat arrays (row-major, channels last), independent of any
 * library code. Padding is given as the zeros added before the first row and column (`top`,
 * `left`); the output size says how far the window goes.
 */

/** The geometry of one convolution or pooling window sweep over `[N, H, W, C]` images. */
export interface Window64 {
  /** `[N, H, W, C]` of the input. */
  readonly inShape: readonly [number, number, number, number];
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Zeros before the first row and the first column. */
  readonly pad: { readonly top: number; readonly left: number };
  /** Rows and columns of the output. */
  readonly outSize: readonly [number, number];
}

/**
 * Output size and leading padding of a window sweep, from the definitions: `'valid'` places the
 * window only where it fits; `'same'` gives ⌈in / stride⌉ outputs and splits the padding needed
 * for that with the smaller half first (TensorFlow's rule); a number p pads p on both sides and
 * gives ⌊(in + 2p − k) / stride⌋ + 1.
 */
export function windowSize64(
  inSize: number,
  kernel: number,
  stride: number,
  padding: 'same' | 'valid' | number,
): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((inSize - kernel) / stride) + 1, before: 0 };
  if (padding === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max((out - 1) * stride + kernel - inSize, 0);
    return { out, before: Math.floor(total / 2) };
  }
  return { out: Math.floor((inSize + 2 * padding - kernel) / stride) + 1, before: padding };
}

/** A sweep from `[N, H, W, C]` with a `[kH, kW]` window and the given padding rule. */
export function window64(
  inShape: readonly [number, number, number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: 'same' | 'valid' | number,
): Window64 {
  const rows = windowSize64(inShape[1], kernel[0], stride[0], padding);
  const cols = windowSize64(inShape[2], kernel[1], stride[1], padding);
  return {
    inShape,
    kernel,
    stride,
    pad: { top: rows.before, left: cols.before },
    outSize: [rows.out, cols.out],
  };
}

/**
 * Calls `visit(inIndex, outPosition, kernelPosition)` for every pair of an input pixel inside the
 * image and an output position its window covers: output (i, j) sees input row
 * i·strideH + p − top and column j·strideW + q − left for kernel tap (p, q).
 */
function forEachTap(
  geometry: Window64,
  visit: (
    n: number,
    inRow: number,
    inCol: number,
    i: number,
    j: number,
    p: number,
    q: number,
  ) => void,
): void {
  const [batch, height, width] = geometry.inShape;
  const [outH, outW] = geometry.outSize;
  const [kH, kW] = geometry.kernel;
  for (let n = 0; n < batch; n += 1) {
    for (let i = 0; i < outH; i += 1) {
      for (let j = 0; j < outW; j += 1) {
        for (let p = 0; p < kH; p += 1) {
          const inRow = i * geometry.stride[0] + p - geometry.pad.top;
          if (inRow < 0 || inRow >= height) continue;
          for (let q = 0; q < kW; q += 1) {
            const inCol = j * geometry.stride[1] + q - geometry.pad.left;
            if (inCol < 0 || inCol >= width) continue;
            visit(n, inRow, inCol, i, j, p, q);
          }
        }
      }
    }
  }
}

/** A convolution in float64 and the gradients of Σ g·y with respect to its input and filter. */
export interface Conv64 {
  /** `[N, outH, outW, outC]`. */
  readonly y: Float64Array;
  /** With `g`: `[N, H, W, inC]`. */
  readonly dx?: Float64Array;
  /** With `g`: `[kH, kW, inC, outC]`. */
  readonly dw?: Float64Array;
  /** With `g`: `[outC]`. */
  readonly db?: Float64Array;
}

/**
 * y[n, i, j, o] = b[o] + Σ_{p, q, c} x[n, i·sH + p − top, j·sW + q − left, c] · w[p, q, c, o]
 * (cross-correlation, as deep-learning libraries define convolution; zeros outside the image),
 * for `x [N, H, W, inC]` and `w [kH, kW, inC, outC]`. With `g [N, outH, outW, outC]` also the
 * gradients of Σ g·y.
 */
export function conv2d64(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  geometry: Window64,
  outChannels: number,
  g?: ArrayLike<number>,
): Conv64 {
  const [, height, width, inC] = geometry.inShape;
  const [outH, outW] = geometry.outSize;
  const [, kW] = geometry.kernel;
  const batch = geometry.inShape[0];
  const y = new Float64Array(batch * outH * outW * outChannels);
  const dx = g === undefined ? undefined : new Float64Array(x.length);
  const dw = g === undefined ? undefined : new Float64Array(w.length);
  const outAt = (n: number, i: number, j: number) => ((n * outH + i) * outW + j) * outChannels;
  forEachTap(geometry, (n, inRow, inCol, i, j, p, q) => {
    const xBase = ((n * height + inRow) * width + inCol) * inC;
    const yBase = outAt(n, i, j);
    for (let c = 0; c < inC; c += 1) {
      const wBase = ((p * kW + q) * inC + c) * outChannels;
      for (let o = 0; o < outChannels; o += 1) {
        y[yBase + o]! += x[xBase + c]! * w[wBase + o]!;
        if (g !== undefined) {
          dx![xBase + c]! += g[yBase + o]! * w[wBase + o]!;
          dw![wBase + o]! += g[yBase + o]! * x[xBase + c]!;
        }
      }
    }
  });
  return { y: addBias(y, b, outChannels), dx, dw, db: biasGradient(g, outChannels) };
}

/**
 * The transposed convolution, from its definition as a scatter: every input pixel x[n, i, j, c]
 * adds x · w[p, q, o, c] to output pixel (i·sH + p − top, j·sW + q − left) of channel o (the
 * positions that fall inside the output), plus b[o]. `w` is `[kH, kW, outC, inC]`; the output
 * `[N, outH, outW, outC]` has the size `geometry.inShape` gives (the image the matching
 * convolution would read), while `x` has `geometry.outSize`.
 */
export function convTranspose2d64(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  geometry: Window64,
  inChannels: number,
  g?: ArrayLike<number>,
): Conv64 {
  const [batch, height, width, outC] = geometry.inShape;
  const [xH, xW] = geometry.outSize;
  const [, kW] = geometry.kernel;
  const y = new Float64Array(batch * height * width * outC);
  const dx = g === undefined ? undefined : new Float64Array(x.length);
  const dw = g === undefined ? undefined : new Float64Array(w.length);
  forEachTap(geometry, (n, row, col, i, j, p, q) => {
    const xBase = ((n * xH + i) * xW + j) * inChannels;
    const yBase = ((n * height + row) * width + col) * outC;
    for (let o = 0; o < outC; o += 1) {
      const wBase = ((p * kW + q) * outC + o) * inChannels;
      for (let c = 0; c < inChannels; c += 1) {
        y[yBase + o]! += x[xBase + c]! * w[wBase + c]!;
        if (g !== undefined) {
          dx![xBase + c]! += g[yBase + o]! * w[wBase + c]!;
          dw![wBase + c]! += g[yBase + o]! * x[xBase + c]!;
        }
      }
    }
  });
  return { y: addBias(y, b, outC), dx, dw, db: biasGradient(g, outC) };
}

function addBias(y: Float64Array, b: ArrayLike<number> | null, channels: number): Float64Array {
  if (b !== null)
    for (let index = 0; index < y.length; index += 1) y[index]! += b[index % channels]!;
  return y;
}

function biasGradient(
  g: ArrayLike<number> | undefined,
  channels: number,
): Float64Array | undefined {
  if (g === undefined) return undefined;
  const db = new Float64Array(channels);
  for (let index = 0; index < g.length; index += 1) db[index % channels]! += g[index]!;
  return db;
}

/**
 * Max or mean over each window of `x [N, H, W, C]`, per channel, over the pixels inside the
 * image (padding never wins a max and is not counted in a mean), `[N, outH, outW, C]`.
 */
export function pool64(
  x: ArrayLike<number>,
  geometry: Window64,
  kind: 'max' | 'avg',
): Float64Array {
  const [batch, height, width, channels] = geometry.inShape;
  const [outH, outW] = geometry.outSize;
  const y = new Float64Array(batch * outH * outW * channels).fill(
    kind === 'max' ? Number.NEGATIVE_INFINITY : 0,
  );
  const counts = new Float64Array(batch * outH * outW);
  forEachTap(geometry, (n, inRow, inCol, i, j) => {
    const at = (n * outH + i) * outW + j;
    counts[at]! += 1;
    for (let c = 0; c < channels; c += 1) {
      const value = x[((n * height + inRow) * width + inCol) * channels + c]!;
      y[at * channels + c] =
        kind === 'max' ? Math.max(y[at * channels + c]!, value) : y[at * channels + c]! + value;
    }
  });
  if (kind === 'avg')
    for (let index = 0; index < y.length; index += 1)
      y[index]! /= counts[Math.floor(index / channels)]!;
  return y;
}

/** Nearest-neighbour upsampling by integer factors: y[n, i, j, c] = x[n, ⌊i / fH⌋, ⌊j / fW⌋, c]. */
export function upsampleNearest64(
  x: ArrayLike<number>,
  inShape: readonly [number, number, number, number],
  factor: readonly [number, number],
): Float64Array {
  const [batch, height, width, channels] = inShape;
  const outH = height * factor[0];
  const outW = width * factor[1];
  const y = new Float64Array(batch * outH * outW * channels);
  for (let n = 0; n < batch; n += 1)
    for (let i = 0; i < outH; i += 1)
      for (let j = 0; j < outW; j += 1)
        for (let c = 0; c < channels; c += 1)
          y[((n * outH + i) * outW + j) * channels + c] =
            x[
              ((n * height + Math.floor(i / factor[0])) * width + Math.floor(j / factor[1])) *
                channels +
                c
            ]!;
  return y;
}
