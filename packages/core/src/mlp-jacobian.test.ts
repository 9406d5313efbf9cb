import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import {
  chainRuleFrobenius,
  f32,
  finiteDifferenceJacobian,
  forward64,
  frobeniusSquared,
  type Layer64,
  penalty64,
  preActivations,
  uniforms,
} from './__fixtures__/float64';
import type { DenseActivation } from './activations';
import { type DenseLayer, denseJacobianFrobeniusSquared } from './dense-jacobian';
import { InvalidArgumentError, ShapeMismatchError } from './errors';
import { jacobian } from './jacobian';
import { mlpJacobianFrobeniusSquared } from './mlp-jacobian';

function makeNetwork(widths: number[], activations: DenseActivation[], seed: number): Layer64[] {
  return activations.map((activation, l) => {
    const [rows, columns] = [widths[l]!, widths[l + 1]!];
    const scale = 1.5 / Math.sqrt(rows);
    const w = uniforms(rows * columns, seed + 2 * l, -scale, scale).map(f32);
    return {
      W: Array.from({ length: rows }, (_, i) => w.slice(i * columns, (i + 1) * columns)),
      b: uniforms(columns, seed + 2 * l + 1, -0.3, 0.3).map(f32),
      activation,
    };
  });
}

/** Input rows whose pre-activations all stay ≥ 0.02 away from 0 (relu's kink). */
function makeInputs(layers: Layer64[], inDim: number, count: number, seed: number): number[][] {
  const rows: number[][] = [];
  for (let attempt = 0; rows.length < count; attempt += 1) {
    const x = uniforms(inDim, seed + attempt, -1.5, 1.5).map(f32);
    let h = x;
    let smooth = true;
    for (const layer of layers) {
      const a = preActivations(h, layer);
      if (layer.activation === 'relu' && a.some((v) => Math.abs(v) < 0.02)) smooth = false;
      h = forward64(h, [layer]);
    }
    if (smooth) rows.push(x);
  }
  return rows;
}

function toTensors(layers: Layer64[]): DenseLayer[] {
  return layers.map((layer) => ({
    W: tf.tensor2d(layer.W),
    b: tf.tensor1d(layer.b),
    activation: layer.activation,
  }));
}

const disposeLayers = (layers: DenseLayer[]) => tf.dispose(layers.flatMap((l) => [l.W, l.b]));

const networks: [string, number[], DenseActivation[]][] = [
  ['a widening network (accumulated from the input)', [3, 5, 4, 7], ['tanh', 'relu', 'sigmoid']],
  [
    'a narrowing network (accumulated from the output)',
    [7, 6, 4, 2],
    ['softplus', 'tanh', 'linear'],
  ],
  [
    'an encoder with every activation',
    [6, 5, 5, 4, 4, 3],
    ['sigmoid', 'relu', 'softplus', 'linear', 'tanh'],
  ],
];

const applyLayers = (layers: DenseLayer[]) => (x: tf.Tensor2D) =>
  layers.reduce<tf.Tensor>((h, layer) => {
    const a = tf.add(tf.matMul(h as tf.Tensor2D, layer.W), layer.b);
    switch (layer.activation) {
      case 'sigmoid':
        return tf.sigmoid(a);
      case 'tanh':
        return tf.tanh(a);
      case 'relu':
        return tf.relu(a);
      case 'softplus':
        return tf.softplus(a);
      default:
        return a;
    }
  }, x);

