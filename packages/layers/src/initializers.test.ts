import { InvalidArgumentError } from '@aekit/core';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import { initialTensor, initialValues } from './initializers';

function moments(values: Float32Array): { mean: number; variance: number } {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, variance: squares / values.length };
}

describe('initialValues', () => {
  const fanIn = 300;
  const fanOut = 200;
  const count = fanIn * fanOut;

  // Target variances from the published formulas: Glorot & Bengio (2010) 2/(fanIn+fanOut),
  // He et al. (2015) 2/fanIn; a uniform U(−l, l) has variance l²/3.
  it.each([
    ['glorotUniform', 2 / (fanIn + fanOut), Math.sqrt(6 / (fanIn + fanOut))],
    ['heUniform', 2 / fanIn, Math.sqrt(6 / fanIn)],
  ] as const)('%s: U(−l, l) with the right variance', (init, variance, limit) => {
    const values = initialValues([fanIn, fanOut], init, 1);
    expect(values).toHaveLength(count);
    const stats = moments(values);
    // Standard error of the mean: √(variance/n); of the variance of a uniform: ≈ 0.9·variance/√n.
    expect(Math.abs(stats.mean)).toBeLessThan(4 * Math.sqrt(variance / count));
    expect(Math.abs(stats.variance / variance - 1)).toBeLessThan(0.02);
    expect(Math.max(...values)).toBeLessThanOrEqual(limit);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-limit);
    // The extremes come close to ±l: a uniform, not a narrower distribution.
    expect(Math.max(...values)).toBeGreaterThan(0.999 * limit);
  });

  it.each([
    ['glorotNormal', 2 / (fanIn + fanOut)],
    ['heNormal', 2 / fanIn],
  ] as const)('%s: truncated normal with the right variance', (init, variance) => {
    const values = initialValues([fanIn, fanOut], init, 2);
    const stats = moments(values);
    expect(Math.abs(stats.mean)).toBeLessThan(4 * Math.sqrt(variance / count));
    // Variance of the sample variance of a (near-)normal: 2σ⁴/n, so the relative error has
    // standard deviation √(2/n) ≈ 0.006; 0.03 is five of those.
    expect(Math.abs(stats.variance / variance - 1)).toBeLessThan(0.03);
    // Truncated at two standard deviations of the untruncated normal, σ/0.8796.
    const bound = (2 * Math.sqrt(variance)) / 0.87962566103423978;
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.99 * bound);
  });

  it('zeros are zeros', () => {
    expect(Array.from(initialValues([3, 2], 'zeros', 0))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('is a pure function of the seed', () => {
    expect(initialValues([20, 10], 'heNormal', 7)).toEqual(initialValues([20, 10], 'heNormal', 7));
    expect(initialValues([20, 10], 'heNormal', 7)).not.toEqual(
      initialValues([20, 10], 'heNormal', 8),
    );
  });

  it('rejects a bad shape, initialiser or seed by name', () => {
    expect(() => initialValues([0, 3] as [number, number], 'zeros', 0)).toThrow(
      "initialValues: 'shape' must be [fanIn, fanOut], [n] or [kH, kW, a, b] with positive integer sizes, got [0, 3].",
    );
    expect(() => initialValues([2, 2], 'orthogonal' as 'zeros', 0)).toThrow(
      `initialValues: 'init' must be one of 'glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'zeros', got "orthogonal".`,
    );
    expect(() => initialValues([2, 2], 'heUniform', -1)).toThrow(InvalidArgumentError);
  });
});

describeBackends(['cpu', 'wasm'], 'initialTensor', () => {
  it('holds exactly the initial values, and does not leak', async () => {
    const t = initialTensor([4, 5], 'glorotUniform', 3);
    expect(t.shape).toEqual([4, 5]);
    expect(t.dtype).toBe('float32');
    expect(t.dataSync()).toEqual(initialValues([4, 5], 'glorotUniform', 3));
    t.dispose();
    await expectNoLeaks(() => initialTensor([4, 5], 'heNormal', 1).dispose());
  });
});
