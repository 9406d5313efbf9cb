import { InvalidArgumentError, UnknownOptionError, UnsupportedKernelError } from '@aekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend as initBrowserBackend } from './browser';
import { assertKernels, initBackend, runtimeInfo } from './index';

describe('initBackend', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`starts ${backend} with gradients registered`, async () => {
      const info = await initBackend({ backend });
      expect(tf.getBackend()).toBe(backend);
      expect(info.backend).toBe(backend);
      expect(info.tfjsVersion).toBe(tf.version_core);
      expect(info.platform).toBe('node');
      // d/dx Σ x³ = 3x², and the gradient of exp through a matMul, checked by hand.
      const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.pow(x, 3)));
      expect(Array.from(gradient(tf.tensor1d([1, -2, 0.5])).dataSync())).toEqual([3, 12, 0.75]);
      const w = tf.tensor2d([[0.5], [-1]]);
      const g = tf.grad((x: tf.Tensor) => tf.sum(tf.exp(tf.matMul(x as tf.Tensor2D, w))));
      const x = tf.tensor2d([[1, 2]]);
      const expected = Math.exp(0.5 * 1 - 2);
      const values = Array.from(g(x).dataSync());
      expect(values[0]).toBeCloseTo(expected * 0.5, 6);
      expect(values[1]).toBeCloseTo(expected * -1, 6);
    });
  }

  it('reports SIMD, one thread in Node, and the matMul patch on wasm', async () => {
    const info = await initBackend({ backend: 'wasm' });
    expect(typeof info.simd).toBe('boolean');
    expect(info.threads).toBe(1);
    expect(info.transposedMatMulPatch).toBe(true);
    expect(runtimeInfo()).toEqual(info);
    const cpu = await initBackend({ backend: 'cpu' });
    expect(cpu.simd).toBeNull();
    expect(cpu.transposedMatMulPatch).toBe(false);
  });

  it('rejects an unknown backend and a bad thread count by name', async () => {
    await expect(initBackend({ backend: 'webgl' as 'cpu' })).rejects.toThrow(
      `initBackend: 'backend' must be one of 'wasm', 'cpu', got "webgl".`,
    );
    await expect(initBackend({ threads: 0 })).rejects.toSatisfy(
      (error) =>
        InvalidArgumentError.isInstance(error) &&
        error.message === `initBackend: 'threads' must be a positive integer, got 0.`,
    );
  });

  it('rejects an unknown option, naming the one likely meant', async () => {
    await expect(initBackend({ thread: 2 } as never)).rejects.toSatisfy(
      (error) =>
        UnknownOptionError.isInstance(error) &&
        error.message === "initBackend: unknown option 'thread'; did you mean 'threads'?",
    );
    // `wasmPaths` is the browser's option only.
    await expect(initBackend({ backend: 'cpu', wasmPaths: '/wasm/' } as never)).rejects.toThrow(
      'initBackend: unknown option \'wasmPaths\' (got "/wasm/"); the options are backend, threads.',
    );
    await expect(initBackend(null as never)).rejects.toThrow(
      "initBackend: 'options' must be an object with some of backend, threads, or left out, got null.",
    );
  });

  it('takes wasmPaths in the browser entry, and rejects a misspelt one', async () => {
    await expect(initBrowserBackend({ wasmPath: '/wasm/' } as never)).rejects.toThrow(
      "initBackend: unknown option 'wasmPath'; did you mean 'wasmPaths'?",
    );
    // On cpu no WASM binary is fetched, so the browser entry starts in Node too.
    const info = await initBrowserBackend({ backend: 'cpu', wasmPaths: '/wasm/' });
    expect(info).toMatchObject({ backend: 'cpu', platform: 'browser' });
  });

  it('serialises concurrent calls', async () => {
    const results = await Promise.all([
      initBackend({ backend: 'cpu' }),
      initBackend({ backend: 'wasm' }),
      initBackend({ backend: 'cpu' }),
    ]);
    expect(results.map((info) => info.backend)).toEqual(['cpu', 'wasm', 'cpu']);
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('assertKernels', () => {
  it('names the backend and every missing kernel', async () => {
    await initBackend({ backend: 'wasm' });
    let caught: unknown;
    try {
      assertKernels(['BatchMatMul', 'DepthwiseConv2dNativeBackpropFilter', 'NoSuchKernel']);
    } catch (error) {
      caught = error;
    }
    expect(UnsupportedKernelError.isInstance(caught)).toBe(true);
    const error = caught as UnsupportedKernelError;
    expect(error.backend).toBe('wasm');
    expect(error.kernels).toEqual(['DepthwiseConv2dNativeBackpropFilter', 'NoSuchKernel']);
    expect(error.message).toBe(
      "The 'wasm' backend has no kernels DepthwiseConv2dNativeBackpropFilter, NoSuchKernel.",
    );
  });

  it('passes when every kernel exists, and checks another backend on request', async () => {
    await initBackend({ backend: 'wasm' });
    expect(() => assertKernels(['BatchMatMul', 'Sigmoid', 'Transpose'])).not.toThrow();
    expect(() =>
      assertKernels(['DepthwiseConv2dNativeBackpropFilter'], { backend: 'cpu' }),
    ).not.toThrow();
    // aekit registers the filter gradient that the stock wasm backend lacks.
    expect(() => assertKernels(['Conv2DBackpropFilter'])).not.toThrow();
  });
});

describe('stock gradients that use chained methods', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`differentiate prod on ${backend}`, async () => {
      await initBackend({ backend });
      // d/dx_i Π x = Π x / x_i.
      const x = tf.tensor1d([2, 3, 4]);
      expect(
        Array.from(
          tf
            .grad((t: tf.Tensor) => tf.prod(t))(x)
            .dataSync(),
        ),
      ).toEqual([12, 8, 6]);
    });
  }

  it('differentiate gather with batchDims on cpu', async () => {
    await initBackend({ backend: 'cpu' });
    const params = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const indices = tf.tensor2d([[2], [0]], undefined, 'int32');
    // Gathering row-wise with batchDims = 1: each gathered element gets gradient 1.
    const gradient = tf.grad((p: tf.Tensor) => tf.sum(tf.gather(p, indices, 1, 1)))(params);
    expect(gradient.arraySync()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
  });

  it('reports that gather cannot be differentiated on wasm (no UnsortedSegmentSum kernel)', async () => {
    await initBackend({ backend: 'wasm' });
    expect(() => assertKernels(['GatherV2', 'UnsortedSegmentSum'])).toThrow(
      "The 'wasm' backend has no kernel UnsortedSegmentSum.",
    );
  });
});
