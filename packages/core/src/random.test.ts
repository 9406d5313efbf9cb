import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import { createRng, deriveSeed, Rng, randomNormalTensor, randomUniformTensor } from './random';

// An independent xoshiro128** and splitmix32 in BigInt arithmetic, written from the published
// algorithm descriptions, to check the 32-bit Math.imul implementation against.
const mask = (1n << 32n) - 1n;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & mask;
function referenceSequence(seed: number, count: number): number[] {
  let sm = BigInt(seed);
  const splitmix = () => {
    sm = (sm + 0x9e3779b9n) & mask;
    let z = sm;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & mask;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & mask;
    return z ^ (z >> 16n);
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) {
    out.push(Number((rotl((s[1]! * 5n) & mask, 7n) * 9n) & mask));
    const t = (s[1]! << 9n) & mask;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11n);
  }
  return out;
}

describe('Rng', () => {
  it('matches an independent BigInt xoshiro128** for several seeds', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, 0xffffffff]) {
      const rng = createRng(seed);
      const drawn = Array.from({ length: 50 }, () => rng.nextUint32());
      expect(drawn).toEqual(referenceSequence(seed, 50));
    }
  });

  it('restores from a saved state and continues the same sequence', () => {
    const rng = createRng(7);
    for (let i = 0; i < 13; i += 1) rng.nextUint32();
    const saved = JSON.parse(JSON.stringify(rng.getState()));
    const expected = Array.from({ length: 10 }, () => rng.nextUint32());
    const restored = Rng.fromState(saved);
    expect(Array.from({ length: 10 }, () => restored.nextUint32())).toEqual(expected);
  });

  it('rejects a malformed state', () => {
    expect(() => Rng.fromState({ algorithm: 'xoshiro128**', words: [0, 0, 0, 0] })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      Rng.fromState({ algorithm: 'mt19937', words: [1, 2, 3, 4] } as unknown as ReturnType<
        Rng['getState']
      >),
    ).toThrow(/Rng\.fromState: 'state' must be an object/);
  });

  it('rejects a seed that is not a 32-bit unsigned integer', () => {
    expect(() => createRng(-1)).toThrow(
      "createRng: 'seed' must be an integer in [0, 4294967295], got -1.",
    );
    expect(() => createRng(1.5)).toThrow(InvalidArgumentError);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const values = createRng(3).normalArray(200_000);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    // Standard errors: 1/√n ≈ 0.0022 for the mean, √(2/n) ≈ 0.0032 for the variance.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    const beyondTwo = values.filter((v) => Math.abs(v) > 2).length / values.length;
    expect(Math.abs(beyondTwo - 0.0455)).toBeLessThan(0.003);
  });

  it('draws uniforms in [low, high) and truncated normals within two std', () => {
    const uniform = createRng(4).uniformArray(10_000, -2, 3);
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...uniform)).toBeLessThan(3);
    const mean = uniform.reduce((sum, v) => sum + v, 0) / uniform.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    const truncated = createRng(5).truncatedNormalArray(10_001, 1, 0.5);
    expect(truncated).toHaveLength(10_001);
    expect(Math.min(...truncated)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...truncated)).toBeLessThanOrEqual(2);
  });

  it('makes uniform permutations', () => {
    const rng = createRng(6);
    const firstPositions = new Array<number>(5).fill(0);
    for (let trial = 0; trial < 5000; trial += 1) {
      const order = rng.permutation(5);
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
      firstPositions[order[0]!]! += 1;
    }
    // Each element leads about 1000 times (sd ≈ 28).
    for (const count of firstPositions) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('draws Bernoulli masks with the requested rate', () => {
    const mask = createRng(8).bernoulliArray(50_000, 0.25);
    const rate = mask.reduce((sum, v) => sum + v, 0) / mask.length;
    expect(Math.abs(rate - 0.25)).toBeLessThan(0.01);
    expect(() => createRng(8).bernoulliArray(3, 1.5)).toThrow(
      "Rng.bernoulliArray: 'p' must be a finite number in [0, 1], got 1.5.",
    );
  });

  it('forks independent streams', () => {
    const parent = createRng(9);
    const a = parent.fork();
    const b = parent.fork();
    const drawsA = Array.from({ length: 20 }, () => a.nextUint32());
    const drawsB = Array.from({ length: 20 }, () => b.nextUint32());
    expect(drawsA).not.toEqual(drawsB);
  });
});

describe('deriveSeed', () => {
  it('is a pure function of seed and path, and separates nearby paths', () => {
    expect(deriveSeed(1, 1000)).toBe(deriveSeed(1, 1000));
    const seeds = new Set<number>();
    for (let step = 0; step < 1000; step += 1) seeds.add(deriveSeed(1, step));
    for (let seed = 0; seed < 100; seed += 1) seeds.add(deriveSeed(seed, 0, 1));
    expect(seeds.size).toBe(1100);
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(1, 3, 2));
    expect(deriveSeed(1)).not.toBe(deriveSeed(2));
    expect(deriveSeed(1, 2 ** 40)).not.toBe(deriveSeed(1, 0));
  });

  it('rejects negative or fractional path parts', () => {
    expect(() => deriveSeed(1, -1)).toThrow(
      "deriveSeed: 'path[0]' must be an integer in [0, 9007199254740991], got -1.",
    );
  });
});

describeBackends(['cpu', 'wasm'], 'random tensors', () => {
  it('are the same on every backend for the same seed', () => {
    const normal = randomNormalTensor([3, 4], createRng(11), { mean: 2, std: 0.5 });
    expect(normal.shape).toEqual([3, 4]);
    expect(Array.from(normal.dataSync())).toEqual(
      Array.from(createRng(11).normalArray(12, 2, 0.5)),
    );
    const uniform = randomUniformTensor([5], createRng(12), { low: -1, high: 1 });
    expect(Array.from(uniform.dataSync())).toEqual(
      Array.from(createRng(12).uniformArray(5, -1, 1)),
    );
    tf.dispose([normal, uniform]);
  });

  it('reject bad shapes and do not leak', async () => {
    expect(() => randomNormalTensor([2, -1], createRng(1))).toThrow(
      "randomNormalTensor: 'shape[1]' must be an integer ≥ 0, got -1.",
    );
    await expectNoLeaks(() => {
      tf.dispose(randomNormalTensor([8, 8], createRng(1)));
    });
  });
});
