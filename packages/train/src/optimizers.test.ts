import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  captureOptimizerState,
  createOptimizer,
  type OptimizerState,
  optimizerNames,
  restoreOptimizerState,
  setLearningRate,
} from './optimizers';

/** Two named variables and a loss over them; `steps` optimiser steps on fixed data. */
function problem(seed: number) {
  const w = tf.variable(tf.randomNormal([3, 2], 0, 1, 'float32', seed));
  const b = tf.variable(tf.randomNormal([2], 0, 1, 'float32', seed + 1));
  const x = tf.randomNormal([5, 3], 0, 1, 'float32', 99);
  const variables = [
    ['layer.W', w],
    ['layer.b', b],
  ] as const;
  const step = (optimizer: tf.Optimizer) =>
    optimizer.minimize(
      () => tf.sum(tf.square(tf.sub(tf.tanh(tf.add(tf.matMul(x, w), b)), 0.3))) as tf.Scalar,
      false,
      [w, b],
    );
  return { w, b, x, variables, step, dispose: () => tf.dispose([w, b, x]) };
}

function sameState(a: OptimizerState, b: OptimizerState): void {
  expect(b.className).toBe(a.className);
  expect(b.names).toEqual(a.names);
  expect(b.weights).toEqual(a.weights);
  expect(b.extras).toEqual(a.extras);
}

describeBackends(['cpu', 'wasm'], 'optimiser state', () => {
  it.each(optimizerNames)(
    '%s: a restored optimiser takes exactly the next step of the saved one',
    async (name) => {
      const original = problem(1);
      const optimizer = createOptimizer(name, 0.05);
      // 8 steps: where tfjs's Adam.setWeights would recompute β₁⁹ by pow() and miss by an ulp.
      for (let i = 0; i < 8; i += 1) original.step(optimizer);
      const saved = await captureOptimizerState(optimizer, original.variables);
      expect(saved.className).toBe(optimizer.getClassName());

      const copy = problem(1);
      copy.w.assign(original.w);
      copy.b.assign(original.b);
      const restored = createOptimizer(name, 0.05);
      await restoreOptimizerState(restored, saved, copy.variables);
      sameState(saved, await captureOptimizerState(restored, copy.variables));

      original.step(optimizer);
      copy.step(restored);
      expect(copy.w.dataSync()).toEqual(original.w.dataSync());
      expect(copy.b.dataSync()).toEqual(original.b.dataSync());
      sameState(
        await captureOptimizerState(optimizer, original.variables),
        await captureOptimizerState(restored, copy.variables),
      );
      optimizer.dispose();
      restored.dispose();
      original.dispose();
      copy.dispose();
    },
  );

  it('names moments by the logical variable names', async () => {
    const { variables, step, dispose } = problem(2);
    const optimizer = createOptimizer('momentum', 0.1);
    step(optimizer);
    const state = await captureOptimizerState(optimizer, variables);
    expect(state.names).toEqual(['iter', 'layer.W/momentum', 'layer.b/momentum']);
    expect(state.weights[0]).toEqual({ dtype: 'I32', shape: [], data: Int32Array.of(1) });
    optimizer.dispose();
    dispose();
  });

  it('sets the learning rate of every kind of optimiser', () => {
    for (const name of optimizerNames) {
      const optimizer = createOptimizer(name, 0.1);
      setLearningRate(optimizer, 0.025);
      const config = optimizer.getConfig() as { learningRate: number };
      expect(config.learningRate).toBe(0.025);
      optimizer.dispose();
    }
  });

  it('capture and restore do not leak', async () => {
    const { variables, step, dispose } = problem(3);
    const optimizer = createOptimizer('adam', 0.1);
    step(optimizer);
    await expectNoLeaks(async () => {
      const state = await captureOptimizerState(optimizer, variables);
      const fresh = createOptimizer('adam', 0.1);
      await restoreOptimizerState(fresh, state, variables);
      fresh.dispose();
    });
    optimizer.dispose();
    dispose();
  });
});
