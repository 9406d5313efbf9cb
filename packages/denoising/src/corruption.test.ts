import { InvalidArgumentError } from '@aekit/core';
import { describeBackends, expectNoLeaks, uniforms } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type Corruption, corrupt } from './corruption';

const rows = 200;
const cols = 500;
const count = rows * cols;
// Values in [0.1, 0.9): never 0 or 1, so a 0 or a 1 in the output can only come from noise.
const values = uniforms(count, 3, 0.1, 0.9);

function input(): tf.Tensor2D {
  return tf.tensor2d(values, [rows, cols]);
}

/** Five standard deviations of a Binomial(count, p) proportion. */
const fiveSigma = (p: number) => 5 * Math.sqrt((p * (1 - p)) / count);

function read(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

describeBackends(['cpu', 'wasm'], 'corrupt', () => {
  it('masking zeroes a fraction ≈ ν of the inputs and leaves the rest unchanged', () => {
    const x = input();
    for (const rate of [0.1, 0.25, 0.5]) {
      const y = corrupt(x, [{ type: 'masking', rate }], 11);
      const out = read(y);
      let zeros = 0;
      let changed = 0;
      out.forEach((value, index) => {
        if (value === 0) zeros += 1;
        else if (value !== Math.fround(values[index]!)) changed += 1;
      });
      expect(changed).toBe(0);
      expect(Math.abs(zeros / count - rate)).toBeLessThan(fiveSigma(rate));
      y.dispose();
    }
    x.dispose();
  });

  it('the same seed gives the same noise, another seed other noise; ν = 0 changes nothing', () => {
    const x = input();
    const masking: Corruption[] = [{ type: 'masking', rate: 0.3 }];
    const a = read(corrupt(x, masking, 5));
    const b = read(corrupt(x, masking, 5));
    const c = read(corrupt(x, masking, 6));
    expect(a.every((value, index) => value === b[index])).toBe(true);
    let differ = 0;
    a.forEach((value, index) => {
      if (value !== c[index]) differ += 1;
    });
    // Two independent masks disagree on 2·0.3·0.7 = 42% of the inputs.
    expect(Math.abs(differ / count - 0.42)).toBeLessThan(fiveSigma(0.42));
    const same = corrupt(x, [{ type: 'masking', rate: 0 }], 5);
    const original = read(x);
    expect(read(same).every((value, index) => value === original[index])).toBe(true);
    expect(same).not.toBe(x);
    tf.dispose([x, same]);
  });

  it('Gaussian noise has mean 0 and standard deviation σ; clipping clips exactly that noise', () => {
    const x = input();
    const std = 0.3;
    const noisy = corrupt(x, [{ type: 'gaussian', std }], 21);
    const out = read(noisy);
    let sum = 0;
    let squares = 0;
    out.forEach((value, index) => {
      const noise = value - values[index]!;
      sum += noise;
      squares += noise * noise;
    });
    const mean = sum / count;
    const deviation = Math.sqrt(squares / count - mean * mean);
    // Standard error of the mean σ/√n ≈ 0.00095; of the standard deviation σ/√(2n) ≈ 0.00067.
    expect(Math.abs(mean)).toBeLessThan((5 * std) / Math.sqrt(count));
    expect(Math.abs(deviation - std)).toBeLessThan((5 * std) / Math.sqrt(2 * count));
    const clipped = read(corrupt(x, [{ type: 'gaussian', std, clip: [0, 1] }], 21));
    let outside = 0;
    let wrong = 0;
    clipped.forEach((value, index) => {
      const raw = out[index]!;
      if (raw < 0 || raw > 1) outside += 1;
      if (value !== Math.min(Math.max(raw, 0), 1)) wrong += 1;
    });
    expect(wrong).toBe(0);
    // P(x + 0.3 ε ∉ [0, 1]) is a few percent for x in [0.1, 0.9): the clip did something.
    expect(outside).toBeGreaterThan(count / 100);
    tf.dispose([x, noisy]);
  });

  it('salt-and-pepper replaces a fraction ≈ p, half by low and half by high', () => {
    const x = input();
    const rate = 0.2;
    const y = read(corrupt(x, [{ type: 'salt-and-pepper', rate, low: -1, high: 2 }], 31));
    let low = 0;
    let high = 0;
    let changed = 0;
    y.forEach((value, index) => {
      if (value === -1) low += 1;
      else if (value === 2) high += 1;
      else if (value !== Math.fround(values[index]!)) changed += 1;
    });
    expect(changed).toBe(0);
    expect(Math.abs(low / count - rate / 2)).toBeLessThan(fiveSigma(rate / 2));
    expect(Math.abs(high / count - rate / 2)).toBeLessThan(fiveSigma(rate / 2));
    x.dispose();
  });

  it('composes corruptions in order', () => {
    const x = input();
    // Masking ν = 0.4, then salt-and-pepper p = 0.2 with low 0: an input ends at 0 if it was
    // masked and not replaced, or replaced by pepper; at 1 if replaced by salt.
    const y = read(
      corrupt(
        x,
        [
          { type: 'masking', rate: 0.4 },
          { type: 'salt-and-pepper', rate: 0.2 },
        ],
        41,
      ),
    );
    const zeros = y.filter((value) => value === 0).length / count;
    const ones = y.filter((value) => value === 1).length / count;
    const expectedZeros = 0.4 * 0.8 + 0.1;
    expect(Math.abs(zeros - expectedZeros)).toBeLessThan(fiveSigma(expectedZeros));
    expect(Math.abs(ones - 0.1)).toBeLessThan(fiveSigma(0.1));
    x.dispose();
  });

  it('frees its intermediates', async () => {
    const x = tf.tensor2d(uniforms(60, 1), [6, 10]);
    await expectNoLeaks(() =>
      corrupt(
        x,
        [
          { type: 'masking', rate: 0.2 },
          { type: 'gaussian', std: 0.1, clip: [0, 1] },
          { type: 'salt-and-pepper', rate: 0.1 },
        ],
        3,
      ).dispose(),
    );
    x.dispose();
  });
});

describe('corrupt errors', () => {
  it.each<[string, unknown, string]>([
    [
      'an empty list',
      [],
      "corrupt: 'corruptions' must be a non-empty array of corruptions ({ type: 'masking' | 'gaussian' | 'salt-and-pepper', … }), got [].",
    ],
    [
      'an unknown type',
      [{ type: 'blur' }],
      "corrupt: 'corruptions[0].type' must be one of 'masking', 'gaussian', 'salt-and-pepper', got \"blur\".",
    ],
    [
      'a masking rate of 1',
      [{ type: 'masking', rate: 1 }],
      "corrupt: 'corruptions[0].rate' must be a finite number in [0, 1), got 1.",
    ],
    [
      'a zero standard deviation',
      [
        { type: 'masking', rate: 0.1 },
        { type: 'gaussian', std: 0 },
      ],
      "corrupt: 'corruptions[1].std' must be a finite number > 0, got 0.",
    ],
    [
      'a reversed clip range',
      [{ type: 'gaussian', std: 0.1, clip: [1, 0] }],
      "corrupt: 'corruptions[0].clip' must be null or [low, high], two finite numbers with low < high, got [1, 0].",
    ],
    [
      'a misspelt field',
      [{ type: 'gaussian', sigma: 0.1 }],
      "corrupt: unknown option 'corruptions[0].sigma' (got 0.1); the options are type, std, clip.",
    ],
    [
      'a salt-and-pepper rate above 1',
      [{ type: 'salt-and-pepper', rate: 1.5 }],
      "corrupt: 'corruptions[0].rate' must be a finite number in [0, 1], got 1.5.",
    ],
  ])('rejects %s', (_, corruptions, message) => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    let caught: unknown;
    try {
      corrupt(x, corruptions as Corruption[], 1);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(message);
    x.dispose();
  });

  it('rejects a bad seed', () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => corrupt(x, [{ type: 'masking', rate: 0.1 }], 1.5)).toThrow(
      "corrupt: 'seed' must be an integer in [0, 4294967295], got 1.5.",
    );
    x.dispose();
  });
});
