import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from './all-close';
import { describeBackends, selectedBackends } from './describe-backends';
import { expectOneStepLowersLoss, type OneStepOptions, temporaryFolder } from './family-checks';
import {
  type Activation64,
  activate64,
  type Dense64,
  derivative64,
  finiteDifference,
  finiteDifferenceJacobian,
  forward64,
  frobeniusSquared64,
  jacobian64,
  setVariables64,
  uniformMatrix,
  uniforms,
} from './float64';
import { expectNoLeaks } from './no-leaks';

describeBackends(['cpu'], 'expectAllClose', () => {
  it('passes within atol + rtol·|expected|', () => {
    expectAllClose([1, 2, 3], [1 + 5e-6, 2, 3 - 1e-6]);
    expectAllClose(tf.tensor2d([[1, 2]]), [[1, 2]]);
    expectAllClose(1000.05, 1000, { rtol: 1e-4, atol: 0 });
    expectAllClose([Number.NaN, Infinity], [Number.NaN, Infinity]);
  });

  it('fails on a value beyond tolerance, naming the worst element', () => {
    expect(() => expectAllClose([1, 2, 3.1], [1, 2, 3])).toThrow(
      /1 of 3 values differ beyond atol 0\.000001 \+ rtol 0\.00001·\|expected\|; worst at flat index 2: actual 3\.1, expected 3/,
    );
    expect(() => expectAllClose([1, 2.001], [1, 2], { rtol: 1e-4 })).toThrow(
      /worst at flat index 1/,
    );
  });

  it('fails on shape or size differences, NaN and infinities', () => {
    expect(() => expectAllClose(tf.zeros([2, 3]), tf.zeros([3, 2]))).toThrow(/shapes differ/);
    expect(() => expectAllClose([1, 2], [1, 2, 3])).toThrow(/sizes differ|shapes differ/);
    expect(() => expectAllClose([Number.NaN], [1])).toThrow(/1 of 1 values differ/);
    expect(() => expectAllClose([1], [Number.NaN])).toThrow(/1 of 1 values differ/);
    expect(() => expectAllClose([Infinity], [-Infinity])).toThrow(/1 of 1 values differ/);
  });

  it('compares every element with a scalar expectation', () => {
    expectAllClose([2, 2, 2], 2);
    expect(() => expectAllClose([2, 2.5], 2)).toThrow(/1 of 2 values differ/);
  });
});

describeBackends(['cpu'], 'expectNoLeaks', () => {
  it('passes when the function frees what it makes', async () => {
    await expectNoLeaks(() => tf.tidy(() => tf.add(tf.ones([2]), tf.ones([2]))).dispose());
  });

  it('fails when every run keeps a tensor', async () => {
    const kept: tf.Tensor[] = [];
    await expect(expectNoLeaks(() => kept.push(tf.ones([2])))).rejects.toThrow(
      /numTensors went from \d+ to \d+ during one run \(\+1 tensors\)/,
    );
    tf.dispose(kept);
  });

  it('ignores what only the first run creates (caches)', async () => {
    let cache: tf.Tensor | undefined;
    await expectNoLeaks(() => {
      cache ??= tf.ones([3]);
    });
    cache?.dispose();
  });
});

describeBackends(['cpu'], 'expectOneStepLowersLoss', () => {
  // A least-squares "model" with two variables: loss = mean((x·w + b)²).
  const model = () => {
    const w = tf.variable(tf.tensor2d([[1], [2]]));
    const b = tf.variable(tf.scalar(0.5));
    return {
      w,
      b,
      lossTerms: (x: tf.Tensor2D) => ({
        total: tf.mean(tf.square(tf.add(tf.matMul(x, w), b))) as tf.Scalar,
      }),
      variables: () => ({ w, b }),
    };
  };
  const x = () =>
    tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
  // One gradient step, as fit would take it.
  const sgd = async (m: ReturnType<typeof model>, batch: tf.Tensor2D, options: OneStepOptions) => {
    tf.train.sgd(options.learningRate).minimize(() => m.lossTerms(batch).total);
    return options.batchSize;
  };

  it('passes for a real step and resolves with what train resolved with', async () => {
    const m = model();
    const batch = x();
    await expect(expectOneStepLowersLoss(m, batch, sgd)).resolves.toBe(3);
    tf.dispose([m.w, m.b, batch]);
  });

  it('fails when the loss does not fall, or when a variable does not change', async () => {
    const m = model();
    const batch = x();
    await expect(expectOneStepLowersLoss(m, batch, async () => undefined)).rejects.toThrow();
    // A step that moves only w leaves b as it was.
    const onlyW = async () => {
      m.w.assign(tf.mul(m.w, 0.5));
    };
    await expect(expectOneStepLowersLoss(m, batch, onlyW)).rejects.toThrow(/variable 'b'/);
    tf.dispose([m.w, m.b, batch]);
  });
});

