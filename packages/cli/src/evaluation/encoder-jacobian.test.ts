import { aeFamily, createAe } from '@aekit/ae';
import {
  type Dense64,
  describeBackends,
  expectAllClose,
  expectNoLeaks,
  frobeniusSquared64,
  jacobian64,
  type Matrix,
  setVariables64,
  uniforms,
} from '@aekit/test-utils';
import { createVae } from '@aekit/vae';
import { describe, expect, it } from 'vitest';
import { mlpAdapterFor } from '../families/mlp-adapters';
import { vaeAdapter } from '../families/vae';
import type { FamilyAdapter, LabelledRows } from '../family-contract';
import { encoderJacobianNorms } from './encoder-jacobian';

function rows(count: number, dim: number, seed: number, labels: Int32Array | null = null) {
  const x = Float32Array.from(uniforms(count * dim, seed, 0, 1));
  return { x, labels, count, dim } satisfies LabelledRows;
}

const aeAdapter = mlpAdapterFor(aeFamily);
/** The ae adapter without its closed form: `aekit eval` then differentiates encode by autodiff. */
const autodiffAdapter: FamilyAdapter = { ...aeAdapter, encoderJacobianNorm: undefined };

describe('encoderJacobianNorms', () => {
  describeBackends(['cpu', 'wasm'], 'closed form and autodiff', () => {
    it('equal the float64 chain rule ‖D₂W₂ᵀ D₁W₁ᵀ‖_F of a two-layer encoder', () => {
      const model = createAe({
        inputDim: 5,
        hiddenDims: [4],
        latentDim: 3,
        hiddenActivation: 'tanh',
        codeActivation: 'sigmoid',
        seed: 1,
      });
      const weights = setVariables64(model.variables(), 11, 0.8);
      const layers: Dense64[] = [
        {
          W: weights['encoder.0.W'] as Matrix,
          b: weights['encoder.0.b'] as number[],
          activation: 'tanh',
        },
        {
          W: weights['encoder.1.W'] as Matrix,
          b: weights['encoder.1.b'] as number[],
          activation: 'sigmoid',
        },
      ];
      const data = rows(7, 5, 3);
      const expected = Array.from({ length: data.count }, (_, row) =>
        Math.sqrt(
          frobeniusSquared64(jacobian64(Array.from(data.x.subarray(row * 5, row * 5 + 5)), layers)),
        ),
      );
      const closed = encoderJacobianNorms(aeAdapter, model, data);
      const autodiff = encoderJacobianNorms(autodiffAdapter, model, data);
      expect([closed.method, autodiff.method]).toEqual(['closed form', 'autodiff']);
      expectAllClose(Array.from(closed.norms), expected, { rtol: 1e-5, atol: 1e-6 });
      expectAllClose(Array.from(autodiff.norms), expected, { rtol: 1e-5, atol: 1e-6 });
      model.dispose();
    });

    it("stacks a conditional model's labels with the copies of its inputs, and leaks nothing", async () => {
      const model = createVae({
        inputDim: 6,
        latentDim: 2,
        hiddenDims: [5],
        conditional: { numClasses: 3 },
        seed: 2,
      });
      const labels = Int32Array.from([0, 2, 1, 2]);
      const data = rows(4, 6, 5, labels);
      const together = encoderJacobianNorms(vaeAdapter, model, data);
      // One row at a time every copy has the row's own label; a wrong stacking would mix them.
      const alone = Array.from({ length: 4 }, (_, row) => {
        const single = {
          x: data.x.subarray(row * 6, row * 6 + 6),
          labels: labels.subarray(row, row + 1),
          count: 1,
          dim: 6,
        };
        return encoderJacobianNorms(vaeAdapter, model, single).norms[0]!;
      });
      expectAllClose(Array.from(together.norms), alone, { rtol: 1e-5, atol: 1e-6 });
      // The label changes the Jacobian (ReLU units switch): the check above can fail.
      const relabelled = encoderJacobianNorms(vaeAdapter, model, {
        ...data,
        labels: Int32Array.from([1, 0, 0, 1]),
      });
      expect(Array.from(relabelled.norms)).not.toEqual(Array.from(together.norms));
      const ae = createAe({ inputDim: 4, latentDim: 2, seed: 0 });
      await expectNoLeaks(() => {
        encoderJacobianNorms(vaeAdapter, model, data);
        encoderJacobianNorms(aeAdapter, ae, rows(3, 4, 1));
      });
      ae.dispose();
      model.dispose();
    });
  });
});
