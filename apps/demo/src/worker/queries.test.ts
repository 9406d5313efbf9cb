import { describe, expect, it } from 'vitest';
import { corruptPixels, histogram } from './queries';

const image = Float32Array.from({ length: 784 }, (_, index) => ((index * 13) % 17) / 16);

describe('corruptPixels', () => {
  it('masking zeroes about the given fraction of pixels and leaves the rest', () => {
    const noisy = corruptPixels(image, { kind: 'masking', level: 0.5, seed: 3 });
    let hit = 0;
    noisy.forEach((value, index) => {
      if (value !== image[index]) {
        expect(value).toBe(0);
        hit += 1;
      }
    });
    // Binomial(784 · P(pixel ≠ 0), 0.5): its standard deviation is about 13.
    const nonZero = image.filter((value) => value !== 0).length;
    expect(Math.abs(hit - nonZero / 2)).toBeLessThan(60);
  });

  it('gaussian noise stays in [0, 1]; the same seed gives the same noise', () => {
    const noise = { kind: 'gaussian', level: 0.8, seed: 9 } as const;
    const first = corruptPixels(image, noise);
    expect(first.every((value) => value >= 0 && value <= 1)).toBe(true);
    expect(first.some((value, index) => value !== image[index])).toBe(true);
    expect(Array.from(corruptPixels(image, noise))).toEqual(Array.from(first));
  });

  it('salt and pepper sets hit pixels to 0 or 1; level 0 changes nothing', () => {
    const noisy = corruptPixels(image, { kind: 'salt-and-pepper', level: 1, seed: 1 });
    expect(noisy.every((value) => value === 0 || value === 1)).toBe(true);
    expect(noisy.filter((value) => value === 1).length).toBeGreaterThan(300);
    const clean = corruptPixels(image, { kind: 'salt-and-pepper', level: 0, seed: 1 });
    expect(Array.from(clean)).toEqual(Array.from(image));
  });
});

describe('histogram', () => {
  it('counts values into equal bins over their range, the maximum in the last bin', () => {
    const result = histogram(
      { title: 't', note: 'n', values: Float32Array.from([0, 0.1, 0.5, 0.99, 1]) },
      4,
    );
    expect(Array.from(result.edges)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(result.counts)).toEqual([2, 0, 1, 2]);
  });

  it('widens to a given span', () => {
    const result = histogram(
      { title: 't', note: 'n', values: Float32Array.from([0.5]), reference: 'standard-normal' },
      6,
      [-3, 3],
    );
    expect(Array.from(result.counts)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(result.reference).toBe('standard-normal');
  });
});
