import { describe, expect, it } from 'vitest';
import { bytesDataset, ids } from './__fixtures__/datasets';
import { apportion } from './apportion';
import { Dataset } from './dataset';

describe('Dataset selection', () => {
  it('shuffles deterministically by seed, keeping labels with their samples', () => {
    const data = bytesDataset();
    const a = data.shuffle(7);
    expect(ids(a)).toEqual(ids(data.shuffle(7)));
    expect(ids(a)).not.toEqual(ids(data.shuffle(8)));
    expect([...ids(a)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const labels = a.labels!;
    ids(a).forEach((id, position) => {
      expect(labels[position]).toBe(id % 3);
    });
    expect(ids(data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('takes the first samples', () => {
    expect(ids(bytesDataset().take(3))).toEqual([0, 1, 2]);
    expect(ids(bytesDataset().shuffle(1).take(4))).toEqual(
      ids(bytesDataset().shuffle(1)).slice(0, 4),
    );
    expect(() => bytesDataset().take(11)).toThrow(
      "Dataset.take: 'count' must be an integer in [0, 10], got 11.",
    );
  });

  it('splits by count or fraction, in order or at random', () => {
    const data = bytesDataset();
    const [head, tail] = data.split(3);
    expect(ids(head)).toEqual([0, 1, 2]);
    expect(ids(tail)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const [a, b] = data.split(0.75, { seed: 4 });
    expect(a.size).toBe(8);
    expect(b.size).toBe(2);
    expect([...ids(a), ...ids(b)].sort((x, y) => x - y)).toEqual(ids(data));
    expect(ids(data.split(0.75, { seed: 4 })[0])).toEqual(ids(a));
    expect(() => data.split(1.5)).toThrow(
      "Dataset.split: 'first' must be a count, an integer in [0, 10], or a fraction strictly between 0 and 1, got 1.5.",
    );
  });

  it('stratifies: each label keeps its share in both parts', () => {
    // 60 samples, labels 0 × 30, 1 × 20, 2 × 10.
    const labels = Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : i < 50 ? 1 : 2));
    const data = Dataset.fromArray(
      Float32Array.from({ length: 60 }, (_, i) => i),
      { shape: [60, 1], labels },
    );
    const count = (dataset: Dataset, label: number) =>
      dataset.labels!.filter((value) => value === label).length;
    for (const seed of [undefined, 3]) {
      const [first, second] = data.split(0.5, { stratify: true, seed });
      expect([0, 1, 2].map((label) => count(first, label))).toEqual([15, 10, 5]);
      expect([0, 1, 2].map((label) => count(second, label))).toEqual([15, 10, 5]);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(60);
    }
    const [ordered] = data.split(6, { stratify: true });
    expect(ids(ordered)).toEqual([0, 1, 2, 30, 31, 50]);
    expect(() => Dataset.fromRows([[1]]).split(1, { stratify: true })).toThrow(
      "Dataset.split: 'stratify' must be false for a dataset without labels, got true.",
    );
  });

  it('apportions by largest remainder, exactly to the total', () => {
    expect(apportion([30, 20, 10], 30)).toEqual([15, 10, 5]);
    expect(apportion([1001, 1127, 991], 2000)).toEqual([642, 723, 635]);
    expect(apportion([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(apportion([5, 0, 5], 10)).toEqual([5, 0, 5]);
  });

  it('filters by labels or class names', () => {
    const data = bytesDataset();
    expect(ids(data.filterLabels([2]))).toEqual([2, 5, 8]);
    expect(ids(data.filterLabels(['zero', 2]))).toEqual([0, 2, 3, 5, 6, 8, 9]);
    expect(data.filterLabels(['one']).labels).toEqual(Int32Array.from([1, 1, 1]));
    expect(() => data.filterLabels(['three'])).toThrow(
      'Dataset.filterLabels: \'keep[0]\' must be a label or one of the class names "zero", "one", "two", got "three".',
    );
    expect(() => Dataset.fromRows([[1]]).filterLabels([0])).toThrow(
      'Dataset.filterLabels: \'this\' must be a dataset with labels, got "a dataset without labels".',
    );
  });
});

describe('Dataset.split: options', () => {
  it('rejects an unknown option, naming the one likely meant', () => {
    expect(() => bytesDataset().split(0.5, { stratfy: true } as never)).toThrow(
      "Dataset.split: unknown option 'stratfy'; did you mean 'stratify'?",
    );
  });
});
