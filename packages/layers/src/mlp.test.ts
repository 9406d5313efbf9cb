import { createRng, deriveSeed, InvalidArgumentError } from '@aekit/core';
import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { initialValues } from './initializers';
import { applyMlp, disposeMlp, type Mlp, mlp, mlpVariables } from './mlp';
import { countParameters } from './parameters';

const relu = (z: number) => Math.max(0, z);
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** One dense layer in float64: act(x·W + b) or act(x·Wᵀ + b); matrices as row-major arrays. */
function denseReference(
  x: number[][],
  w: Float32Array,
  wShape: readonly number[],
  b: Float32Array,
  activation: (z: number) => number,
  transposeW: boolean,
): number[][] {
  const [rows, cols] = wShape as [number, number];
  const outDim = transposeW ? rows : cols;
  return x.map((row) =>
    Array.from({ length: outDim }, (_, j) => {
      let sum = b[j]!;
      row.forEach((value, k) => {
        sum += value * (transposeW ? w[j * cols + k]! : w[k * cols + j]!);
      });
      return activation(sum);
    }),
  );
}

function referenceOf(stack: Mlp, x: number[][], activations: ((z: number) => number)[]) {
  return stack.layers.reduce(
    (h, layer, index) =>
      denseReference(
        h,
        layer.W.dataSync() as Float32Array,
        layer.W.shape,
        layer.b.dataSync() as Float32Array,
        activations[index]!,
        layer.tied,
      ),
    x,
  );
}

function randomRows(rows: number, cols: number, seed: number): number[][] {
  const values = createRng(seed).normalArray(rows * cols);
  return Array.from({ length: rows }, (_, row) =>
    Array.from(values.subarray(row * cols, (row + 1) * cols)),
  );
}

/** Sets every bias of `stack` to small random values, so biases are exercised. */
function randomizeBiases(stack: Mlp, seed: number): void {
  stack.layers.forEach((layer, index) => {
    const values = createRng(seed + index).normalArray(layer.b.size, 0, 0.1);
    tf.tidy(() => layer.b.assign(tf.tensor1d(values)));
  });
}