describe('temporaryFolder', () => {
  const folder = temporaryFolder('aekit-test-utils-');
  it('gives a folder that exists during the tests', async () => {
    const { stat } = await import('node:fs/promises');
    expect((await stat(folder())).isDirectory()).toBe(true);
  });
});

describe('selectedBackends', () => {
  it('filters by AEKIT_BACKENDS', () => {
    const saved = process.env.AEKIT_BACKENDS;
    try {
      process.env.AEKIT_BACKENDS = 'wasm';
      expect(selectedBackends(['cpu', 'wasm'])).toEqual(['wasm']);
      delete process.env.AEKIT_BACKENDS;
      expect(selectedBackends(['cpu', 'wasm'])).toEqual(['cpu', 'wasm']);
    } finally {
      if (saved === undefined) delete process.env.AEKIT_BACKENDS;
      else process.env.AEKIT_BACKENDS = saved;
    }
  });
});

const seen: string[] = [];
describeBackends(['cpu', 'wasm'], 'describeBackends', (backend) => {
  it('activates the backend for the suite, with gradients', () => {
    expect(tf.getBackend()).toBe(backend);
    seen.push(backend);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -3]));
    expect(Array.from(gradient.dataSync())).toEqual([2, -6]);
  });
});

describe('describeBackends order', () => {
  it('ran each selected backend once', () => {
    expect(seen).toEqual(selectedBackends(['cpu', 'wasm']));
  });
});

describe('float64 references', () => {
  const layers: Dense64[] = [
    { W: uniformMatrix(3, 4, 1), b: uniforms(4, 2, -0.5, 0.5), activation: 'tanh' },
    { W: uniformMatrix(4, 2, 3), b: uniforms(2, 4, -0.5, 0.5), activation: 'sigmoid' },
  ];

  it('runs a dense layer by its formula', () => {
    const layer: Dense64 = {
      W: [
        [1, 2],
        [3, 4],
      ],
      b: [0.5, -1],
      activation: 'relu',
    };
    // [1, -1]·W + b = [1 − 3 + 0.5, 2 − 4 − 1] = [−1.5, −3] → relu → [0, 0]; [2, 1]: [5.5, 7].
    expect(forward64([1, -1], [layer])).toEqual([0, 0]);
    expect(forward64([2, 1], [layer])).toEqual([5.5, 7]);
    expect(forward64([1, 2], [{ ...layer, transposed: true, activation: 'linear' }])).toEqual([
      5.5, 10,
    ]);
  });

  it('the chain-rule Jacobian agrees with central differences', () => {
    const x = uniforms(3, 5);
    const chain = jacobian64(x, layers);
    const numeric = finiteDifferenceJacobian((input) => forward64(input, layers), x);
    expectAllClose(chain.flat(), numeric.flat(), { rtol: 1e-6, atol: 1e-9 });
    expect(
      frobeniusSquared64([
        [1, 2],
        [3, 4],
      ]),
    ).toBe(30);
  });

  it('derivatives agree with central differences for every activation', () => {
    const names: Activation64[] = [
      'sigmoid',
      'relu',
      'tanh',
      'softplus',
      'leakyRelu',
      'elu',
      'linear',
    ];
    for (const name of names) {
      for (const a of [-1.3, 0.7]) {
        expectAllClose(
          derivative64(a, name),
          finiteDifference((value) => activate64(value, name), a),
          { rtol: 1e-6, atol: 1e-9 },
        );
      }
    }
  });

  it('setVariables64 writes float32-rounded uniforms and returns them by name', () => {
    const w = tf.variable(tf.zeros([2, 3]));
    const b = tf.variable(tf.zeros([3]));
    const values = setVariables64({ w, b }, 9, 0.5);
    expect(values.w).toEqual([
      uniforms(6, 9, -0.5, 0.5).slice(0, 3),
      uniforms(6, 9, -0.5, 0.5).slice(3),
    ]);
    expect(values.b).toEqual(uniforms(3, 10, -0.5, 0.5));
    expect(Array.from(w.dataSync())).toEqual(uniforms(6, 9, -0.5, 0.5));
    expect(Array.from(b.dataSync())).toEqual(uniforms(3, 10, -0.5, 0.5));
    tf.dispose([w, b]);
  });
});
