import { InvalidArgumentError, UnknownOptionError } from '@aekit/core';
import {
  conv2d64,
  convTranspose2d64,
  describeBackends,
  expectNoLeaks,
  uniforms,
  window64,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initDense } from './dense';
import {
  buildDecoder,
  buildEncoder,
  type DecoderContext,
  disposeNetworkPart,
  type EncoderContext,
  type NetworkPart,
  registerNetworkKind,
} from './network';
import { networkKinds, resolveNetworkSpec } from './network-spec';

const values = (tensor: tf.Tensor) => Array.from(tensor.dataSync());

const shapes = (part: NetworkPart) =>
  Object.fromEntries(Object.entries(part.variables).map(([name, v]) => [name, v.shape]));

const relu = (value: number) => Math.max(value, 0);

/** x [n, inDim] · W [inDim, outDim] + b in float64, then `activation`. */
function dense64(
  x: readonly number[],
  n: number,
  W: readonly number[],
  b: readonly number[],
  activation: (value: number) => number,
): number[] {
  const outDim = b.length;
  const inDim = W.length / outDim;
  const y: number[] = [];
  for (let row = 0; row < n; row += 1) {
    for (let o = 0; o < outDim; o += 1) {
      let sum = b[o]!;
      for (let i = 0; i < inDim; i += 1) sum += x[row * inDim + i]! * W[i * outDim + o]!;
      y.push(activation(sum));
    }
  }
  return y;
}

/** Rows of a and b side by side. */
function join64(a: readonly number[], aDim: number, b: readonly number[], bDim: number): number[] {
  const rows = a.length / aDim;
  const joined: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    joined.push(...a.slice(row * aDim, (row + 1) * aDim), ...b.slice(row * bDim, (row + 1) * bDim));
  }
  return joined;
}

function maxRelativeError(actual: readonly number[], expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  let error = 0;
  let scale = 0;
  expected.forEach((value, index) => {
    error = Math.max(error, Math.abs(actual[index]! - value));
    scale = Math.max(scale, Math.abs(value));
  });
  expect(scale).toBeGreaterThan(0);
  return error / scale;
}

const encoderContext = (overrides: Partial<EncoderContext>): EncoderContext => ({
  inputShape: [28, 28, 1],
  extraDim: 0,
  activation: 'relu',
  init: 'fanInUniform',
  seed: 7,
  ...overrides,
});

const decoderContext = (overrides: Partial<DecoderContext>): DecoderContext => ({
  inDim: 2,
  outputShape: [28, 28, 1],
  activation: 'relu',
  outputActivation: 'linear',
  init: 'fanInUniform',
  seed: 8,
  ...overrides,
});

describe('resolveNetworkSpec', () => {
  it('fills in the defaults of a convolutional spec and freezes it', () => {
    const spec = resolveNetworkSpec('f', 'config.encoder', { type: 'conv', channels: [32, 64] });
    expect(spec).toEqual({
      type: 'conv',
      channels: [32, 64],
      kernelSize: 3,
      strides: 2,
      hiddenDims: [],
    });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(resolveNetworkSpec('f', 'a', { type: 'dense' })).toEqual({
      type: 'dense',
      hiddenDims: [],
    });
  });

  it('names the function, the field and the rule of a bad spec', () => {
    expect(() =>
      resolveNetworkSpec('createVae', 'config.encoder', { type: 'conv', chanels: [32] }),
    ).toThrow(UnknownOptionError);
    expect(() =>
      resolveNetworkSpec('createVae', 'config.encoder', { type: 'conv', chanels: [32] }),
    ).toThrow(
      /createVae: unknown option 'config\.encoder\.chanels'; did you mean 'config\.encoder\.channels'\?/,
    );
    expect(() => resolveNetworkSpec('f', 'config.encoder', { type: 'lstm' })).toThrow(
      /f: 'config\.encoder\.type' must be one of .*'conv'.*'dense'/,
    );
    expect(() =>
      resolveNetworkSpec('f', 'config.encoder', { type: 'conv', channels: [32, 64], strides: [2] }),
    ).toThrow(/'config\.encoder\.strides' must be a positive integer or a list of 2/);
    expect(() => resolveNetworkSpec('f', 'config.encoder', { type: 'conv', channels: [] })).toThrow(
      /'config\.encoder\.channels' must be a non-empty array of positive integers/,
    );
    expect(() => resolveNetworkSpec('f', 'config.encoder', null)).toThrow(InvalidArgumentError);
    expect(() => resolveNetworkSpec('f', 'config.encoder', [1])).toThrow(/a network spec/);
  });
});

