import { expectAllClose } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import { filterTiles } from './filter-tiles';

describe('filterTiles', () => {
  it('maps each row by its own largest magnitude: 0 grey, +max white, −max black', () => {
    // Row 0: largest magnitude 4 (negative); row 1: largest 0.5; row 2: all zeros.
    const weights = Float32Array.from([2, -4, 0, 1, 0.5, -0.25, 0, 0, 0]);
    const tiles = filterTiles(weights, 3, 3);
    // Reference: ½ + ½ w / max|w| per row, in float64.
    const expected = [
      0.5 + (0.5 * 2) / 4,
      0.5 - (0.5 * 4) / 4,
      0.5,
      0.5 + (0.5 * 1) / 1,
      0.5 + (0.5 * 0.5) / 1,
      0.5 - (0.5 * 0.25) / 1,
      0.5,
      0.5,
      0.5,
    ];
    expectAllClose(Array.from(tiles), expected, { rtol: 1e-6, atol: 1e-7 });
    expect(Math.min(...tiles)).toBe(0);
    expect(Math.max(...tiles)).toBe(1);
  });

  it('rejects too few weights', () => {
    expect(() => filterTiles([1, 2, 3], 2, 2)).toThrow(
      `filterTiles: 'weights' must be at least count × dim = 4 values, got "3 values".`,
    );
  });
});
