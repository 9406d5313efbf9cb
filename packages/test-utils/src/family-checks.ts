import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Scalar, type Tensor, type Tensor2D, tidy } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * A new temporary folder for the tests of this file, removed after them. Returns a function
 * that gives its path (known once `beforeAll` has run).
 */
export function temporaryFolder(prefix: string): () => string {
  let root: string | undefined;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });
  return () => {
    if (root === undefined) throw new Error(`temporaryFolder('${prefix}'): used before beforeAll.`);
    return root;
  };
}

/** What the one-step check needs of a model: its loss and its variables. */
export interface SteppableModel {
  lossTerms(
    x: Tensor2D,
    context: { readonly step: number; readonly training: boolean },
  ): { readonly total: Scalar };
  variables(): Record<string, Tensor>;
}

/** Plain SGD options for one step on one whole batch, as `fit` takes them. */
export interface OneStepOptions {
  readonly epochs: 1;
  readonly batchSize: number;
  readonly shuffle: false;
  readonly optimizer: 'sgd';
  readonly learningRate: number;
}

/**
 * The structural check every family runs: one step of `train` (the family's `fit`, passed in so
 * this package depends on no trainer) with plain SGD at `learningRate` on the fixed batch `x`
 * must lower the training loss on that batch — read at step 0 with `training: true`, as the
 * step itself runs, so noise drawn from the step is the same — and change every variable.
 * Resolves with what `train` resolved with. `x` is not disposed.
 */
export async function expectOneStepLowersLoss<M extends SteppableModel, R>(
  model: M,
  x: Tensor2D,
  train: (model: M, x: Tensor2D, options: OneStepOptions) => Promise<R>,
  learningRate = 0.05,
): Promise<R> {
  const lossOf = () =>
    tidy(() => model.lossTerms(x, { step: 0, training: true }).total.dataSync()[0]!);
  const before = lossOf();
  const weightsBefore = Object.values(model.variables()).map((v) => Array.from(v.dataSync()));
  const result = await train(model, x, {
    epochs: 1,
    batchSize: x.shape[0],
    shuffle: false,
    optimizer: 'sgd',
    learningRate,
  });
  expect(lossOf()).toBeLessThan(before);
  const variables = Object.entries(model.variables());
  expect(variables.length).toBeGreaterThan(0);
  variables.forEach(([name, variable], index) => {
    expect(Array.from(variable.dataSync()), `variable '${name}' did not change`).not.toEqual(
      weightsBefore[index],
    );
  });
  return result;
}