describeBackends(['cpu'], 'buildEncoder and buildDecoder: shapes', () => {
  it("builds the Keras example's convolutional encoder and decoder", async () => {
    await expectNoLeaks(() => {
      const spec = { type: 'conv', channels: [32, 64], hiddenDims: [16] };
      const encoder = buildEncoder(spec, encoderContext({}));
      expect(shapes(encoder)).toEqual({
        '0.W': [3, 3, 1, 32],
        '0.b': [32],
        '1.W': [3, 3, 32, 64],
        '1.b': [64],
        '2.W': [7 * 7 * 64, 16],
        '2.b': [16],
      });
      expect([encoder.inDim, encoder.outDim]).toEqual([784, 16]);
      expect(encoder.layers).toEqual([
        'conv 3×3 stride 2 relu: 28×28×1 → 14×14×32',
        'conv 3×3 stride 2 relu: 14×14×32 → 7×7×64',
        'flatten: 7×7×64 → 3136',
        'dense relu: 3136 → 16',
      ]);
      const decoder = buildDecoder(spec, decoderContext({}));
      expect(shapes(decoder)).toEqual({
        '0.W': [2, 16],
        '0.b': [16],
        '1.W': [16, 3136],
        '1.b': [3136],
        '2.W': [3, 3, 64, 64],
        '2.b': [64],
        '3.W': [3, 3, 32, 64],
        '3.b': [32],
        '4.W': [3, 3, 32, 1],
        '4.b': [1],
      });
      expect(decoder.layers.slice(2)).toEqual([
        'unflatten: 3136 → 7×7×64',
        'conv transpose 3×3 stride 2 relu: 7×7×64 → 14×14×64',
        'conv transpose 3×3 stride 2 relu: 14×14×64 → 28×28×32',
        'conv 3×3 stride 1 linear: 28×28×32 → 28×28×1',
      ]);
      const x = tf.zeros([3, 784]) as tf.Tensor2D;
      const features = encoder.apply(x);
      expect(features.shape).toEqual([3, 16]);
      const z = tf.zeros([3, 2]) as tf.Tensor2D;
      const y = decoder.apply(z);
      expect(y.shape).toEqual([3, 784]);
      tf.dispose([x, features, z, y]);
      disposeNetworkPart(encoder);
      disposeNetworkPart(decoder);
    });
  });

  it('gives the decoder back the exact odd sizes the encoder read (13×11 → 7×6 → 4×3)', () => {
    const spec = { type: 'conv', channels: [4, 8], kernelSize: [3, 5] };
    const encoder = buildEncoder(spec, encoderContext({ inputShape: [13, 11, 3] }));
    expect(encoder.layers[1]).toBe('conv 5×5 stride 2 relu: 7×6×4 → 4×3×8');
    expect(encoder.outDim).toBe(4 * 3 * 8);
    const decoder = buildDecoder(spec, decoderContext({ inDim: 5, outputShape: [13, 11, 3] }));
    expect(decoder.layers).toEqual([
      'dense relu: 5 → 96',
      'unflatten: 96 → 4×3×8',
      'conv transpose 5×5 stride 2 relu: 4×3×8 → 7×6×8',
      'conv transpose 3×3 stride 2 relu: 7×6×8 → 13×11×4',
      'conv 3×3 stride 1 linear: 13×11×4 → 13×11×3',
    ]);
    const z = tf.ones([2, 5]) as tf.Tensor2D;
    const y = decoder.apply(z);
    expect(y.shape).toEqual([2, 13 * 11 * 3]);
    tf.dispose([z, y]);
    disposeNetworkPart(encoder);
    disposeNetworkPart(decoder);
  });

  it('builds a dense encoder and decoder, a label joined at the input', () => {
    const spec = { type: 'dense', hiddenDims: [400, 100] };
    const encoder = buildEncoder(spec, encoderContext({ inputShape: [784], extraDim: 10 }));
    expect(shapes(encoder)).toEqual({
      '0.W': [794, 400],
      '0.b': [400],
      '1.W': [400, 100],
      '1.b': [100],
    });
    const decoder = buildDecoder(spec, decoderContext({ inDim: 20, outputShape: [784] }));
    expect(decoder.layers).toEqual([
      'dense relu: 20 → 100',
      'dense relu: 100 → 400',
      'dense linear: 400 → 784',
    ]);
    disposeNetworkPart(encoder);
    disposeNetworkPart(decoder);
  });

  it('rejects what it cannot build, naming the argument', () => {
    expect(() =>
      buildEncoder({ type: 'conv', channels: [8] }, encoderContext({ inputShape: [784] })),
    ).toThrow(
      /buildEncoder: 'context\.inputShape' must be an image shape \[height, width, channels\]/,
    );
    expect(() =>
      buildEncoder({ type: 'dense' }, encoderContext({ activation: 'tanhh' as 'relu' })),
    ).toThrow(/buildEncoder: 'context\.activation'/);
    const encoder = buildEncoder(
      { type: 'dense', hiddenDims: [3] },
      encoderContext({ inputShape: [4] }),
    );
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => encoder.apply(x)).toThrow(/NetworkPart\.apply: 'x'/);
    const right = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => encoder.apply(right, right)).toThrow(/'extra' must be left out/);
    tf.dispose([x, right]);
    disposeNetworkPart(encoder);
  });
});

