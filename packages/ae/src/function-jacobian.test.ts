import { InvalidArgumentError, ShapeMismatchError } from '@aekit/core';
import { type ActivationName, applyMlp, disposeMlp, mlp } from '@aekit/layers';
import {
  type Activation64,
  activate64,
  conv2d64,
  type Dense64,
  derivative64,
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  finiteDifferenceJacobian,
  frobeniusSquared64,
  jacobian64,
  type Matrix,
  setVariables64,
  smallConvNetwork,
  uniformMatrix,
  window64,
} from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createAe } from './ae';
import { encoderJacobianFrobeniusSquared } from './encoder-jacobian';
import {
  functionJacobianFrobeniusSquared,
  functionJacobianFrobeniusSquaredEstimate,
} from './function-jacobian';
import { encodeWith } from './network';

const sum64 = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * The small convolutional encoder of `smallConvNetwork` (8×8×1 → conv 3×3/2 → 4×4×4 → conv
 * 3×3/2 → 2×2×8 → flatten 32 → dense 6 → code 3) in float64, from the definitions: its code and
 * its exact Jacobian by forward mode (each input direction pushed through the linear part of
 * every layer and scaled by σ′ of its pre-activation), independent of autodiff.
 */
function convEncoder64(
  values: Record<string, Matrix | number[]>,
  hidden: ActivationName,
  code: ActivationName,
) {
  const v = (name: string) => (values[name] as number[] | Matrix).flat();
  const first = window64([1, 8, 8, 1], [3, 3], [2, 2], 'same');
  const second = window64([1, 4, 4, 4], [3, 3], [2, 2], 'same');
  const dense = (input: readonly number[], W: Matrix, b: readonly number[] | null) =>
    W[0]!.map((_, j) => input.reduce((total, value, i) => total + value * W[i]![j]!, b?.[j] ?? 0));
  type Act = Parameters<typeof activate64>[1];
  const layers: {
    linear: (input: readonly number[], bias: boolean) => number[];
    activation: Act;
  }[] = [
    {
      linear: (input, bias) =>
        Array.from(conv2d64(input, v('encoder.0.W'), bias ? v('encoder.0.b') : null, first, 4).y),
      activation: hidden as Act,
    },
    {
      linear: (input, bias) =>
        Array.from(conv2d64(input, v('encoder.1.W'), bias ? v('encoder.1.b') : null, second, 8).y),
      activation: hidden as Act,
    },
    {
      linear: (input, bias) =>
        dense(input, values['encoder.2.W'] as Matrix, bias ? v('encoder.2.b') : null),
      activation: hidden as Act,
    },
    {
      linear: (input, bias) => dense(input, values['code.W'] as Matrix, bias ? v('code.b') : null),
      activation: code as Act,
    },
  ];
  const forward = (x: readonly number[]) =>
    layers.reduce<number[]>(
      (h, layer) => layer.linear(h, true).map((a) => activate64(a, layer.activation)),
      [...x],
    );
  /** J `[3][64]`: column j is the tangent of input direction e_j. */
  const jacobian = (x: readonly number[]): Matrix => {
    const columns = x.map((_, j) => {
      let h = [...x];
      let tangent: number[] = x.map((__, i) => (i === j ? 1 : 0));
      for (const layer of layers) {
        const a = layer.linear(h, true);
        tangent = layer
          .linear(tangent, false)
          .map((t, i) => t * derivative64(a[i]!, layer.activation));
        h = a.map((value) => activate64(value, layer.activation));
      }
      return tangent;
    });
    return columns[0]!.map((_, i) => columns.map((column) => column[i]!));
  };
  return { forward, jacobian };
}

/** A contractive-style conv encoder with fixed weights, and the same encoder in float64. */
function fixedConvEncoder(seed: number, hidden: ActivationName = 'tanh') {
  const { inputDim, inputShape, latentDim, encoder } = smallConvNetwork;
  const model = createAe({
    inputDim,
    inputShape,
    latentDim,
    encoder,
    hiddenActivation: hidden,
    codeActivation: 'sigmoid',
    seed,
  });
  const values = setVariables64(model.variables(), seed, 0.6);
  const f = (x: tf.Tensor2D) => encodeWith(model.network, x);
  return { model, f, reference: convEncoder64(values, hidden, 'sigmoid') };
}

