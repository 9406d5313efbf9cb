import type { Batch, BatchSource } from '@aekit/core';
import { describeBackends, expectAllClose, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { bytesDataset } from './__fixtures__/datasets';
import { Dataset } from './dataset';

describeBackends(['cpu', 'wasm'], 'Dataset batches', () => {
  const values = (batch: { x: tf.Tensor }) => Array.from(batch.x.dataSync());

  it('yields float32 x [batch, dim] and int32 labels, the last batch smaller', () => {
    const data = bytesDataset();
    const batches = [...data.batches(4)];
    expect(batches.map((batch) => batch.x.shape)).toEqual([
      [4, 3],
      [4, 3],
      [2, 3],
    ]);
    expect(batches.every((batch) => batch.x.dtype === 'float32')).toBe(true);
    expect(batches[0]!.labels!.dtype).toBe('int32');
    expect(Array.from(batches[2]!.labels!.dataSync())).toEqual([2, 0]);
    expect(values(batches[2]!)).toEqual([8, 80, 247, 9, 90, 246]);
    expect(batches.map((batch) => batch.index)).toEqual([0, 1, 2]);
    for (const batch of batches) batch.dispose();
    const kept = [...data.batches(4, { dropLast: true })];
    expect(kept.map((batch) => batch.index)).toEqual([0, 1]);
    for (const batch of kept) batch.dispose();
    const unlabelled = [...Dataset.fromRows([[1], [2]]).batches(5)];
    expect(unlabelled[0]!.labels).toBeUndefined();
    unlabelled[0]!.dispose();
  });

  it('applies normalisation and binarisation per batch', () => {
    const [batch] = [...bytesDataset().normalize().binarize({ mode: 'static' }).batches(10)];
    expect(values(batch!).slice(0, 6)).toEqual([0, 0, 1, 0, 0, 1]);
    batch!.dispose();
    const tensor = bytesDataset().normalize().toTensor();
    expect(tensor.shape).toEqual([10, 3]);
    const last = tf.slice(tensor, [9, 0], [1, 3]);
    expectAllClose(last, [[9 / 255, 90 / 255, 246 / 255]]);
    tf.dispose([tensor, last]);
  });

  it("is @aekit/core's BatchSource, its batches core Batches", () => {
    // Typed as core's contract (tsc checks that a Dataset and its DatasetBatch fit it).
    const source: BatchSource = bytesDataset();
    const rows: number[] = [];
    const labels: number[] = [];
    for (const batch of source.batches(4, { dropLast: true }) as Iterable<Batch>) {
      rows.push(batch.x.shape[0]);
      labels.push(...batch.labels!.dataSync());
      tf.dispose([batch.x, batch.labels!]);
    }
    expect(rows).toEqual([4, 4]);
    expect(labels).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
  });

  it('rejects an unknown option, naming the one likely meant', () => {
    const data = bytesDataset();
    expect(() => data.batches(2, { droplast: true } as never)).toThrow(
      "Dataset.batches: unknown option 'droplast'; did you mean 'dropLast'?",
    );
    expect(() => data.toTensor({ epcoh: 1 } as never)).toThrow(
      "Dataset.toTensor: unknown option 'epcoh'; did you mean 'epoch'?",
    );
    expect(() => data.sampleAt(0, { epochs: 1 } as never)).toThrow(
      "Dataset.sampleAt: unknown option 'epochs'; did you mean 'epoch'?",
    );
  });

  it('rejects a bad batch size', () => {
    expect(() => bytesDataset().batches(0)).toThrow(
      "Dataset.batches: 'batchSize' must be a positive integer, got 0.",
    );
  });

  it('leaks nothing: not after a full pass, nor when stopped early', async () => {
    const data = bytesDataset().normalize().binarize({ mode: 'dynamic', seed: 1 });
    await expectNoLeaks(() => {
      for (const batch of data.shuffle(3).batches(3)) batch.dispose();
      for (const batch of data.batches(3)) {
        batch.dispose();
        break;
      }
      data.toTensor().dispose();
    });
  });

  it('dynamic binarisation draws afresh each epoch, the same for every order and batch size', () => {
    const data = Dataset.fromArray(new Uint8Array(64 * 16).fill(128), { shape: [64, 16] })
      .normalize()
      .binarize({ mode: 'dynamic', seed: 5 });
    const epoch = (dataset: Dataset, batchSize: number, options = {}) => {
      const rows: number[][] = [];
      for (const batch of dataset.batches(batchSize, options)) {
        const flat = values(batch);
        for (let r = 0; r < flat.length / 16; r += 1) rows.push(flat.slice(16 * r, 16 * r + 16));
        batch.dispose();
      }
      return rows;
    };
    const first = epoch(data, 8);
    const second = epoch(data, 8);
    expect(second).not.toEqual(first);
    // The epoch counter is shared with datasets derived after binarising: a shuffle of the
    // third epoch holds the third epoch's draws, permuted.
    const third = epoch(data.shuffle(2), 5);
    const explicit = epoch(data, 64, { epoch: 2 });
    const tags = Dataset.fromArray(
      Float32Array.from({ length: 64 }, (_, i) => i),
      { shape: [64, 1] },
    ).shuffle(2);
    for (let position = 0; position < 64; position += 1) {
      expect(third[position]).toEqual(explicit[tags.sampleAt(position).x[0]!]);
    }
    // Explicit epochs repeat exactly, whatever the batch size.
    expect(epoch(data, 64, { epoch: 0 })).toEqual(first);
    expect(epoch(data, 7, { epoch: 1 })).toEqual(second);
    // A static draw is the same every epoch.
    const fixed = Dataset.fromArray(new Uint8Array(64 * 16).fill(128), { shape: [64, 16] })
      .normalize()
      .binarize({ mode: 'static', seed: 5 });
    expect(epoch(fixed, 8)).toEqual(epoch(fixed, 8));
  });
});