describeBackends(['cpu', 'wasm'], 'mlpJacobianFrobeniusSquared', () => {
  for (const [label, widths, activations] of networks) {
    it(`matches ‖jacobian‖²_F and float64 central differences: ${label}`, () => {
      const layers64 = makeNetwork(widths, activations, widths.length * 13);
      const rows = makeInputs(layers64, widths[0]!, 4, 500);
      const layers = toTensors(layers64);
      const x = tf.tensor2d(rows);
      const penalty = mlpJacobianFrobeniusSquared(x, layers);
      expect(penalty.shape).toEqual([4]);
      const numeric = rows.map((row) =>
        frobeniusSquared(finiteDifferenceJacobian((v) => forward64(v, layers64), row)),
      );
      expectAllClose(penalty, numeric, { rtol: 1e-5, atol: 1e-7 });
      // The chain rule with differenced activation slopes agrees too.
      expectAllClose(
        penalty,
        rows.map((row) => chainRuleFrobenius(row, layers64)),
        {
          rtol: 1e-5,
          atol: 1e-7,
        },
      );
      const j = jacobian(applyLayers(layers), x);
      const viaAutodiff = tf.sum(tf.square(j), [1, 2]);
      expectAllClose(penalty, viaAutodiff.dataSync(), { rtol: 1e-5, atol: 1e-7 });
      expect([x, ...layers.flatMap((l) => [l.W, l.b])].some((t) => t.isDisposed)).toBe(false);
      tf.dispose([x, penalty, j, viaAutodiff]);
      disposeLayers(layers);
    });

    it(`has gradients in every W and b matching float64 central differences: ${label}`, () => {
      const layers64 = makeNetwork(widths, activations, widths.length * 17);
      const rows = makeInputs(layers64, widths[0]!, 3, 900);
      const layers = toTensors(layers64);
      const x = tf.tensor2d(rows);
      const params = layers.flatMap((l) => [l.W, l.b]);
      const grads = tf.grads((...ps: tf.Tensor[]) =>
        tf.sum(
          mlpJacobianFrobeniusSquared(
            x,
            layers.map((layer, l) => ({
              W: ps[2 * l] as tf.Tensor2D,
              b: ps[2 * l + 1] as tf.Tensor1D,
              activation: layer.activation,
            })),
          ),
        ),
      )(params);
      const h = 1e-6;
      const difference = (change: (copy: Layer64[], sign: number) => void) => {
        const at = (sign: number) => {
          const copy = layers64.map((layer) => ({
            ...layer,
            W: layer.W.map((r) => [...r]),
            b: [...layer.b],
          }));
          change(copy, sign);
          return penalty64(rows, copy);
        };
        return (at(1) - at(-1)) / (2 * h);
      };
      layers64.forEach((layer, l) => {
        const numericW = layer.W.map((r, i) =>
          r.map((_, j) =>
            difference((copy, sign) => {
              copy[l]!.W[i]![j]! += sign * h;
            }),
          ),
        );
        const numericB = layer.b.map((_, j) =>
          difference((copy, sign) => {
            copy[l]!.b[j]! += sign * h;
          }),
        );
        expectAllClose(grads[2 * l]!, numericW, { rtol: 1e-4, atol: 1e-5 });
        expectAllClose(grads[2 * l + 1]!, numericB, { rtol: 1e-4, atol: 1e-5 });
      });
      tf.dispose([x, ...grads]);
      disposeLayers(layers);
    });
  }

  it('equals denseJacobianFrobeniusSquared for one layer', () => {
    const [layer] = toTensors(makeNetwork([4, 3], ['tanh'], 3));
    const x = tf.tensor2d([
      [0.1, -0.2, 0.3, 0.4],
      [1, 0, -1, 0.5],
    ]);
    const mlp = mlpJacobianFrobeniusSquared(x, [layer!]);
    const dense = denseJacobianFrobeniusSquared(x, layer!.W, layer!.b, 'tanh');
    expectAllClose(mlp, dense.dataSync(), { rtol: 1e-7 });
    tf.dispose([x, mlp, dense]);
    disposeLayers([layer!]);
  });

  it('handles a wide input (784 → 64 → 16) in batched matrix products', () => {
    const layers = [
      {
        W: tf.randomNormal([784, 64], 0, 0.05, 'float32', 1),
        b: tf.zeros([64]),
        activation: 'sigmoid',
      },
      { W: tf.randomNormal([64, 16], 0, 0.2, 'float32', 2), b: tf.zeros([16]), activation: 'tanh' },
    ] as DenseLayer[];
    const x = tf.randomUniform([8, 784], 0, 1, 'float32', 3);
    const penalty = mlpJacobianFrobeniusSquared(x, layers);
    const j = jacobian(applyLayers(layers), x as tf.Tensor2D);
    const viaAutodiff = tf.sum(tf.square(j), [1, 2]);
    expectAllClose(penalty, viaAutodiff.dataSync(), { rtol: 1e-4 });
    tf.dispose([x, penalty, j, viaAutodiff]);
    disposeLayers(layers);
  });

  it('rejects malformed layers, naming the layer and argument', () => {
    const x = tf.zeros([2, 4]);
    const layers = toTensors(makeNetwork([4, 3, 2], ['tanh', 'relu'], 1));
    expect(() => mlpJacobianFrobeniusSquared(x, [])).toThrow(
      "mlpJacobianFrobeniusSquared: 'layers' must be a non-empty array of { W, b, activation }, got [].",
    );
    expect(() => mlpJacobianFrobeniusSquared(x, [layers[1]!])).toThrow(ShapeMismatchError);
    expect(() => mlpJacobianFrobeniusSquared(x, [layers[0]!, layers[0]!])).toThrow(
      "mlpJacobianFrobeniusSquared: 'layers[1].W' must have shape [3, *], got [4, 3].",
    );
    expect(() =>
      mlpJacobianFrobeniusSquared(x, [layers[0]!, { ...layers[1]!, b: layers[0]!.b }]),
    ).toThrow("mlpJacobianFrobeniusSquared: 'layers[1].b' must have shape [2], got [3].");
    let caught: unknown;
    try {
      mlpJacobianFrobeniusSquared(x, [layers[0]!, { ...layers[1]!, activation: 'gelu' as never }]);
    } catch (error) {
      caught = error;
    }
    expect(InvalidArgumentError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `mlpJacobianFrobeniusSquared: 'layers[1].activation' must be one of 'sigmoid', 'tanh', 'relu', 'softplus', 'linear', got "gelu".`,
    );
    expect(() => mlpJacobianFrobeniusSquared(x, [layers[0]!, null as never])).toThrow(
      "mlpJacobianFrobeniusSquared: 'layers[1]' must be an object { W, b, activation }, got null.",
    );
    tf.dispose(x);
    disposeLayers(layers);
  });

  it('does not leak, with or without gradients', async () => {
    const layers = toTensors(makeNetwork([3, 5, 2], ['sigmoid', 'tanh'], 8));
    const wide = toTensors(makeNetwork([2, 5, 6], ['relu', 'softplus'], 9));
    const x = tf.ones([2, 3]);
    const x2 = tf.ones([2, 2]);
    await expectNoLeaks(() => {
      tf.dispose(mlpJacobianFrobeniusSquared(x, layers));
      tf.dispose(mlpJacobianFrobeniusSquared(x2, wide));
      tf.dispose(
        tf.grads((w: tf.Tensor) =>
          tf.sum(
            mlpJacobianFrobeniusSquared(x, [{ ...layers[0]!, W: w as tf.Tensor2D }, layers[1]!]),
          ),
        )([layers[0]!.W]),
      );
    });
    tf.dispose([x, x2]);
    disposeLayers([...layers, ...wide]);
  });
});
