import { Dataset } from '../dataset';

/** 10 samples of 3 bytes: sample i holds [i, 10·i, 255 − i]; labels i mod 3. */
export function bytesDataset(): Dataset {
  const values = new Uint8Array(30);
  for (let i = 0; i < 10; i += 1) values.set([i, 10 * i, 255 - i], 3 * i);
  return Dataset.fromArray(values, {
    shape: [10, 3],
    labels: Array.from({ length: 10 }, (_, i) => i % 3),
    classNames: ['zero', 'one', 'two'],
  });
}

/** The first value of each sample identifies it in these tests. */
export const ids = (dataset: Dataset) =>
  Array.from({ length: dataset.size }, (_, i) => dataset.sampleAt(i).x[0]!);