describeBackends(['cpu', 'wasm'], 'functionJacobianFrobeniusSquared', () => {
  it.each<[string, number[], ActivationName[]]>([
    ['one sigmoid layer', [5, 3], ['sigmoid']],
    ['a deep tanh–sigmoid encoder', [6, 5, 4], ['tanh', 'sigmoid']],
    ['a deep relu–softplus encoder', [4, 7, 3], ['relu', 'softplus']],
  ])('equals the closed form of %s (one VJP per code unit)', (_, widths, activations) => {
    const stack = mlp({ widths, activations, seed: 4 });
    const x = tf.tensor2d(uniformMatrix(5, widths[0]!, 2, -1, 1));
    const byVjp = functionJacobianFrobeniusSquared((input) => applyMlp(stack, input), x);
    const closed = encoderJacobianFrobeniusSquared(stack, x);
    expect(byVjp.shape).toEqual([5]);
    // Two float32 computations of the same sums of squares: 1e-5 relative, element-wise.
    expectAllClose(byVjp, Array.from(closed.dataSync()), { rtol: 1e-5, atol: 1e-7 });
    tf.dispose([x, byVjp, closed]);
    disposeMlp(stack);
  });

  it.each<ActivationName>(['sigmoid', 'tanh', 'elu'])(
    'its gradient in the weights matches float64 differences through %s layers (second order)',
    (activation) => {
      // tfjs drops σ″ from gradients of gradients through kernels that save their output
      // (see second-order-gradients.ts): without the fix the biases' gradient is exactly 0.
      const stack = mlp({ widths: [4, 5, 3], activations: [activation, 'sigmoid'], seed: 6 });
      const variables: Record<string, tf.Variable> = {};
      stack.layers.forEach((layer, index) => {
        variables[`${index}.W`] = layer.W;
        variables[`${index}.b`] = layer.b;
      });
      const values = setVariables64(variables, 6, 1);
      const rows = uniformMatrix(3, 4, 4, -1, 1);
      const x = tf.tensor2d(rows);
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(
            functionJacobianFrobeniusSquared((input) => applyMlp(stack, input), x),
          ) as tf.Scalar,
        Object.values(variables),
      );
      const penalty64 = (changed: Record<string, Matrix | number[]>) => {
        const layers = [0, 1].map(
          (index): Dense64 => ({
            W: changed[`${index}.W`] as Matrix,
            b: changed[`${index}.b`] as number[],
            activation: (index === 0 ? activation : 'sigmoid') as Activation64,
          }),
        );
        return sum64(rows.map((row) => frobeniusSquared64(jacobian64(row, layers))));
      };
      expectAllClose(value, penalty64(values), { rtol: 1e-4, atol: 1e-6 });
      const h = 1e-6;
      for (const [name, variable] of Object.entries(variables)) {
        const original = values[name]!;
        const flat = (original as Matrix | number[]).flat();
        const expected = flat.map((_, index) => {
          const shifted = (delta: number) => {
            const entries = [...flat];
            entries[index]! += delta;
            const reshaped = Array.isArray(original[0])
              ? (original as Matrix).map((row, r) =>
                  entries.slice(r * row.length, (r + 1) * row.length),
                )
              : entries;
            return penalty64({ ...values, [name]: reshaped });
          };
          return (shifted(h) - shifted(-h)) / (2 * h);
        });
        // Float64 differences of the exact float64 penalty (~1e-9); the reductions' rtol 1e-4.
        expectAllClose(grads[variable.name]!.dataSync(), expected, { rtol: 1e-4, atol: 1e-6 });
      }
      tf.dispose([x, value, ...Object.values(grads)]);
      disposeMlp(stack);
    },
  );

  it('on a convolutional encoder equals the float64 Jacobian (forward mode and central differences)', () => {
    const { model, f, reference } = fixedConvEncoder(3);
    const rows = uniformMatrix(3, 64, 5, 0, 1);
    const x = tf.tensor2d(rows);
    const squared = functionJacobianFrobeniusSquared(f, x);
    const exact = rows.map((row) => frobeniusSquared64(reference.jacobian(row)));
    const byDifferences = rows.map((row) =>
      frobeniusSquared64(finiteDifferenceJacobian(reference.forward, row)),
    );
    // The two float64 references agree to ~1e-9 (central differences, step 1e-6).
    expectAllClose(exact, byDifferences, { rtol: 1e-7, atol: 1e-9 });
    expect(Math.min(...exact)).toBeGreaterThan(1e-3);
    // A reduction over 64 inputs and 3 units in float32: the reductions' rtol 1e-4.
    expectAllClose(squared, exact, { rtol: 1e-4, atol: 1e-6 });
    tf.dispose([x, squared]);
    model.dispose();
  });

  it('is differentiable through the convolutions: its gradient in a filter matches float64 differences', () => {
    const { model, f } = fixedConvEncoder(7);
    const rows = uniformMatrix(2, 64, 6, 0, 1);
    const x = tf.tensor2d(rows);
    const variables = model.variables();
    const names = ['encoder.0.W', 'encoder.1.W', 'encoder.2.W', 'code.W', 'encoder.1.b'];
    const { value, grads } = tf.variableGrads(
      () => tf.sum(functionJacobianFrobeniusSquared(f, x)) as tf.Scalar,
      names.map((name) => variables[name]!),
    );
    // Central differences of the exact float64 penalty in a few entries of each variable.
    const values = setVariables64(variables, 7, 0.6);
    const penalty64 = (changed: Record<string, Matrix | number[]>) => {
      const reference = convEncoder64(changed, 'tanh', 'sigmoid');
      return sum64(rows.map((row) => frobeniusSquared64(reference.jacobian(row))));
    };
    expectAllClose(value, penalty64(values), { rtol: 1e-4, atol: 1e-6 });
    const h = 1e-6;
    for (const name of names) {
      const gradient = grads[variables[name]!.name]!.dataSync();
      const flat = (values[name] as Matrix | number[]).flat();
      for (const index of [0, Math.floor(flat.length / 2), flat.length - 1]) {
        const shifted = (delta: number) => {
          const entries = [...flat];
          entries[index]! += delta;
          const original = values[name]!;
          const reshaped = Array.isArray(original[0])
            ? (original as Matrix).map((row, r) =>
                entries.slice(r * row.length, (r + 1) * row.length),
              )
            : entries;
          return penalty64({ ...values, [name]: reshaped });
        };
        const expected = (shifted(h) - shifted(-h)) / (2 * h);
        // A second-order gradient in float32 against float64 differences (step 1e-6 of an exact
        // float64 Jacobian, accurate to ~1e-9): the reductions' rtol 1e-4.
        expectAllClose([gradient[index]!], [expected], { rtol: 1e-4, atol: 1e-6 });
      }
    }
    tf.dispose([x, value, ...Object.values(grads)]);
    model.dispose();
  });

  it.each<[string, (h: tf.Tensor4D) => tf.Tensor4D]>([
    ['average pooling', (h) => tf.avgPool(h, 2, 2, 'valid')],
    ['nearest-neighbour upsampling', (h) => tf.image.resizeNearestNeighbor(h, [8, 8])],
  ])('differentiates a gradient through %s (which tfjs cannot alone)', (_, layer) => {
    // f(x) = layer(conv(x, w)) is linear in x, so ‖J‖²_F is a quadratic in w and central
    // differences of it are exact up to float32 rounding, whatever the step.
    const w = tf.variable(tf.tensor4d(uniformMatrix(1, 18, 3, -1, 1)[0]!, [3, 3, 1, 2]));
    const x = tf.tensor2d(uniformMatrix(2, 16, 4, -1, 1));
    const f = (input: tf.Tensor2D) =>
      tf.tidy(() => {
        const image = tf.reshape(input, [input.shape[0], 4, 4, 1]) as tf.Tensor4D;
        const h = layer(tf.conv2d(image, w as tf.Tensor4D, 1, 'same'));
        return tf.reshape(h, [input.shape[0], -1]) as tf.Tensor2D;
      });
    const penalty = () => tf.sum(functionJacobianFrobeniusSquared(f, x)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(penalty, [w]);
    const start = Array.from(w.dataSync());
    const h = 0.5;
    const expected = start.map((_, index) => {
      const at = (delta: number) => {
        const shifted = [...start];
        shifted[index]! += delta;
        w.assign(tf.tensor4d(shifted, [3, 3, 1, 2]));
        return tf.tidy(() => penalty().dataSync()[0]!);
      };
      const difference = (at(h) - at(-h)) / (2 * h);
      w.assign(tf.tensor4d(start, [3, 3, 1, 2]));
      return difference;
    });
    // Float32 penalties P (sums of hundreds of squares, rounded to ~1e-6·P) differenced over
    // 2h = 1: an absolute error of a few 1e-6·P; a missing second-order term is O(1).
    const scale = value.dataSync()[0]!;
    expectAllClose(grads[w.name]!.dataSync(), expected, { rtol: 1e-4, atol: 5e-6 * scale });
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.1);
    tf.dispose([x, value, w, ...Object.values(grads)]);
  });

  it('differentiates a gradient through leaky ReLU as through its formula z·(α + (1 − α)·step(z))', () => {
    // tfjs's LeakyRelu gradient goes through `greater`, which has no gradient; the formula's
    // ops (mul, step) have stock gradients that read only inputs, so it is a reference.
    const w = tf.variable(tf.tensor4d(uniformMatrix(1, 18, 5, -1, 1)[0]!, [3, 3, 1, 2]));
    const b = tf.variable(tf.tensor1d([0.1, -0.2]));
    const x = tf.tensor2d(uniformMatrix(2, 16, 6, -1, 1));
    const encoder =
      (activation: (z: tf.Tensor4D) => tf.Tensor4D) =>
      (input: tf.Tensor2D): tf.Tensor2D =>
        tf.tidy(() => {
          const image = tf.reshape(input, [input.shape[0], 4, 4, 1]) as tf.Tensor4D;
          const z = tf.tanh(
            tf.add(tf.conv2d(image, w as tf.Tensor4D, 1, 'same'), b),
          ) as tf.Tensor4D;
          return tf.reshape(activation(z), [input.shape[0], -1]) as tf.Tensor2D;
        });
    const gradients = (f: (input: tf.Tensor2D) => tf.Tensor2D) =>
      tf.variableGrads(() => tf.sum(functionJacobianFrobeniusSquared(f, x)) as tf.Scalar, [w, b]);
    const leaky = gradients(encoder((z) => tf.leakyRelu(z, 0.2)));
    const formula = gradients(
      encoder((z) => tf.mul(z, tf.add(0.2, tf.mul(0.8, tf.step(z)))) as tf.Tensor4D),
    );
    expectAllClose(leaky.value, formula.value, { rtol: 1e-6, atol: 1e-7 });
    for (const variable of [w, b]) {
      expectAllClose(leaky.grads[variable.name]!, formula.grads[variable.name]!, {
        rtol: 1e-5,
        atol: 1e-6,
      });
    }
    tf.dispose([x, w, b, leaky.value, formula.value]);
    tf.dispose([...Object.values(leaky.grads), ...Object.values(formula.grads)]);
  });

  it('leaks no tensors, under a gradient or not', async () => {
    const { model, f } = fixedConvEncoder(2, 'relu');
    const x = tf.tensor2d(uniformMatrix(2, 64, 1, 0, 1));
    const encoderVariables = Object.entries(model.variables())
      .filter(([name]) => !name.startsWith('decoder'))
      .map(([, variable]) => variable);
    await expectNoLeaks(() => tf.dispose(functionJacobianFrobeniusSquared(f, x)));
    await expectNoLeaks(() =>
      tf.dispose(functionJacobianFrobeniusSquaredEstimate(f, x, { projections: 3, seed: 1 })),
    );
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(functionJacobianFrobeniusSquared(f, x)) as tf.Scalar,
        encoderVariables,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose(x);
    model.dispose();
  });
});

