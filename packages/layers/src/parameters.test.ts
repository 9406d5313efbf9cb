import { describeBackends } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { countParameters, namedTensors } from './parameters';

describeBackends(['cpu', 'wasm'], 'parameters', () => {
  it('counts the scalars of a record or a list of tensors', () => {
    const a = tf.zeros([784, 400]);
    const b = tf.zeros([400]);
    expect(countParameters({ 'encoder.0.W': a, 'encoder.0.b': b })).toBe(784 * 400 + 400);
    expect(countParameters([a, b, tf.scalar(1)])).toBe(784 * 400 + 400 + 1);
    expect(countParameters({})).toBe(0);
    tf.dispose([a, b]);
  });

  it('lists named tensors in the record order', () => {
    const w = tf.zeros([2, 2]);
    const b = tf.zeros([2]);
    const list = namedTensors({ 'decoder.0.b': b, 'encoder.0.W': w });
    expect(list.map((item) => item.name)).toEqual(['decoder.0.b', 'encoder.0.W']);
    expect(list[1]!.tensor).toBe(w);
    expect(() => namedTensors({ '': w })).toThrow(
      `namedTensors: 'variables' must be a record whose names are not empty, got [""].`,
    );
    tf.dispose([w, b]);
  });
});
