import { checkPositiveInteger, checkTensor, InvalidArgumentError } from '@aekit/core';
import {
  avgPool,
  maxPool,
  mul,
  ones,
  pad,
  reshape,
  type Tensor2D,
  type Tensor4D,
  tensor4d,
  tidy,
} from '@tensorflow/tfjs-core';

/**
 * Pooling, upsampling and the reshapes between images and vectors, for NHWC images
 * `[batch, height, width, channels]`. None has parameters. The stock tfjs kernels of `wasm` and
 * `cpu` cover these and their gradients (`MaxPool`/`MaxPoolGrad`, `AvgPool`/`AvgPoolGrad`,
 * `ResizeNearestNeighbor`/`…Grad`), so they train on both backends; one of those gradients is
 * wrong in tfjs 4.22, and one of `cpu`'s, and are worked around (`avgPool2d` and
 * `upsampleNearest2d` here, `MaxPoolGrad` on `wasm` by `@aekit/runtime-wasm`).
 */

/** Options of `maxPool2d` and `avgPool2d`. */
export interface PoolOptions {
  /** Window rows and columns. Default 2. */
  readonly size?: number;
  /** Step of the window. Default: the window size (windows side by side). */
  readonly stride?: number;
  /**
   * `'valid'` (default): windows only where they fit; `'same'`: ⌈in / stride⌉ outputs, the
   * windows at the edge covering only the pixels inside the image (a mean over those pixels,
   * like TensorFlow; PyTorch's `AvgPool2d` with `padding` counts the zeros by default).
   */
  readonly padding?: 'same' | 'valid';
}

function poolSettings(
  functionName: string,
  x: Tensor4D,
  options: PoolOptions,
): { size: number; stride: number; padding: 'same' | 'valid' } {
  checkTensor(functionName, 'x', x, { rank: 4 });
  const size = checkPositiveInteger(functionName, 'options.size', options.size ?? 2);
  const stride = checkPositiveInteger(functionName, 'options.stride', options.stride ?? size);
  const padding = options.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') {
    throw new InvalidArgumentError({
      functionName,
      argument: 'options.padding',
      rule: "'same' or 'valid'",
      value: padding,
    });
  }
  if (padding === 'valid' && (x.shape[1] < size || x.shape[2] < size)) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'x',
      rule: `an image at least ${size}×${size} for a ${size}×${size} window without padding`,
      value: `${x.shape[1]}×${x.shape[2]}`,
    });
  }
  return { size, stride, padding };
}

/** The largest value of each window, per channel. @returns owned by the caller. */
export function maxPool2d(x: Tensor4D, options: PoolOptions = {}): Tensor4D {
  const { size, stride, padding } = poolSettings('maxPool2d', x, options);
  return maxPool(x, size, stride, padding);
}

/**
 * The mean of each window, per channel. @returns owned by the caller.
 *
 * tfjs's own `'same'` mean (4.22, `cpu` and `wasm`) has a gradient that does not match it: the
 * forward pass divides an edge window by the pixels inside the image, the gradient by the whole
 * window (measured: ⟨∇, v⟩ = −0.261 against ⟨g, A v⟩ = −0.305 on a 6×6 image, 3×3 windows,
 * stride 2). So `'same'` is computed here as zero padding, a `'valid'` mean of whole windows
 * and a per-position factor window / inside, whose gradients tfjs has right.
 */
export function avgPool2d(x: Tensor4D, options: PoolOptions = {}): Tensor4D {
  const { size, stride, padding } = poolSettings('avgPool2d', x, options);
  if (padding === 'valid') return avgPool(x, size, stride, 'valid');
  const rows = samePadding(x.shape[1], size, stride);
  const cols = samePadding(x.shape[2], size, stride);
  const factors = new Float32Array(rows.out * cols.out);
  for (let i = 0; i < rows.out; i += 1) {
    for (let j = 0; j < cols.out; j += 1) {
      factors[i * cols.out + j] = (size * size) / (rows.inside[i]! * cols.inside[j]!);
    }
  }
  return tidy(() => {
    const padded = pad(x, [
      [0, 0],
      [rows.before, rows.after],
      [cols.before, cols.after],
      [0, 0],
    ]);
    return mul(
      avgPool(padded, size, stride, 'valid'),
      tensor4d(factors, [1, rows.out, cols.out, 1]),
    ) as Tensor4D;
  });
}

/**
 * TensorFlow's `'same'` geometry along one axis: ⌈in / stride⌉ windows, the padding split with
 * the smaller half before, and how many pixels of each window are inside the image.
 */
function samePadding(
  inSize: number,
  size: number,
  stride: number,
): { out: number; before: number; after: number; inside: number[] } {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + size - inSize, 0);
  const before = Math.floor(total / 2);
  const inside = Array.from({ length: out }, (_, index) => {
    const start = index * stride - before;
    return Math.min(start + size, inSize) - Math.max(start, 0);
  });
  return { out, before, after: total - before, inside };
}

/**
 * Nearest-neighbour upsampling by an integer factor: output pixel (i, j) copies input pixel
 * (⌊i / factor⌋, ⌊j / factor⌋) — PyTorch's `Upsample(scale_factor, mode='nearest')`.
 * @returns `[batch, height·factor, width·factor, channels]`, owned by the caller.
 *
 * Computed as a reshape and a product with ones rather than tfjs's `resizeNearestNeighbor`: the `cpu`
 * backend's gradient of that (tfjs 4.22) is wrong for a batch of more than one image (measured:
 * ⟨∇, v⟩ = −1.607 against ⟨g, A v⟩ = −5.206 on 2 images of 6×6); that product's gradient, a sum,
 * is right on both backends.
 */
export function upsampleNearest2d(x: Tensor4D, factor = 2): Tensor4D {
  checkTensor('upsampleNearest2d', 'x', x, { rank: 4 });
  const scale = checkPositiveInteger('upsampleNearest2d', 'factor', factor);
  const [batch, height, width, channels] = x.shape;
  return tidy(() =>
    reshape(
      mul(reshape(x, [batch, height, 1, width, 1, channels]), ones([1, 1, scale, 1, scale, 1])),
      [batch, height * scale, width * scale, channels],
    ),
  );
}

/**
 * `[batch, height, width, channels]` → `[batch, height·width·channels]`, in that (channels-last)
 * order: value (i, j, c) lands at (i·width + j)·channels + c. PyTorch's `Flatten` on its
 * `[batch, channels, height, width]` images orders by channel first; a dense layer after the
 * flatten sees the same values in another order.
 */
export function flatten(x: Tensor4D): Tensor2D {
  checkTensor('flatten', 'x', x, { rank: 4 });
  const [batch, height, width, channels] = x.shape;
  return reshape(x, [batch, height * width * channels]);
}

/** The inverse of `flatten`: `[batch, h·w·c]` → `[batch, h, w, c]` for `shape` `[h, w, c]`. */
export function unflatten(x: Tensor2D, shape: readonly [number, number, number]): Tensor4D {
  const functionName = 'unflatten';
  const height = checkPositiveInteger(functionName, 'shape[0]', shape?.[0]);
  const width = checkPositiveInteger(functionName, 'shape[1]', shape?.[1]);
  const channels = checkPositiveInteger(functionName, 'shape[2]', shape?.[2]);
  checkTensor(functionName, 'x', x, { rank: 2, shape: [null, height * width * channels] });
  return reshape(x, [x.shape[0], height, width, channels]);
}
