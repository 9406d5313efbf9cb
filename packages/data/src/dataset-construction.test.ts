import { describe, expect, it } from 'vitest';
import { bytesDataset } from './__fixtures__/datasets';
import { Dataset } from './dataset';
import { DataFormatError } from './errors';

describe('Dataset construction', () => {
  it('stores typed arrays as they are, and plain arrays as float32', () => {
    const bytes = bytesDataset();
    expect(bytes.dtype).toBe('uint8');
    expect(bytes.sampleBytes).toBe(30);
    expect(bytes.size).toBe(10);
    expect(bytes.dim).toBe(3);
    expect(bytes.featureShape).toEqual([3]);
    expect(Array.from(bytes.sampleAt(2).x)).toEqual([2, 20, 253]);
    expect(bytes.sampleAt(2).label).toBe(2);
    const images = Dataset.fromArray(new Uint8Array(2 * 4 * 5), { shape: [2, 4, 5] });
    expect(images.featureShape).toEqual([4, 5]);
    expect(images.dim).toBe(20);
    expect(images.hasLabels).toBe(false);
    expect(images.labels).toBeNull();
    const floats = Dataset.fromArray([1, 2, 3, 4], { shape: [2, 2] });
    expect(floats.dtype).toBe('float32');
    const rows = Dataset.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(rows.size).toBe(3);
    expect(Array.from(rows.sampleAt(2).x)).toEqual([5, 6]);
  });

  it('copies what it is given', () => {
    const values = new Float32Array([1, 2, 3, 4]);
    const dataset = Dataset.fromArray(values, { shape: [2, 2] });
    values[0] = 100;
    expect(dataset.sampleAt(0).x[0]).toBe(1);
  });

  it('rejects NaN and infinite values, naming the row', () => {
    expect(() => Dataset.fromArray([1, 2, 3, Number.NaN], { shape: [2, 2] })).toThrow(
      "Dataset.fromArray: 'values' row 1 (counting from 0) holds NaN at feature 1; every value must be finite.",
    );
    expect(() => Dataset.fromArray(new Float64Array([0, 0, Infinity]), { shape: [3] })).toThrow(
      "Dataset.fromArray: 'values' row 2 (counting from 0) holds Infinity at feature 0; every value must be finite.",
    );
    expect(() => Dataset.fromArray([1, 1e39], { shape: [1, 2] })).toThrow(
      "Dataset.fromArray: 'values' row 0 (counting from 0) holds 1e+39, which does not fit in float32 at feature 1; every value must be finite.",
    );
    expect(() =>
      Dataset.fromRows([
        [1, 2],
        [3, -Infinity],
      ]),
    ).toThrow(
      "Dataset.fromRows: 'rows' row 1 (counting from 0) holds -Infinity at feature 1; every value must be finite.",
    );
    const error = (() => {
      try {
        Dataset.fromRows([[Number.NaN]]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(DataFormatError.isInstance(error)).toBe(true);
    expect((error as DataFormatError).row).toBe(0);
  });

  it('rejects bad shapes, ragged rows and bad labels', () => {
    expect(() => Dataset.fromArray([1, 2, 3], { shape: [2, 2] })).toThrow(
      "Dataset.fromArray: 'shape' must be a shape whose sizes multiply to the 3 values given, got [2, 2].",
    );
    expect(() => Dataset.fromRows([[1, 2], [3]])).toThrow(
      "Dataset.fromRows: 'rows' row 1 (counting from 0) has 1 values, but row 0 has 2.",
    );
    expect(() => Dataset.fromArray([1, 2], { shape: [2, 1], labels: [0, 1.5] })).toThrow(
      "Dataset.fromArray: 'labels' row 1 (counting from 0) holds 1.5; a label must be an integer ≥ 0.",
    );
    expect(() => Dataset.fromArray([1, 2], { shape: [2, 1], labels: [0, Number.NaN] })).toThrow(
      "Dataset.fromArray: 'labels' row 1 (counting from 0) holds NaN; a label must be an integer ≥ 0.",
    );
    expect(() => Dataset.fromArray([1, 2], { shape: [2, 1], labels: [0] })).toThrow(
      'Dataset.fromArray: \'labels\' must be one label per sample, 2, got "1 labels".',
    );
  });
});

describe('Dataset constructors: options', () => {
  it('reject an unknown option, naming the one likely meant', () => {
    expect(() => Dataset.fromArray([1, 2], { shape: [2], label: [0, 1] } as never)).toThrow(
      "Dataset.fromArray: unknown option 'label'; did you mean 'labels'?",
    );
    expect(() => Dataset.fromRows([[1]], { classNamse: ['a'] } as never)).toThrow(
      "Dataset.fromRows: unknown option 'classNamse'; did you mean 'classNames'?",
    );
    // The shape comes from the tensor, so fromTensor does not take one.
    expect(() => Dataset.fromTensor({} as never, { shape: [1, 1] } as never)).toThrow(
      "Dataset.fromTensor: unknown option 'shape' (got [1, 1]); the options are labels, classNames.",
    );
  });
});
