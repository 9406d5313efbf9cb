import { expectAllClose, pool64, uniforms, window64 } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './index';

/**
 * The gradient of Σ g·maxPool(x) from the definition: each window's g goes to the first of its
 * largest values, over the pixels inside the image.
 */
function maxPoolGrad64(
  x: Float32Array,
  g: Float32Array,
  shape: [number, number, number, number],
  size: number,
  stride: number,
  padding: 'same' | 'valid',
): Float64Array {
  const geometry = window64(shape, [size, size], [stride, stride], padding);
  const [batch, height, width, channels] = shape;
  const [outH, outW] = geometry.outSize;
  const dx = new Float64Array(x.length);
  for (let n = 0; n < batch; n += 1)
    for (let i = 0; i < outH; i += 1)
      for (let j = 0; j < outW; j += 1)
        for (let c = 0; c < channels; c += 1) {
          let best = -1;
          for (let p = 0; p < size; p += 1)
            for (let q = 0; q < size; q += 1) {
              const row = i * stride + p - geometry.pad.top;
              const col = j * stride + q - geometry.pad.left;
              if (row < 0 || row >= height || col < 0 || col >= width) continue;
              const at = ((n * height + row) * width + col) * channels + c;
              if (best < 0 || x[at]! > x[best]!) best = at;
            }
          dx[best]! += g[((n * outH + i) * outW + j) * channels + c]!;
        }
  return dx;
}

describe('MaxPoolGrad on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  // Negative windows (the stock kernel drops their gradient), overlapping windows, edge windows.
  for (const [shape, size, stride, padding] of [
    [[1, 28, 28, 1], 2, 2, 'valid'],
    [[2, 13, 11, 3], 3, 2, 'same'],
    [[3, 7, 9, 32], 3, 1, 'valid'],
  ] as const) {
    it(`routes each window's gradient to its largest value: ${shape.join('×')}, ${size}×${size} / ${stride} ${padding}`, () => {
      const count = (shape as readonly number[]).reduce((a, b) => a * b, 1);
      const x = tf.tensor4d(uniforms(count, 11), [...shape]);
      const geometry = window64([...shape], [size, size], [stride, stride], padding);
      const outShape = [shape[0], ...geometry.outSize, shape[3]] as [
        number,
        number,
        number,
        number,
      ];
      const g = tf.tensor4d(
        uniforms(
          outShape.reduce((a, b) => a * b, 1),
          12,
        ),
        outShape,
      );
      expect(Array.from(pool64(x.dataSync(), geometry, 'max')).some((v) => v < 0)).toBe(true);
      const dx = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, size, stride, padding), g)),
      )(x);
      expectAllClose(
        dx.dataSync(),
        maxPoolGrad64(
          x.dataSync() as Float32Array,
          g.dataSync() as Float32Array,
          [...shape],
          size,
          stride,
          padding,
        ),
        { atol: 1e-7, rtol: 1e-6 },
      );
      tf.dispose([x, g, dx]);
    });
  }
});
