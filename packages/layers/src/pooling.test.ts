import {
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  pool64,
  uniforms,
  upsampleNearest64,
  window64,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { avgPool2d, flatten, maxPool2d, unflatten, upsampleNearest2d } from './pooling';

const shapes: readonly (readonly [number, number, number, number])[] = [
  [2, 13, 11, 3],
  [1, 28, 28, 1],
  [3, 7, 9, 32],
];

/** Σ of a·b in float64. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < a.length; index += 1) sum += a[index]! * b[index]!;
  return sum;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

describeBackends(['cpu', 'wasm'], 'pooling and upsampling', () => {
  for (const [index, shape] of shapes.entries()) {
    for (const padding of ['valid', 'same'] as const) {
      for (const [size, stride] of [
        [2, 2],
        [3, 2],
      ] as const) {
        it(`max and mean of ${size}×${size} windows, stride ${stride}, ${padding}, on ${shape.join('×')}`, () => {
          const x = tf.tensor4d(uniforms(count(shape), 10 + index), [...shape]);
          const geometry = window64(shape, [size, size], [stride, stride], padding);
          const max = maxPool2d(x, { size, stride, padding });
          const mean = avgPool2d(x, { size, stride, padding });
          expect(max.shape).toEqual([shape[0], ...geometry.outSize, shape[3]]);
          expectAllClose(max.dataSync(), pool64(x.dataSync(), geometry, 'max'), {
            atol: 0,
            rtol: 0,
          });
          expectAllClose(mean.dataSync(), pool64(x.dataSync(), geometry, 'avg'), {
            atol: 1e-7,
            rtol: 1e-6,
          });
          tf.dispose([x, max, mean]);
        });
      }
    }

    it(`routes the gradient of a max to each window's largest value, on ${shape.join('×')}`, () => {
      // Distinct values, so each window has one largest.
      const x = tf.tensor4d(uniforms(count(shape), 20 + index), [...shape]);
      const geometry = window64(shape, [2, 2], [2, 2], 'valid');
      const g = tf.tensor4d(uniforms(count([shape[0], ...geometry.outSize, shape[3]]), 30), [
        shape[0],
        ...geometry.outSize,
        shape[3],
      ]);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(maxPool2d(input as tf.Tensor4D), g)))(
        x,
      );
      // From the definition: each output's gradient lands on its window's argmax.
      const values = x.dataSync();
      const upstream = g.dataSync();
      const expected = new Float64Array(values.length);
      const [batch, height, width, channels] = shape;
      const [outH, outW] = geometry.outSize;
      for (let n = 0; n < batch; n += 1)
        for (let i = 0; i < outH; i += 1)
          for (let j = 0; j < outW; j += 1)
            for (let c = 0; c < channels; c += 1) {
              let best = -1;
              for (let p = 0; p < 2; p += 1)
                for (let q = 0; q < 2; q += 1) {
                  const at = ((n * height + 2 * i + p) * width + 2 * j + q) * channels + c;
                  if (best < 0 || values[at]! > values[best]!) best = at;
                }
              expected[best]! += upstream[((n * outH + i) * outW + j) * channels + c]!;
            }
      expectAllClose(dx.dataSync(), expected, { atol: 0, rtol: 0 });
      tf.dispose([x, g, dx]);
    });

    it(`gives the adjoint as the gradient of a mean and of upsampling, on ${shape.join('×')}`, () => {
      // For a linear map A, the gradient of Σ g·A(x) is Aᵀg: ⟨Aᵀg, v⟩ = ⟨g, A v⟩ for every v.
      const v = tf.tensor4d(uniforms(count(shape), 40 + index), [...shape]);
      for (const map of [
        (input: tf.Tensor4D) => avgPool2d(input, { size: 3, stride: 2, padding: 'same' }),
        (input: tf.Tensor4D) => upsampleNearest2d(input, 2),
      ]) {
        const out = map(v);
        const g = tf.tensor4d(uniforms(out.size, 50 + index), out.shape);
        const adjoint = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(map(input as tf.Tensor4D), g)))(
          v,
        );
        const lhs = dot(adjoint.dataSync(), v.dataSync());
        const rhs = dot(g.dataSync(), out.dataSync());
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.abs(rhs) + 1e-6);
        tf.dispose([out, g, adjoint]);
      }
      v.dispose();
    });

    it(`upsamples by copying the nearest pixel, on ${shape.join('×')}`, () => {
      const x = tf.tensor4d(uniforms(count(shape), 60 + index), [...shape]);
      const y = upsampleNearest2d(x, 2);
      expect(y.shape).toEqual([shape[0], shape[1] * 2, shape[2] * 2, shape[3]]);
      expectAllClose(y.dataSync(), upsampleNearest64(x.dataSync(), shape, [2, 2]), {
        atol: 0,
        rtol: 0,
      });
      const y3 = upsampleNearest2d(x, 3);
      expectAllClose(y3.dataSync(), upsampleNearest64(x.dataSync(), shape, [3, 3]), {
        atol: 0,
        rtol: 0,
      });
      tf.dispose([x, y, y3]);
    });
  }

  it('flattens channels last and unflattens back, leaving no tensor behind', async () => {
    const x = tf.tensor4d(uniforms(2 * 3 * 4 * 5, 70), [2, 3, 4, 5]);
    await expectNoLeaks(() => {
      const flat = flatten(x);
      expect(flat.shape).toEqual([2, 60]);
      // Value (n, i, j, c) at (i·width + j)·channels + c.
      expect(flat.dataSync()[1 * 60 + (2 * 4 + 3) * 5 + 4]).toBe(
        x.dataSync()[((1 * 3 + 2) * 4 + 3) * 5 + 4],
      );
      const back = unflatten(flat, [3, 4, 5]);
      expectAllClose(back, x, { atol: 0, rtol: 0 });
      tf.dispose([flat, back]);
    });
    expect(() => unflatten(flatten(x), [3, 4, 4])).toThrow(/unflatten: 'x'/);
    expect(() => maxPool2d(x, { size: 4 })).toThrow(
      'maxPool2d: \'x\' must be an image at least 4×4 for a 4×4 window without padding, got "3×4".',
    );
    expect(() => avgPool2d(x, { padding: 'full' as 'same' })).toThrow(
      `avgPool2d: 'options.padding' must be 'same' or 'valid', got "full".`,
    );
    expect(() => upsampleNearest2d(x, 0)).toThrow(
      "upsampleNearest2d: 'factor' must be a positive integer, got 0.",
    );
    x.dispose();
  });
});
