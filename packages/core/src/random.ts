import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { checkInteger, checkNumber, checkSeed } from './checks';
import { InvalidArgumentError } from './errors';

/**
 * Seeded randomness that is the same on every backend and every platform: numbers are drawn
 * in JavaScript by xoshiro128** (32-bit integer arithmetic only, so bit-exact everywhere) and
 * uploaded as tensors. The state is four 32-bit words and can be saved in a checkpoint and
 * restored exactly.
 */

/** A generator's complete state, plain JSON. */
export interface RngState {
  readonly algorithm: 'xoshiro128**';
  readonly words: readonly [number, number, number, number];
}

const twoPow32 = 4294967296;

/** splitmix32: spreads one 32-bit seed over the four state words (never all zero). */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded pseudo-random generator. Create one with `createRng(seed)`. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(words: readonly [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = words.map((word) => word >>> 0) as [
      number,
      number,
      number,
      number,
    ];
  }

  /** @internal Use `createRng`. */
  static fromSeed(seed: number): Rng {
    const next = splitmix32(seed);
    return new Rng([next(), next(), next(), next()]);
  }

  /** Restores a generator saved with `getState()`; it continues the same sequence. */
  static fromState(state: RngState): Rng {
    const words = state?.words;
    if (
      state?.algorithm !== 'xoshiro128**' ||
      !Array.isArray(words) ||
      words.length !== 4 ||
      !words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffffffff) ||
      words.every((word) => word === 0)
    ) {
      throw new InvalidArgumentError({
        functionName: 'Rng.fromState',
        argument: 'state',
        rule: "an object { algorithm: 'xoshiro128**', words: four 32-bit unsigned integers, not all 0 }",
        value: state,
      });
    }
    return new Rng(words);
  }

  /** The state, to save; `Rng.fromState(rng.getState())` continues the same sequence. */
  getState(): RngState {
    return {
      algorithm: 'xoshiro128**',
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
    };
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / twoPow32;
  }

  /** A fresh seed for another generator or a seeded op: an integer in [0, 2³²). */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** An independent generator seeded from this one (advances this one by one draw). */
  fork(): Rng {
    return Rng.fromSeed(this.nextUint32());
  }

  /** Uniform integer in [0, n). Unbiased (rejection sampling). */
  nextInt(n: number): number {
    checkInteger('Rng.nextInt', 'n', n, { min: 1, max: twoPow32 });
    const limit = twoPow32 - (twoPow32 % n);
    let draw = this.nextUint32();
    while (draw >= limit) draw = this.nextUint32();
    return draw % n;
  }

  /** `count` values uniform in [low, high). */
  uniformArray(count: number, low = 0, high = 1): Float32Array {
    const values = new Float32Array(count);
    const width = high - low;
    for (let index = 0; index < count; index += 1) values[index] = low + width * this.nextFloat();
    return values;
  }

  /** `count` values from N(mean, std²), by the Box–Muller transform. */
  normalArray(count: number, mean = 0, std = 1): Float32Array {
    const values = new Float32Array(count);
    for (let index = 0; index < count; index += 2) {
      // u1 in (0, 1]: log(u1) is finite.
      const u1 = (this.nextUint32() + 1) / twoPow32;
      const u2 = this.nextFloat();
      const radius = Math.sqrt(-2 * Math.log(u1));
      const angle = 2 * Math.PI * u2;
      values[index] = mean + std * radius * Math.cos(angle);
      if (index + 1 < count) values[index + 1] = mean + std * radius * Math.sin(angle);
    }
    return values;
  }

  /** `count` values from N(mean, std²) restricted to mean ± 2·std (redrawn outside). */
  truncatedNormalArray(count: number, mean = 0, std = 1): Float32Array {
    const values = new Float32Array(count);
    let filled = 0;
    while (filled < count) {
      const batch = this.normalArray(Math.max(2, count - filled));
      for (const value of batch) {
        if (filled < count && Math.abs(value) <= 2) {
          values[filled] = mean + std * value;
          filled += 1;
        }
      }
    }
    return values;
  }

  /** A uniformly random permutation of 0 … n−1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    checkInteger('Rng.permutation', 'n', n, { min: 0 });
    const order = new Uint32Array(n);
    for (let index = 0; index < n; index += 1) order[index] = index;
    for (let index = n - 1; index > 0; index -= 1) {
      const other = this.nextInt(index + 1);
      const held = order[index]!;
      order[index] = order[other]!;
      order[other] = held;
    }
    return order;
  }

  /** `count` draws of 1 with probability `p`, else 0. */
  bernoulliArray(count: number, p: number): Float32Array {
    checkNumber('Rng.bernoulliArray', 'p', p, { min: 0, max: 1 });
    const values = new Float32Array(count);
    for (let index = 0; index < count; index += 1) values[index] = this.nextFloat() < p ? 1 : 0;
    return values;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A generator seeded with an integer in [0, 2³²). Equal seeds give equal sequences everywhere. */
export function createRng(seed: number): Rng {
  return Rng.fromSeed(checkSeed('createRng', 'seed', seed));
}

/**
 * A seed derived from `seed` and a path of integers, e.g. `deriveSeed(modelSeed, step)`: the
 * noise of step 1,000 is then the same whether training ran straight through or resumed from a
 * checkpoint, with no generator state to carry. Distinct paths give unrelated seeds.
 */
export function deriveSeed(seed: number, ...path: readonly number[]): number {
  checkSeed('deriveSeed', 'seed', seed);
  let hash = Rng.fromSeed(seed).nextUint32();
  path.forEach((part, index) => {
    checkInteger('deriveSeed', `path[${index}]`, part, { min: 0, max: Number.MAX_SAFE_INTEGER });
    const low = part >>> 0;
    const high = Math.floor(part / twoPow32) >>> 0;
    hash = Rng.fromSeed((hash ^ Math.imul(low, 0x9e3779b1)) >>> 0).nextUint32();
    hash = Rng.fromSeed((hash ^ Math.imul(high + index + 1, 0x85ebca77)) >>> 0).nextUint32();
  });
  return hash;
}

function sizeOf(functionName: string, shape: readonly number[]): number {
  shape.forEach((size, axis) => {
    checkInteger(functionName, `shape[${axis}]`, size, { min: 0 });
  });
  return shape.reduce((product, size) => product * size, 1);
}

/** A tensor of N(mean, std²) draws from `rng`; the same on every backend. */
export function randomNormalTensor(
  shape: readonly number[],
  rng: Rng,
  options: { mean?: number; std?: number } = {},
): Tensor {
  const count = sizeOf('randomNormalTensor', shape);
  const { mean = 0, std = 1 } = options;
  return tensor(rng.normalArray(count, mean, std), [...shape], 'float32');
}

/** A tensor of U[low, high) draws from `rng`; the same on every backend. */
export function randomUniformTensor(
  shape: readonly number[],
  rng: Rng,
  options: { low?: number; high?: number } = {},
): Tensor {
  const count = sizeOf('randomUniformTensor', shape);
  const { low = 0, high = 1 } = options;
  return tensor(rng.uniformArray(count, low, high), [...shape], 'float32');
}
