import { expectAllClose } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, runtimeInfo } from './index';
import { setSharedIdentityPatch } from './shared-identity';

interface WasmInternals {
  refCount(dataId: object): number;
}

describe('Identity shares data on wasm', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterEach(() => setSharedIdentityPatch(true));

  it('clones without copying, and the clone outlives its source', () => {
    expect(runtimeInfo().sharedIdentityPatch).toBe(true);
    const backend = tf.backend() as unknown as WasmInternals;
    const x = tf.tensor2d([
      [1, -2],
      [3.5, 4],
    ]);
    const y = tf.clone(x);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(backend.refCount(y.dataId)).toBe(1);
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5, 4]);
    y.dispose();
  });

  it('copies when switched off, as tfjs does', () => {
    setSharedIdentityPatch(false);
    expect(runtimeInfo().sharedIdentityPatch).toBe(false);
    const backend = tf.backend() as unknown as WasmInternals;
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(backend.refCount(x.dataId)).toBe(1);
    expect(y.dataId).not.toBe(x.dataId);
    tf.dispose([x, y]);
  });

  it('gives the same training step as the copying kernel', () => {
    // Gradients of a small network, whose backward pass reads tensors the engine saved by
    // cloning, taken with and without sharing: the same bits either way.
    const step = () => {
      const x = tf.tensor2d([0.5, -1, 2, 0.25, 1.5, -0.75], [3, 2]);
      const w1 = tf.variable(tf.tensor2d([0.3, -0.2, 0.1, 0.4, -0.5, 0.6], [2, 3]));
      const w2 = tf.variable(tf.tensor2d([0.7, -0.1, 0.2], [3, 1]));
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(tf.matMul(tf.relu(tf.matMul(x, w1)), w2))) as tf.Scalar,
        [w1, w2],
      );
      const result = [value, grads[w1.name]!, grads[w2.name]!].map((t) => Array.from(t.dataSync()));
      tf.dispose([x, w1, w2, value, ...Object.values(grads)]);
      return result;
    };
    const shared = step();
    setSharedIdentityPatch(false);
    const copied = step();
    expect(shared).toEqual(copied);
    // And by hand: h = relu(x·W1), y = h·W2, loss = Σ y², dW2 = hᵀ·2y.
    const x = [
      [0.5, -1],
      [2, 0.25],
      [1.5, -0.75],
    ];
    const w1 = [
      [0.3, -0.2, 0.1],
      [0.4, -0.5, 0.6],
    ];
    const w2 = [0.7, -0.1, 0.2];
    const h = x.map((row) =>
      w1[0]!.map((_, j) => Math.max(0, row[0]! * w1[0]![j]! + row[1]! * w1[1]![j]!)),
    );
    const y = h.map((row) => row.reduce((sum, value, j) => sum + value * w2[j]!, 0));
    const loss = y.reduce((sum, value) => sum + value * value, 0);
    expectAllClose(shared[0]!, [loss]);
    const dW2 = w2.map((_, j) => h.reduce((sum, row, i) => sum + row[j]! * 2 * y[i]!, 0));
    expectAllClose(shared[2]!, dW2);
  });
});