describeBackends(['cpu', 'wasm'], 'mlp', () => {
  it('builds layers seeded by deriveSeed(seed, i), and runs them like a float64 reference', () => {
    const encoder = mlp({ widths: [6, 5, 3], activations: ['relu', 'linear'], seed: 4 });
    expect(encoder.widths).toEqual([6, 5, 3]);
    expect(encoder.layers.map((layer) => layer.W.shape)).toEqual([
      [6, 5],
      [5, 3],
    ]);
    expect(encoder.layers[1]!.W.dataSync()).toEqual(
      initialValues([5, 3], 'glorotUniform', deriveSeed(4, 1)),
    );
    randomizeBiases(encoder, 9);
    const rows = randomRows(4, 6, 1);
    const x = tf.tensor2d(rows);
    const y = applyMlp(encoder, x);
    expect(y.shape).toEqual([4, 3]);
    expectAllClose(y, referenceOf(encoder, rows, [relu, (z) => z]), { rtol: 1e-5, atol: 2e-6 });
    tf.dispose([x, y]);
    disposeMlp(encoder);
  });

  it('ties a decoder to the encoder: same W objects, used transposed, biases its own', () => {
    const encoder = mlp({ widths: [6, 4, 2], activations: 'relu', seed: 1 });
    const decoder = mlp({
      widths: [2, 4, 6],
      activations: ['relu', 'sigmoid'],
      seed: 2,
      tiedTo: encoder,
    });
    expect(decoder.layers[0]!.W).toBe(encoder.layers[1]!.W);
    expect(decoder.layers[1]!.W).toBe(encoder.layers[0]!.W);
    expect(decoder.layers.every((layer) => layer.tied)).toBe(true);
    expect(Object.keys(mlpVariables(encoder, 'encoder'))).toEqual([
      'encoder.0.W',
      'encoder.0.b',
      'encoder.1.W',
      'encoder.1.b',
    ]);
    expect(Object.keys(mlpVariables(decoder, 'decoder'))).toEqual(['decoder.0.b', 'decoder.1.b']);
    // Parameters: encoder 6·4 + 4 + 4·2 + 2 = 38; the tied decoder adds only biases 4 + 6.
    expect(
      countParameters({ ...mlpVariables(encoder, 'encoder'), ...mlpVariables(decoder, 'decoder') }),
    ).toBe(48);

    randomizeBiases(decoder, 20);
    const rows = randomRows(3, 2, 3);
    const z = tf.tensor2d(rows);
    const y = applyMlp(decoder, z);
    expect(y.shape).toEqual([3, 6]);
    expectAllClose(y, referenceOf(decoder, rows, [relu, sigmoid]), { rtol: 1e-5, atol: 2e-6 });
    tf.dispose([z, y]);

    // Freeing the decoder leaves the encoder's weights alone.
    disposeMlp(decoder);
    expect(encoder.layers[0]!.W.isDisposed).toBe(false);
    expect(decoder.layers[0]!.b.isDisposed).toBe(true);
    disposeMlp(encoder);
  });

  it("sends the tied decoder's gradient into the shared encoder weights", () => {
    // Loss L(W) = Σ sigmoid(relu(x·W + b₁)·Wᵀ + b₂) with one shared W. Its gradient is the sum
    // of the two uses' gradients: the untied model's dL/dW₁ + (dL/dW₂)ᵀ at W₂ = Wᵀ.
    const encoder = mlp({ widths: [5, 3], activations: 'relu', seed: 7 });
    const tied = mlp({ widths: [3, 5], activations: 'sigmoid', seed: 8, tiedTo: encoder });
    const untied = mlp({ widths: [3, 5], activations: 'sigmoid', seed: 8 });
    untied.layers[0]!.W.assign(tf.transpose(encoder.layers[0]!.W));
    randomizeBiases(encoder, 30);
    const x = tf.tensor2d(randomRows(4, 5, 5));
    const loss = (decoder: Mlp) => () =>
      tf.sum(applyMlp(decoder, applyMlp(encoder, x))) as tf.Scalar;
    const W = encoder.layers[0]!.W;
    const tiedGrads = tf.variableGrads(loss(tied), [W]);
    const untiedGrads = tf.variableGrads(loss(untied), [W, untied.layers[0]!.W]);
    const expected = tf.add(
      untiedGrads.grads[W.name]!,
      tf.transpose(untiedGrads.grads[untied.layers[0]!.W.name]!),
    );
    expectAllClose(tiedGrads.grads[W.name]!, expected, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([x, expected, tiedGrads.value, untiedGrads.value]);
    tf.dispose([...Object.values(tiedGrads.grads), ...Object.values(untiedGrads.grads)]);
    [tied, untied, encoder].forEach(disposeMlp);
  });

  it('applies dropout to hidden layers only while training, seeded', () => {
    const stack = mlp({ widths: [8, 16, 4], activations: ['relu', 'linear'], seed: 3 });
    const x = tf.tensor2d(randomRows(10, 8, 2));
    const plain = applyMlp(stack, x);
    const evaluation = applyMlp(stack, x, { training: false, dropout: 0.5, seed: 1 });
    const first = applyMlp(stack, x, { training: true, dropout: 0.5, seed: 1 });
    const again = applyMlp(stack, x, { training: true, dropout: 0.5, seed: 1 });
    const other = applyMlp(stack, x, { training: true, dropout: 0.5, seed: 2 });
    expect(evaluation.dataSync()).toEqual(plain.dataSync());
    expect(first.dataSync()).toEqual(again.dataSync());
    expect(first.dataSync()).not.toEqual(plain.dataSync());
    expect(first.dataSync()).not.toEqual(other.dataSync());
    expect(() => applyMlp(stack, x, { training: true, dropout: 0.5 })).toThrow(
      "applyMlp: 'options.seed' must be an integer in [0, 4294967295], got undefined.",
    );
    tf.dispose([x, plain, evaluation, first, again, other]);
    disposeMlp(stack);
  });

  it('rejects bad widths, activations and ties by name', () => {
    const cases: [() => unknown, string][] = [
      [
        () => mlp({ widths: [784], activations: 'relu', seed: 1 }),
        "mlp: 'options.widths' must be an array of at least two positive integers [inDim, …, outDim], got [784].",
      ],
      [
        () => mlp({ widths: [4, 0, 2], activations: 'relu', seed: 1 }),
        "mlp: 'options.widths' must be a non-empty array of positive integers, got [4, 0, 2].",
      ],
      [
        () => mlp({ widths: [4, 3, 2], activations: ['relu'], seed: 1 }),
        `mlp: 'options.activations' must be an activation name or an array of 2 (one per layer) of 'sigmoid', 'relu', 'tanh', 'softplus', 'leakyRelu', 'elu', 'linear', got ["relu"].`,
      ],
      [
        () => mlp({ widths: [4, 3, 2], activations: ['relu', 'swish' as 'relu'], seed: 1 }),
        `mlp: 'options.activations[1]' must be one of 'sigmoid', 'relu', 'tanh', 'softplus', 'leakyRelu', 'elu', 'linear', got "swish".`,
      ],
    ];
    for (const [call, message] of cases) {
      let caught: unknown;
      try {
        call();
      } catch (error) {
        caught = error;
      }
      expect(InvalidArgumentError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).toBe(message);
    }
    const encoder = mlp({ widths: [6, 4, 2], activations: 'relu', seed: 1 });
    expect(() => mlp({ widths: [2, 4, 5], activations: 'relu', seed: 1, tiedTo: encoder })).toThrow(
      "mlp: 'options.widths' must be the reverse of the tied encoder's widths, [2, 4, 6], got [2, 4, 5].",
    );
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => applyMlp(encoder, x)).toThrow("applyMlp: 'x' must have shape [*, 6], got [2, 5].");
    x.dispose();
    disposeMlp(encoder);
  });

  it('does not leak', async () => {
    const x = tf.ones([3, 6]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      const encoder = mlp({ widths: [6, 4, 2], activations: 'relu', seed: 1 });
      const decoder = mlp({ widths: [2, 4, 6], activations: 'tanh', seed: 2, tiedTo: encoder });
      const z = applyMlp(encoder, x, { training: true, dropout: 0.2, seed: 1 });
      tf.dispose([z, applyMlp(decoder, z)]);
      disposeMlp(decoder);
      disposeMlp(encoder);
    });
    x.dispose();
  });
});