/** A·B for small float64 matrices. */
const times64 = (a: Matrix, b: Matrix): Matrix =>
  a.map((row) =>
    b[0]!.map((_, j) => row.reduce((total, value, k) => total + value * b[k]![j]!, 0)),
  );
const transpose64 = (a: Matrix): Matrix => a[0]!.map((_, j) => a.map((row) => row[j]!));
const trace64 = (a: Matrix) => sum64(a.map((row, i) => row[i]!));

describeBackends(['cpu', 'wasm'], 'functionJacobianFrobeniusSquaredEstimate', () => {
  const draws = 2000;

  /** The encoders under test with their exact float64 Jacobian at one point. */
  const encoders = () => {
    const stack = mlp({ widths: [3, 4, 2], activations: ['tanh', 'sigmoid'], seed: 8 });
    const variables = Object.fromEntries(
      stack.layers.flatMap((layer, index) => [
        [`${index}.W`, layer.W],
        [`${index}.b`, layer.b],
      ]),
    );
    const values = setVariables64(variables, 8, 1.5);
    const layers64 = [0, 1].map(
      (index): Dense64 => ({
        W: values[`${index}.W`] as Matrix,
        b: values[`${index}.b`] as number[],
        activation: (index === 0 ? 'tanh' : 'sigmoid') as Activation64,
      }),
    );
    const mlpRow = uniformMatrix(1, 3, 12, -1, 1)[0]!;
    const conv = fixedConvEncoder(9);
    const convRow = uniformMatrix(1, 64, 13, 0, 1)[0]!;
    return {
      cases: [
        {
          name: 'a tanh–sigmoid MLP',
          f: (x: tf.Tensor2D) => applyMlp(stack, x),
          row: mlpRow,
          J: jacobian64(mlpRow, layers64),
        },
        { name: 'the conv encoder', f: conv.f, row: convRow, J: conv.reference.jacobian(convRow) },
      ],
      dispose: () => {
        disposeMlp(stack);
        conv.model.dispose();
      },
    };
  };

  it.each([1, 4])(
    'is unbiased with the Gaussian variance 2‖JJᵀ‖²_F / P (P = %i, 2,000 draws)',
    (projections) => {
      const { cases, dispose } = encoders();
      for (const { f, row, J } of cases) {
        // Rows are independent: 2,000 copies of one point give 2,000 independent estimates.
        const x = tf.tensor2d(Array.from({ length: draws }, () => row));
        const estimates = functionJacobianFrobeniusSquaredEstimate(f, x, { projections, seed: 21 });
        const values = Array.from(estimates.dataSync());
        tf.dispose([x, estimates]);
        const A = times64(J, transpose64(J));
        const A2 = times64(A, A);
        const exact = trace64(A);
        // Cumulants of (1/P) Σ_p uᵀAu with u ~ N(0, I): κ₂ = 2 tr(A²)/P, κ₄ = 48 tr(A⁴)/P³.
        const kappa2 = (2 * trace64(A2)) / projections;
        const kappa4 = (48 * trace64(times64(A2, A2))) / projections ** 3;
        const sampleMean = sum64(values) / draws;
        const sampleVariance =
          sum64(values.map((value) => (value - sampleMean) ** 2)) / (draws - 1);
        // The sample mean is within 4 standard errors √(κ₂/n) of ‖J‖²_F.
        expect(Math.abs(sampleMean - exact)).toBeLessThan(4 * Math.sqrt(kappa2 / draws));
        // The sample variance s² has standard deviation √((κ₄ + 2κ₂²)/n) (large n): within 4 of
        // them of κ₂ — about ±35 % at most for n = 2,000 (κ₄/κ₂² ≤ 12/P), tight enough to tell
        // Gaussian directions from Rademacher ones (variance 2(‖A‖²_F − Σ A_ii²)) or from P
        // mistaken for 1.
        const tolerance = 4 * Math.sqrt((kappa4 + 2 * kappa2 ** 2) / draws);
        expect(Math.abs(sampleVariance - kappa2)).toBeLessThan(tolerance);
      }
      dispose();
    },
  );

  it('draws from its seed: the same seed gives the same estimates, another seed others', () => {
    const { cases, dispose } = encoders();
    const { f, row } = cases[1]!;
    const x = tf.tensor2d([row, row, row]);
    const [a, b, c] = [5, 5, 6].map((seed) =>
      functionJacobianFrobeniusSquaredEstimate(f, x, { projections: 2, seed }),
    );
    expect(Array.from(a!.dataSync())).toEqual(Array.from(b!.dataSync()));
    expect(Array.from(a!.dataSync())).not.toEqual(Array.from(c!.dataSync()));
    // Each example gets its own directions: three copies of one point, three estimates.
    expect(new Set(a!.dataSync()).size).toBe(3);
    tf.dispose([x, a!, b!, c!]);
    dispose();
  });

  it('rejects bad options naming the argument', () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const f = (input: tf.Tensor2D) => input;
    expect(() =>
      functionJacobianFrobeniusSquaredEstimate(f, x, { projections: 0, seed: 1 }),
    ).toThrow(
      "functionJacobianFrobeniusSquaredEstimate: 'options.projections' must be an integer ≥ 1, got 0.",
    );
    expect(() =>
      functionJacobianFrobeniusSquaredEstimate(f, x, { projections: 1, seed: -1 }),
    ).toThrow(InvalidArgumentError);
    expect(() => functionJacobianFrobeniusSquared('f' as never, x)).toThrow(
      'functionJacobianFrobeniusSquared: \'f\' must be a function, got "f".',
    );
    expect(() => functionJacobianFrobeniusSquared(f, tf.zeros([2]) as never)).toThrow(
      ShapeMismatchError,
    );
    tf.dispose(x);
  });
});
