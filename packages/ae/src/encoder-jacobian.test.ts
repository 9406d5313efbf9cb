import { InvalidArgumentError } from '@aekit/core';
import { type ActivationName, applyMlp, disposeMlp, type Mlp, mlp } from '@aekit/layers';
import {
  type Activation64,
  type Dense64,
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  finiteDifferenceJacobian,
  forward64,
  frobeniusSquared64,
  jacobian64,
  type Matrix,
  setVariables64,
  uniformMatrix,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { composeMlps } from './compose-mlps';
import { encoderFilters } from './encoder-filters';
import { encoderJacobianFrobeniusSquared, encoderJacobianNorm } from './encoder-jacobian';

/** A stack with fixed float32 weights, and the same stack in float64. */
function fixedStack(widths: number[], activations: ActivationName[], seed: number) {
  const stack = mlp({ widths, activations, seed });
  const variables: Record<string, tf.Variable> = {};
  stack.layers.forEach((layer, index) => {
    variables[`${index}.W`] = layer.W;
    variables[`${index}.b`] = layer.b;
  });
  const values = setVariables64(variables, seed, 1);
  const layers64 = stack.layers.map(
    (layer, index): Dense64 => ({
      W: values[`${index}.W`] as Matrix,
      b: values[`${index}.b`] as number[],
      activation: layer.activation as Activation64,
    }),
  );
  return { stack, layers64 };
}

const penalty64 = (rows: number[][], layers: Dense64[]) =>
  rows.map((row) => frobeniusSquared64(jacobian64(row, layers)));

describeBackends(['cpu', 'wasm'], 'encoder Jacobian', () => {
  it.each<[string, number[], ActivationName[]]>([
    ['one sigmoid layer (closed form)', [5, 3], ['sigmoid']],
    ['a deep sigmoid–tanh encoder (chain)', [5, 4, 3], ['sigmoid', 'tanh']],
    [
      'a wide softplus–linear encoder (chain from the output side)',
      [3, 6, 2],
      ['softplus', 'linear'],
    ],
  ])('‖J‖²_F of %s matches float64 central differences', (_, widths, activations) => {
    const { stack, layers64 } = fixedStack(widths, activations, 3);
    const rows = uniformMatrix(4, widths[0]!, 8, -1, 1);
    const x = tf.tensor2d(rows);
    const squared = encoderJacobianFrobeniusSquared(stack, x);
    const byDifferences = rows.map((row) =>
      frobeniusSquared64(finiteDifferenceJacobian((input) => forward64(input, layers64), row)),
    );
    // Central differences (step 1e-6) in float64 are accurate to ~1e-9; float32 sums to ~1e-6.
    expectAllClose(squared, byDifferences, { rtol: 1e-4, atol: 1e-6 });
    const norms = encoderJacobianNorm(stack, x);
    expectAllClose(norms, byDifferences.map(Math.sqrt), { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([x, squared, norms]);
    disposeMlp(stack);
  });

  it('is differentiable: the gradient in W₁ matches float64 differences of the chain-rule penalty', () => {
    const { stack, layers64 } = fixedStack([4, 3, 2], ['sigmoid', 'sigmoid'], 5);
    const rows = uniformMatrix(3, 4, 9, -1, 1);
    const x = tf.tensor2d(rows);
    const first = stack.layers[0]!;
    const gradient = tf.grad((w: tf.Tensor) =>
      tf.sum(
        encoderJacobianFrobeniusSquared(
          {
            widths: stack.widths,
            layers: [{ ...first, W: w as tf.Variable<tf.Rank.R2> }, stack.layers[1]!],
          },
          x,
        ),
      ),
    )(first.W);
    const w1 = layers64[0]!.W;
    const h = 1e-6;
    const expected = w1.map((row, i) =>
      row.map((_, j) => {
        const shifted = (delta: number) => {
          const W = w1.map((r, p) =>
            r.map((value, q) => (p === i && q === j ? value + delta : value)),
          );
          const layers = [{ ...layers64[0]!, W }, layers64[1]!];
          return penalty64(rows, layers).reduce((sum, value) => sum + value, 0);
        };
        return (shifted(h) - shifted(-h)) / (2 * h);
      }),
    );
    expectAllClose(gradient, expected, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([x, gradient]);
    disposeMlp(stack);
  });

  it('handles tied layers (stored transposed) and activations without a closed form', () => {
    const encoder = mlp({ widths: [4, 3], activations: 'sigmoid', seed: 1 });
    const decoder = mlp({ widths: [3, 4], activations: 'elu', seed: 2, tiedTo: encoder });
    const values = setVariables64({ W: encoder.layers[0]!.W, b: decoder.layers[0]!.b }, 4, 1);
    const tied: Dense64[] = [
      { W: values.W as Matrix, b: values.b as number[], activation: 'elu', transposed: true },
    ];
    const rows = uniformMatrix(3, 3, 10, -1, 1);
    const z = tf.tensor2d(rows);
    const norms = encoderJacobianNorm(decoder, z);
    const expected = rows.map((row) =>
      Math.sqrt(
        frobeniusSquared64(finiteDifferenceJacobian((input) => forward64(input, tied), row)),
      ),
    );
    expectAllClose(norms, expected, { rtol: 1e-4, atol: 1e-6 });
    expect(() => encoderJacobianFrobeniusSquared(decoder, z)).toThrow(
      "encoderJacobianFrobeniusSquared: 'encoder.layers[0].activation' must be one of 'sigmoid', 'tanh', 'relu', 'softplus', 'linear' (activations with a closed-form derivative), got \"elu\".",
    );
    const relu = mlp({ widths: [3, 4], activations: 'relu', seed: 2, tiedTo: encoder });
    tf.tidy(() => relu.layers[0]!.b.assign(decoder.layers[0]!.b));
    const squared = encoderJacobianFrobeniusSquared(relu, z);
    const reluLayers: Dense64[] = [{ ...tied[0]!, activation: 'relu' }];
    expectAllClose(squared, penalty64(rows, reluLayers), { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([z, norms, squared]);
    disposeMlp(relu);
    disposeMlp(decoder);
    disposeMlp(encoder);
  });

  it('rejects what is not an Mlp and inputs of the wrong width', () => {
    const { stack } = fixedStack([4, 2], ['sigmoid'], 1);
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => encoderJacobianNorm(stack, x)).toThrow(
      "encoderJacobianNorm: 'x' must have shape [*, 4], got [2, 5].",
    );
    expect(() => encoderJacobianNorm({ widths: [4] } as unknown as Mlp, x)).toThrow(
      InvalidArgumentError,
    );
    x.dispose();
    disposeMlp(stack);
  });

  it('frees its intermediates', async () => {
    const deep = fixedStack([5, 4, 3], ['sigmoid', 'tanh'], 2).stack;
    const elu = fixedStack([5, 3], ['elu'], 2).stack;
    const x = tf.tensor2d(uniformMatrix(3, 5, 1));
    await expectNoLeaks(() => {
      tf.dispose([
        encoderJacobianFrobeniusSquared(deep, x),
        encoderJacobianNorm(deep, x),
        encoderJacobianNorm(elu, x),
        encoderFilters(deep),
      ]);
    });
    x.dispose();
    disposeMlp(deep);
    disposeMlp(elu);
  });
});

describeBackends(['cpu', 'wasm'], 'composeMlps and encoderFilters', () => {
  it('composes stacks that share variables, applied in order', () => {
    const a = mlp({ widths: [5, 4], activations: 'sigmoid', seed: 1 });
    const b = mlp({ widths: [4, 3, 2], activations: ['tanh', 'linear'], seed: 2 });
    const composed = composeMlps([a, b]);
    expect(composed.widths).toEqual([5, 4, 3, 2]);
    expect(composed.layers[0]!.W).toBe(a.layers[0]!.W);
    expect(composed.layers[2]!.W).toBe(b.layers[1]!.W);
    const x = tf.tensor2d(uniformMatrix(3, 5, 2));
    const once = applyMlp(composed, x);
    const inTurn = tf.tidy(() => applyMlp(b, applyMlp(a, x)));
    expect(Array.from(once.dataSync())).toEqual(Array.from(inTurn.dataSync()));
    expect(() => composeMlps([b, a])).toThrow(
      'composeMlps: \'stacks[1]\' must be a stack whose input width is 2, the output width of stacks[0], got "an Mlp of widths [5, 4]".',
    );
    expect(() => composeMlps([])).toThrow(
      "composeMlps: 'stacks' must be a non-empty array of Mlp, got [].",
    );
    tf.dispose([x, once, inTurn]);
    disposeMlp(a);
    disposeMlp(b);
  });

  it('filters are the rows of W₁ᵀ, also for a tied first layer', () => {
    const encoder = mlp({ widths: [3, 2], activations: 'sigmoid', seed: 1 });
    const decoder = mlp({ widths: [2, 3], activations: 'sigmoid', seed: 2, tiedTo: encoder });
    const w = Array.from(encoder.layers[0]!.W.dataSync()); // [3, 2] row-major
    const filters = encoderFilters(encoder);
    expect(filters.shape).toEqual([2, 3]);
    expect(Array.from(filters.dataSync())).toEqual([w[0], w[2], w[4], w[1], w[3], w[5]]);
    // The tied decoder's first layer maps 2 → 3 with W stored as [3, 2]: its filters are W itself.
    const decoderFilters = encoderFilters(decoder);
    expect(decoderFilters.shape).toEqual([3, 2]);
    expect(Array.from(decoderFilters.dataSync())).toEqual(w);
    tf.dispose([filters, decoderFilters]);
    disposeMlp(decoder);
    disposeMlp(encoder);
  });
});
