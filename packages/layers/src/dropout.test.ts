import { initBackend } from '@aekit/runtime-wasm';
import {
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  selectedBackends,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dropout, maskingNoise } from './dropout';

const rows = 200;
const cols = 250;
const count = rows * cols;

/** Bit-for-bit equality of two float arrays (vitest's deep equality is slow on 50k items). */
function identical(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1)
    if (!Object.is(a[index], b[index])) return false;
  return true;
}

function input(): tf.Tensor2D {
  // Values 1 … count, all non-zero, so a zero in the output can only come from the mask.
  return tf.tensor2d(
    Float32Array.from({ length: count }, (_, index) => 1 + index),
    [rows, cols],
  );
}

describeBackends(['cpu', 'wasm'], 'dropout and maskingNoise', () => {
  it.each([
    ['dropout', dropout, 0.3, 1 / 0.7],
    ['maskingNoise', maskingNoise, 0.3, 1],
  ] as const)(
    '%s zeroes about rate·n elements and scales the rest by %s',
    (_, noise, rate, scale) => {
      const x = input();
      const y = noise(x, { rate, training: true, seed: 5 });
      const xs = x.dataSync();
      const ys = y.dataSync();
      let zeros = 0;
      const survivors: number[] = [];
      const expected: number[] = [];
      ys.forEach((value, index) => {
        if (value === 0) zeros += 1;
        else {
          survivors.push(value);
          expected.push(xs[index]! * scale);
        }
      });
      // Binomial(n, 0.3): standard deviation √(n·0.21) ≈ 102; allow five.
      expect(Math.abs(zeros - rate * count)).toBeLessThan(5 * Math.sqrt(count * rate * (1 - rate)));
      expectAllClose(survivors, expected);
      tf.dispose([x, y]);
    },
  );

  it('passes the input through, as a new tensor, when not training or at rate 0', () => {
    const x = input();
    for (const noise of [dropout, maskingNoise]) {
      for (const options of [
        { rate: 0.5, training: false },
        { rate: 0, training: true, seed: 1 },
      ]) {
        const y = noise(x, options);
        expect(y).not.toBe(x);
        expect(identical(y.dataSync(), x.dataSync())).toBe(true);
        y.dispose();
      }
    }
    x.dispose();
  });

  it('draws the same mask for the same seed and a different one for another', () => {
    const x = input();
    const [a, b, c] = [1, 1, 2].map((seed) => dropout(x, { rate: 0.5, training: true, seed }));
    expect(identical(a!.dataSync(), b!.dataSync())).toBe(true);
    expect(identical(a!.dataSync(), c!.dataSync())).toBe(false);
    tf.dispose([x, a!, b!, c!]);
  });

  it('rejects a missing seed or a rate outside [0, 1) by name', () => {
    const x = input();
    expect(() => dropout(x, { rate: 0.5, training: true })).toThrow(
      "dropout: 'options.seed' must be an integer in [0, 4294967295], got undefined.",
    );
    expect(() => maskingNoise(x, { rate: 1, training: true, seed: 1 })).toThrow(
      "maskingNoise: 'options.rate' must be a finite number in [0, 1), got 1.",
    );
    expect(() => dropout(x, { rate: 0.5, training: 'yes' as unknown as boolean })).toThrow(
      'dropout: \'options.training\' must be a boolean, got "yes".',
    );
    x.dispose();
  });

  it('does not leak', async () => {
    const x = input();
    await expectNoLeaks(() => {
      dropout(x, { rate: 0.2, training: true, seed: 3 }).dispose();
      maskingNoise(x, { rate: 0.2, training: true, seed: 3 }).dispose();
      dropout(x, { rate: 0.2, training: false }).dispose();
    });
    x.dispose();
  });
});

describe('dropout across backends', () => {
  it('zeroes the same elements on cpu and wasm for the same seed', async () => {
    const outputs: Float32Array[] = [];
    for (const backend of selectedBackends(['cpu', 'wasm'])) {
      await initBackend({ backend });
      const x = input();
      const y = dropout(x, { rate: 0.4, training: true, seed: 11 });
      outputs.push(y.dataSync() as Float32Array);
      tf.dispose([x, y]);
    }
    expect(outputs).toHaveLength(selectedBackends(['cpu', 'wasm']).length);
    for (const output of outputs) expect(identical(output, outputs[0]!)).toBe(true);
  });
});
