import { Dataset } from '@aekit/data';
import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import { createVae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { vaeAdapter } from './families/vae';
import {
  encodeRows,
  forEachBatch,
  inferenceBatchSize,
  meanLossTerms,
  reconstructRows,
  takeRows,
} from './model-calls';

/** More rows than one inference batch, so the batching is exercised. */
const count = inferenceBatchSize * 2 + 37;
const dim = 6;

function rowsDataset(): Dataset {
  const values = Float32Array.from({ length: count * dim }, (_, i) => (Math.sin(i * 1.7) + 1) / 2);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  return Dataset.fromArray(values, { shape: [count, dim], labels });
}

describeBackends(['cpu', 'wasm'], 'model calls in batches', () => {
  it('takeRows keeps every row and label, or a seeded subset', () => {
    const dataset = rowsDataset();
    const all = takeRows(dataset, count);
    expect([all.count, all.dim, all.x.length]).toEqual([count, dim, count * dim]);
    expect(all.x[dim + 2]).toBeCloseTo((Math.sin((dim + 2) * 1.7) + 1) / 2, 6);
    expect(Array.from(all.labels!.subarray(0, 4))).toEqual([0, 1, 2, 0]);
    const some = takeRows(dataset, 10, 3);
    expect(some.count).toBe(10);
    expect(takeRows(dataset, 10, 3).x).toEqual(some.x);
  });

  it('forEachBatch visits every row once, in order, labels only when asked, and frees all', async () => {
    const rows = takeRows(rowsDataset(), 23);
    for (const withLabels of [false, true]) {
      const seen: { start: number; count: number; labelled: boolean }[] = [];
      const sums = new Float64Array(rows.count);
      const visit = () =>
        forEachBatch(
          rows,
          { batchSize: 10, withLabels },
          ({ x, labels, start, count }) => {
            seen.push({ start, count, labelled: labels !== undefined });
            // An intermediate that tidy must free, and labels added so they must line up.
            const doubled = tf.mul(x, 2);
            const rowSums = tf.sum(doubled, 1);
            return labels === undefined ? rowSums : tf.add(rowSums, tf.cast(labels, 'float32'));
          },
          (values, shape, start, count) => {
            expect(shape).toEqual([count]);
            sums.set(values, start);
          },
        );
      visit();
      expect(seen).toEqual([
        { start: 0, count: 10, labelled: withLabels },
        { start: 10, count: 10, labelled: withLabels },
        { start: 20, count: 3, labelled: withLabels },
      ]);
      // Reference: each row's sum, doubled, plus its label, in float64.
      const expected = Array.from({ length: rows.count }, (_, row) => {
        let sum = 0;
        for (let j = 0; j < dim; j += 1) sum += 2 * rows.x[row * dim + j]!;
        return sum + (withLabels ? rows.labels![row]! : 0);
      });
      expectAllClose(Array.from(sums), expected, { rtol: 1e-5, atol: 1e-6 });
      await expectNoLeaks(visit);
    }
  });

  it('encode and reconstruct in batches give what one call gives, labels passed when needed', async () => {
    const rows = takeRows(rowsDataset(), count);
    for (const conditional of [null, { numClasses: 3 }]) {
      const model = createVae({
        inputDim: dim,
        latentDim: 2,
        hiddenDims: [5],
        conditional,
        seed: 4,
      });
      const x = tf.tensor2d(rows.x, [count, dim]);
      const labels = tf.tensor1d(rows.labels!, 'int32');
      const codes = model.encode(x, conditional === null ? undefined : labels);
      const decoded = model.reconstruct(x, conditional === null ? undefined : labels);
      const batched = encodeRows(vaeAdapter, model, rows);
      expect(batched.dim).toBe(2);
      expectAllClose(Array.from(batched.values), Array.from(codes.dataSync()), {
        rtol: 1e-5,
        atol: 1e-6,
      });
      expectAllClose(
        Array.from(reconstructRows(vaeAdapter, model, rows)),
        Array.from(decoded.dataSync()),
        { rtol: 1e-5, atol: 1e-6 },
      );
      tf.dispose([x, labels, codes, decoded]);
      await expectNoLeaks(() => {
        encodeRows(vaeAdapter, model, rows);
        reconstructRows(vaeAdapter, model, rows);
        meanLossTerms(model, rows, 0);
      });
      model.dispose();
    }
  });

  it('meanLossTerms is the mean over all rows of each term, per example', () => {
    const rows = takeRows(rowsDataset(), count);
    const model = createVae({ inputDim: dim, latentDim: 2, hiddenDims: [5], seed: 2 });
    const means = meanLossTerms(model, rows, 0);
    expect(Object.keys(means)).toEqual(['total', 'reconstruction', 'kl']);
    // Reference: the KL term in closed form from the posterior of every row, averaged in float64.
    const x = tf.tensor2d(rows.x, [count, dim]);
    const { mu, logVar } = model.posterior(x);
    const m = mu.dataSync();
    const v = logVar.dataSync();
    let kl = 0;
    for (let i = 0; i < m.length; i += 1) kl += 0.5 * (Math.exp(v[i]!) + m[i]! ** 2 - 1 - v[i]!);
    expectAllClose(means.kl!, kl / count, { rtol: 1e-4, atol: 0 });
    // β = 1: total = reconstruction + kl.
    expectAllClose(means.total!, means.reconstruction! + means.kl!, { rtol: 1e-5, atol: 0 });
    tf.dispose([x, mu, logVar]);
    model.dispose();
  });
});