describeBackends(['cpu', 'wasm'], 'network parts against float64', () => {
  // A small network with everything at once: two image channels, per-layer kernels and
  // strides (3×3 stride 2, 1×1 stride 1), an odd image, a joined label and a dense layer.
  const spec = {
    type: 'conv',
    channels: [3, 4],
    kernelSize: [3, 1],
    strides: [2, 1],
    hiddenDims: [5],
  };
  const image: [number, number, number] = [5, 7, 2];
  const batch = 2;

  it('computes the encoder as its definition does', () => {
    const encoder = buildEncoder(spec, encoderContext({ inputShape: image, extraDim: 3 }));
    const xValues = uniforms(batch * 70, 11);
    const extraValues = uniforms(batch * 3, 12);
    const x = tf.tensor2d(xValues, [batch, 70]);
    const extra = tf.tensor2d(extraValues, [batch, 3]);
    const got = values(encoder.apply(x, extra));

    const v = (name: string) => values(encoder.variables[name]!);
    const first = window64([batch, ...image], [3, 3], [2, 2], 'same');
    const h1 = conv2d64(xValues, v('0.W'), v('0.b'), first, 3).y.map(relu);
    const second = window64([batch, 3, 4, 3], [1, 1], [1, 1], 'same');
    const h2 = conv2d64(h1, v('1.W'), v('1.b'), second, 4).y.map(relu);
    const joined = join64(Array.from(h2), 3 * 4 * 4, extraValues, 3);
    const expected = dense64(joined, batch, v('2.W'), v('2.b'), relu);
    expect(maxRelativeError(got, expected)).toBeLessThan(1e-5);
    tf.dispose([x, extra]);
    disposeNetworkPart(encoder);
  });

  it('computes the decoder as its definition does', () => {
    const decoder = buildDecoder(
      spec,
      decoderContext({ inDim: 3, outputShape: image, outputActivation: 'sigmoid' }),
    );
    const zValues = uniforms(batch * 3, 13);
    const z = tf.tensor2d(zValues, [batch, 3]);
    const got = values(decoder.apply(z));

    const v = (name: string) => values(decoder.variables[name]!);
    const h0 = dense64(zValues, batch, v('0.W'), v('0.b'), relu);
    const h1 = dense64(h0, batch, v('1.W'), v('1.b'), relu); // → 3×4×4
    // Transposed convolutions back through layer 1 (1×1 stride 1, 3×4) and layer 0 (3×3
    // stride 2, 5×7 → 3×4), each with the geometry of the convolution it mirrors.
    const back1 = window64([batch, 3, 4, 4], [1, 1], [1, 1], 'same');
    const h2 = convTranspose2d64(h1, v('2.W'), v('2.b'), back1, 4).y.map(relu);
    const back0 = window64([batch, 5, 7, 3], [3, 3], [2, 2], 'same');
    const h3 = convTranspose2d64(h2, v('3.W'), v('3.b'), back0, 4).y.map(relu);
    const last = window64([batch, 5, 7, 3], [3, 3], [1, 1], 'same');
    const expected = Array.from(conv2d64(h3, v('4.W'), v('4.b'), last, 2).y).map(
      (a) => 1 / (1 + Math.exp(-a)),
    );
    expect(maxRelativeError(got, expected)).toBeLessThan(1e-5);
    z.dispose();
    disposeNetworkPart(decoder);
  });

  it('trains: every variable gets a finite, non-zero gradient, and nothing leaks', async () => {
    await expectNoLeaks(() => {
      const encoder = buildEncoder(spec, encoderContext({ inputShape: image, extraDim: 0 }));
      const decoder = buildDecoder(spec, decoderContext({ inDim: 5, outputShape: image }));
      const x = tf.tensor2d(uniforms(batch * 70, 14, 0, 1), [batch, 70]);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(tf.sub(decoder.apply(encoder.apply(x)), x))) as tf.Scalar,
        [...Object.values(encoder.variables), ...Object.values(decoder.variables)],
      );
      expect(Object.keys(grads)).toHaveLength(
        Object.keys(encoder.variables).length + Object.keys(decoder.variables).length,
      );
      for (const gradient of Object.values(grads)) {
        const g = values(gradient);
        expect(g.every(Number.isFinite)).toBe(true);
        expect(g.some((entry) => entry !== 0)).toBe(true);
      }
      tf.dispose([value, x, ...Object.values(grads)]);
      disposeNetworkPart(encoder);
      disposeNetworkPart(decoder);
    });
  });
});

