import { optimizerStepKernelName } from '@aekit/core';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { applyOptimizerStep, canFuseOptimizerStep } from './optimizer-step';

/** Deterministic values in [−scale, scale). */
function values(count: number, seed: number, scale = 1): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

const shapes = [[4, 3], [3], [5]];

const makers = {
  adam: () => tf.train.adam(0.01),
  sgd: () => tf.train.sgd(0.1),
  momentum: () => tf.train.momentum(0.1, 0.9),
  nesterov: () => tf.train.momentum(0.1, 0.9, true),
  rmsprop: () => tf.train.rmsprop(0.01),
} as const;

function makeVariables(): tf.Variable[] {
  return shapes.map((shape, i) =>
    tf.variable(
      tf.tensor(
        values(
          shape.reduce((p, d) => p * d, 1),
          i + 1,
        ),
        shape,
      ),
    ),
  );
}

/** Calls `step` three times with fixed gradients for `variables`. */
function train(
  variables: tf.Variable[],
  step: (gradients: { name: string; tensor: tf.Tensor }[]) => void,
): void {
  for (let iteration = 0; iteration < 3; iteration += 1) {
    const gradients = variables.map((variable, i) => ({
      name: variable.name,
      tensor: tf.tensor(values(variable.size, 50 + 10 * iteration + i, 0.5), variable.shape),
    }));
    step(gradients);
    tf.dispose(gradients.map((gradient) => gradient.tensor));
  }
}

describeBackends(['cpu', 'wasm'], 'applyOptimizerStep', () => {
  for (const name of ['adam', 'sgd', 'momentum', 'nesterov'] as const) {
    it(`${name}: the fused step leaves variables and optimiser state exactly as tfjs's`, async () => {
      const fusedOptimizer = makers[name]();
      const stockOptimizer = makers[name]();
      expect(canFuseOptimizerStep(fusedOptimizer)).toBe(true);
      const fused = makeVariables();
      const stock = makeVariables();
      train(fused, (gradients) => {
        // The fused path is one kernel, whatever the number of variables.
        const before = tf.memory().numTensors;
        const gradientsByName = gradients.map((gradient, i) => ({
          name: fused[i]!.name,
          tensor: gradient.tensor,
        }));
        applyOptimizerStep(fusedOptimizer, gradientsByName);
        // Moments are made on the first step only; afterwards the count is flat.
        if (fusedOptimizer.iterations > 1) expect(tf.memory().numTensors).toBe(before);
      });
      train(stock, (gradients) => {
        stockOptimizer.applyGradients(
          gradients.map((gradient, i) => ({ name: stock[i]!.name, tensor: gradient.tensor })),
        );
      });
      fused.forEach((variable, i) => {
        expect(Array.from(variable.dataSync())).toEqual(Array.from(stock[i]!.dataSync()));
      });
      expect(fusedOptimizer.iterations).toBe(3);
      const fusedWeights = await fusedOptimizer.getWeights();
      const stockWeights = await stockOptimizer.getWeights();
      const rename = (weightName: string, from: tf.Variable[], to: tf.Variable[]) =>
        from.reduce((text, variable, i) => text.replace(variable.name, to[i]!.name), weightName);
      expect(fusedWeights.map((weight) => rename(weight.name, fused, stock))).toEqual(
        stockWeights.map((weight) => weight.name),
      );
      fusedWeights.forEach((weight, i) => {
        expect(Array.from(weight.tensor.dataSync())).toEqual(
          Array.from(stockWeights[i]!.tensor.dataSync()),
        );
      });
      if (name === 'adam') {
        const accumulators = (optimizer: tf.Optimizer) =>
          ['accBeta1', 'accBeta2'].map(
            (key) => (optimizer as unknown as Record<string, tf.Tensor>)[key]!.dataSync()[0],
          );
        expect(accumulators(fusedOptimizer)).toEqual(accumulators(stockOptimizer));
      }
      tf.dispose([fusedWeights[0]!.tensor, stockWeights[0]!.tensor]);
      tf.dispose([...fused, ...stock]);
      fusedOptimizer.dispose();
      stockOptimizer.dispose();
    });
  }

  it('runs a single kernel for every variable at once', async () => {
    const optimizer = tf.train.adam(0.01);
    const variables = makeVariables();
    const gradients = variables.map((variable) => ({
      name: variable.name,
      tensor: tf.onesLike(variable),
    }));
    applyOptimizerStep(optimizer, gradients); // creates the moments
    const profile = await tf.profile(() => applyOptimizerStep(optimizer, gradients));
    expect(profile.kernels.map((kernel) => kernel.name)).toEqual([optimizerStepKernelName]);
    tf.dispose([...variables, ...gradients.map((gradient) => gradient.tensor)]);
    optimizer.dispose();
  });

  it("takes tfjs's path for other optimisers, subclasses and missing gradients", () => {
    class CustomAdam extends tf.AdamOptimizer {}
    expect(canFuseOptimizerStep(makers.rmsprop())).toBe(false);
    expect(canFuseOptimizerStep(new CustomAdam(0.01, 0.9, 0.999))).toBe(false);
    const variables = makeVariables();
    const stock = makeVariables();
    const fusedOptimizer = makers.rmsprop();
    const stockOptimizer = makers.rmsprop();
    train(variables, (gradients) => {
      applyOptimizerStep(
        fusedOptimizer,
        gradients.map((gradient, i) => ({ name: variables[i]!.name, tensor: gradient.tensor })),
      );
    });
    train(stock, (gradients) => {
      stockOptimizer.applyGradients(
        gradients.map((gradient, i) => ({ name: stock[i]!.name, tensor: gradient.tensor })),
      );
    });
    variables.forEach((variable, i) => {
      expect(Array.from(variable.dataSync())).toEqual(Array.from(stock[i]!.dataSync()));
    });
    // Adam with one variable lacking a gradient: that variable stays, the others move.
    const adam = makers.adam();
    const before = variables.map((variable) => Array.from(variable.dataSync()));
    const ones = tf.onesLike(variables[1]!);
    applyOptimizerStep(adam, [
      { name: variables[0]!.name, tensor: undefined },
      { name: variables[1]!.name, tensor: ones },
    ]);
    ones.dispose();
    expect(Array.from(variables[0]!.dataSync())).toEqual(before[0]);
    expect(Array.from(variables[1]!.dataSync())).not.toEqual(before[1]);
    tf.dispose([...variables, ...stock]);
    for (const optimizer of [fusedOptimizer, stockOptimizer, adam]) optimizer.dispose();
  });

  it('leaks no tensors', async () => {
    const optimizer = tf.train.adam(0.01);
    const variables = makeVariables();
    const gradients = variables.map((variable) => ({
      name: variable.name,
      tensor: tf.onesLike(variable),
    }));
    await expectNoLeaks(() => applyOptimizerStep(optimizer, gradients));
    tf.dispose([...variables, ...gradients.map((gradient) => gradient.tensor)]);
    optimizer.dispose();
  });
});
