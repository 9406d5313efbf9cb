import { type OptimizerStepAttrs, optimizerStepKernelName } from '@aekit/core';
import { describeBackends, expectAllClose, setBackendActivator } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { initBackend } from './index';
import { updateModuleBytes } from './update-module';

setBackendActivator(async (backend) => {
  await initBackend({ backend });
});

/** Deterministic values in [−scale, scale), from a linear congruential generator. */
function values(count: number, seed: number, scale = 1): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
}

type Method = 'sgd' | 'momentum' | 'nesterov' | 'adam';

interface Reference {
  theta: number[];
  state: number[][];
  accBeta1: number;
  accBeta2: number;
}

const hyper = { learningRate: 0.05, momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** One step of each optimiser in float64, written from the update rules. */
function referenceStep(method: Method, reference: Reference, g: readonly number[]): void {
  const { learningRate: eta, momentum: mu, beta1, beta2, epsilon } = hyper;
  for (let j = 0; j < reference.theta.length; j += 1) {
    const gj = g[j]!;
    if (method === 'sgd') {
      reference.theta[j]! -= eta * gj;
    } else if (method === 'momentum' || method === 'nesterov') {
      const a = mu * reference.state[0]![j]! + gj;
      reference.state[0]![j] = a;
      reference.theta[j]! -= eta * (method === 'nesterov' ? gj + mu * a : a);
    } else {
      const m = beta1 * reference.state[0]![j]! + (1 - beta1) * gj;
      const v = beta2 * reference.state[1]![j]! + (1 - beta2) * gj * gj;
      reference.state[0]![j] = m;
      reference.state[1]![j] = v;
      const mHat = m / (1 - reference.accBeta1);
      const vHat = v / (1 - reference.accBeta2);
      reference.theta[j]! -= (eta * mHat) / (Math.sqrt(vHat) + epsilon);
    }
  }
  if (method === 'adam') {
    reference.accBeta1 *= beta1;
    reference.accBeta2 *= beta2;
  }
}

const stateCount: Record<Method, number> = { sgd: 0, momentum: 1, nesterov: 1, adam: 2 };

function attrsOf(method: Method, count: number): OptimizerStepAttrs {
  return {
    method: method === 'nesterov' ? 'momentum' : method,
    count,
    learningRate: hyper.learningRate,
    ...(method === 'momentum' || method === 'nesterov'
      ? { momentum: hyper.momentum, useNesterov: method === 'nesterov' }
      : {}),
    ...(method === 'adam'
      ? { beta1: hyper.beta1, beta2: hyper.beta2, epsilon: hyper.epsilon }
      : {}),
  };
}

// Shapes whose sizes are and are not multiples of 4, so the 4-lane loop and the scalar tail
// both run; [] is a scalar variable.
const shapes = [[3, 5], [8], [], [2, 2, 3]];
const methods: Method[] = ['sgd', 'momentum', 'nesterov', 'adam'];

describeBackends(['cpu', 'wasm'], 'AekitOptimizerStep kernel', () => {
  for (const method of methods) {
    it(`${method}: three steps match the float64 update rule`, () => {
      const sizes = shapes.map((shape) => shape.reduce((p, d) => p * d, 1));
      const references: Reference[] = sizes.map((size, i) => ({
        theta: values(size, 10 + i),
        state: Array.from({ length: stateCount[method] }, () => new Array(size).fill(0)),
        accBeta1: hyper.beta1,
        accBeta2: hyper.beta2,
      }));
      let thetas = references.map((r, i) => tf.tensor(r.theta, shapes[i]!));
      let states = references.map((r, i) => r.state.map(() => tf.zeros(shapes[i]!)));
      let accumulators: tf.Tensor[] = [tf.scalar(hyper.beta1), tf.scalar(hyper.beta2)];
      for (let step = 0; step < 3; step += 1) {
        // Gradients of mixed sizes, including zeros, where Adam divides ε-sized numbers.
        const gradients = sizes.map((size, i) =>
          values(size, 100 * step + i, 10 ** (i - 2)).map((g, j) => (j === 1 ? 0 : g)),
        );
        const inputs: tf.NamedTensorMap = {};
        thetas.forEach((theta, i) => {
          inputs[`value${i}`] = theta;
          inputs[`gradient${i}`] = tf.tensor(gradients[i]!, shapes[i]);
          const names = method === 'adam' ? ['m', 'v'] : ['accumulation'];
          states[i]!.forEach((state, k) => {
            inputs[`${names[k]}${i}`] = state;
          });
        });
        if (method === 'adam') {
          inputs.accBeta1 = accumulators[0]!;
          inputs.accBeta2 = accumulators[1]!;
        }
        const outputs = tf
          .engine()
          .runKernel(
            optimizerStepKernelName,
            inputs,
            attrsOf(method, shapes.length) as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        tf.dispose(Object.values(inputs));
        const perVariable = 1 + stateCount[method];
        thetas = shapes.map((_, i) => outputs[i * perVariable]!);
        states = shapes.map((_, i) =>
          Array.from({ length: stateCount[method] }, (_, k) => outputs[i * perVariable + 1 + k]!),
        );
        if (method === 'adam') accumulators = outputs.slice(shapes.length * perVariable);
        expect(outputs).toHaveLength(shapes.length * perVariable + (method === 'adam' ? 2 : 0));
        references.forEach((reference, i) => {
          referenceStep(method, reference, gradients[i]!);
        });
      }
      references.forEach((reference, i) => {
        expect(thetas[i]!.shape).toEqual(shapes[i]);
        expectAllClose(thetas[i]!.dataSync(), reference.theta);
        reference.state.forEach((state, k) => {
          expectAllClose(states[i]![k]!.dataSync(), state);
        });
      });
      if (method === 'adam') {
        expectAllClose(accumulators[0]!, hyper.beta1 ** 4);
        expectAllClose(accumulators[1]!, hyper.beta2 ** 4);
      }
      tf.dispose([...thetas, ...states.flat(), ...accumulators]);
    });
  }

  it('computes exactly what tfjs 4.22 optimisers compute, step after step', () => {
    const optimizers = {
      sgd: () => tf.train.sgd(hyper.learningRate),
      momentum: () => tf.train.momentum(hyper.learningRate, hyper.momentum),
      nesterov: () => tf.train.momentum(hyper.learningRate, hyper.momentum, true),
      adam: () => tf.train.adam(hyper.learningRate, hyper.beta1, hyper.beta2),
    } as const;
    for (const method of methods) {
      const variable = tf.variable(tf.tensor(values(23, 5), [23]));
      const optimizer = optimizers[method]();
      let theta = tf.tensor(values(23, 5), [23]);
      let state = Array.from({ length: stateCount[method] }, () => tf.zeros([23]));
      let accumulators: tf.Tensor[] = [tf.scalar(hyper.beta1), tf.scalar(hyper.beta2)];
      for (let step = 0; step < 4; step += 1) {
        const gradient = tf.tensor(values(23, 7 + step, 0.3), [23]);
        optimizer.applyGradients([{ name: variable.name, tensor: gradient }]);
        const names = method === 'adam' ? ['m', 'v'] : ['accumulation'];
        const inputs: tf.NamedTensorMap = { value0: theta, gradient0: gradient };
        state.forEach((tensor, k) => {
          inputs[`${names[k]}0`] = tensor;
        });
        if (method === 'adam')
          Object.assign(inputs, { accBeta1: accumulators[0], accBeta2: accumulators[1] });
        const outputs = tf
          .engine()
          .runKernel(
            optimizerStepKernelName,
            inputs,
            attrsOf(method, 1) as unknown as tf.NamedAttrMap,
          ) as tf.Tensor[];
        tf.dispose([theta, gradient, ...state, ...(method === 'adam' ? accumulators : [])]);
        [theta, ...state] = outputs.slice(0, 1 + stateCount[method]) as [tf.Tensor, ...tf.Tensor[]];
        if (method === 'adam') accumulators = outputs.slice(3);
        // Same float32 operations in the same order: the same bits.
        expect(Array.from(theta.dataSync()), `${method}, step ${step}`).toEqual(
          Array.from(variable.dataSync()),
        );
      }
      tf.dispose([variable, theta, ...state, ...accumulators]);
      optimizer.dispose();
    }
  });

  it('leaves its inputs unchanged and frees nothing it does not own', () => {
    const theta = tf.tensor1d([1, 2, 3, 4, 5]);
    const gradient = tf.tensor1d([0.5, -0.5, 1, -1, 2]);
    const before = tf.memory().numTensors;
    const [next] = tf
      .engine()
      .runKernel(optimizerStepKernelName, { value0: theta, gradient0: gradient }, {
        method: 'sgd',
        count: 1,
        learningRate: 0.1,
      } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    expect(tf.memory().numTensors).toBe(before + 1);
    expectAllClose(next!, [0.95, 2.05, 2.9, 4.1, 4.8]);
    expect(Array.from(theta.dataSync())).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(gradient.dataSync())).toEqual([0.5, -0.5, 1, -1, 2]);
    tf.dispose([theta, gradient, next!]);
  });

  it('names a missing or mis-shaped input', () => {
    const theta = tf.tensor1d([1, 2]);
    const run = (inputs: tf.NamedTensorMap) => () =>
      tf.engine().runKernel(optimizerStepKernelName, inputs, {
        method: 'momentum',
        count: 1,
        learningRate: 0.1,
        momentum: 0.9,
      } as unknown as tf.NamedAttrMap);
    const gradient = tf.tensor1d([1, 2]);
    expect(run({ value0: theta, gradient0: gradient })).toThrow(
      "AekitOptimizerStep: input 'accumulation0' is missing.",
    );
    const wrong = tf.tensor1d([1, 2, 3]);
    expect(run({ value0: theta, gradient0: wrong })).toThrow(
      "AekitOptimizerStep: input 'gradient0' must have shape [2], got [3].",
    );
    tf.dispose([theta, gradient, wrong]);
  });
});

it('assembles a valid WebAssembly module, plain and for shared memory', () => {
  expect(WebAssembly.validate(updateModuleBytes(false))).toBe(true);
  expect(WebAssembly.validate(updateModuleBytes(true))).toBe(true);
});