describeBackends(['cpu'], 'registerNetworkKind', () => {
  it('builds a kind of your own from its spec, and names it in errors', () => {
    registerNetworkKind<{ type: 'affine-test'; scale: number }>({
      type: 'affine-test',
      resolve(spec, functionName, argument) {
        if (typeof spec.scale !== 'number') {
          throw new InvalidArgumentError({
            functionName,
            argument: `${argument}.scale`,
            rule: 'a number',
            value: spec.scale,
          });
        }
        return { type: 'affine-test', scale: spec.scale };
      },
      encoder(spec, context) {
        const inDim = context.inputShape.reduce((a, b) => a * b, 1);
        const params = initDense(inDim, 2, { seed: context.seed });
        return {
          inDim,
          extraDim: 0,
          outDim: 2,
          variables: { '0.W': params.W, '0.b': params.b },
          layers: [`affine ×${spec.scale}`],
          apply: (x) => tf.tidy(() => tf.mul(tf.add(tf.matMul(x, params.W), params.b), spec.scale)),
        };
      },
      decoder() {
        throw new Error('not used here');
      },
    });
    expect(networkKinds()).toContain('affine-test');
    expect(() => resolveNetworkSpec('f', 'spec', { type: 'affine-test' })).toThrow(
      /f: 'spec\.scale' must be a number/,
    );
    const part = buildEncoder(
      { type: 'affine-test', scale: 3 },
      encoderContext({ inputShape: [4] }),
    );
    expect(part.layers).toEqual(['affine ×3']);
    const x = tf.ones([1, 4]) as tf.Tensor2D;
    const y = part.apply(x);
    const W = values(part.variables['0.W']!);
    expect(values(y)[0]).toBeCloseTo(3 * (W[0]! + W[2]! + W[4]! + W[6]!), 5);
    tf.dispose([x, y]);
    disposeNetworkPart(part);
    expect(() => registerNetworkKind({ type: '1bad' } as never)).toThrow(
      /registerNetworkKind: 'kind' must be an object/,
    );
  });
});

describeBackends(['cpu'], 'initDense with fanInUniform (PyTorch nn.Linear)', () => {
  it('draws W and b from U(−1/√inDim, 1/√inDim)', () => {
    const params = initDense(64, 300, { seed: 3, init: 'fanInUniform' });
    const bound = 1 / 8;
    const w = values(params.W);
    const b = values(params.b);
    expect(w.every((value) => Math.abs(value) <= bound)).toBe(true);
    expect(b.every((value) => Math.abs(value) <= bound)).toBe(true);
    // Uniform on ±1/8: the largest of 19,200 draws is within 1% of the bound; the variance is bound²/3.
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound);
    const variance = w.reduce((sum, value) => sum + value * value, 0) / w.length;
    expect(variance).toBeCloseTo(bound ** 2 / 3, 4);
    expect(b.some((value) => value !== 0)).toBe(true);
    params.W.dispose();
    params.b.dispose();
  });
});
