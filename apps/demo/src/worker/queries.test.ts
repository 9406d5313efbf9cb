import { describe, expect, it } from 'vitest';
import { histogram } from './queries';

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
