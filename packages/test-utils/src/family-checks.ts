import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Scalar, type Tensor, type Tensor2D, tidy } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

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

/** What the model checks need of a model: its config, its variables, and a way to free them. */
export interface CheckableModel {
  readonly config: object;
  variables(): Record<string, Tensor>;
  dispose(): void;
}

function variableValues(model: CheckableModel): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(model.variables()).map(([name, variable]) => [
      name,
      Array.from(variable.dataSync()),
    ]),
  );
}

/** How to save and load a model: the trainer's functions (pass `@aekit/train` itself). */
export interface ModelFiles<M> {
  readonly saveModel: (model: M, dir: string) => Promise<unknown>;
  readonly loadModel: (dir: string) => Promise<unknown>;
}

/**
 * The round trip every family runs: save the model into a fresh temporary folder, load it back,
 * and expect the same config, the same variables (names and values) and bit-identical
 * `outputs` (computed inside `tidy` on each model); then run `check` on the loaded model. The
 * loaded model and the folder are freed; `model` is not disposed.
 */
export async function expectSaveLoadRoundTrip<M extends CheckableModel>(
  model: M,
  { saveModel, loadModel }: ModelFiles<M>,
  outputs: (model: M) => readonly Tensor[],
  check?: (loaded: M) => void,
): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'aekit-save-load-'));
  try {
    const dir = join(folder, 'model');
    await saveModel(model, dir);
    const loaded = (await loadModel(dir)) as M;
    try {
      expect(loaded.config, 'the loaded config').toEqual(model.config);
      expect(variableValues(loaded), 'the loaded variables').toEqual(variableValues(model));
      const values = (m: M) => tidy(() => outputs(m).map((t) => Array.from(t.dataSync())));
      expect(values(loaded), 'the outputs of the loaded model').toEqual(values(model));
      check?.(loaded);
    } finally {
      loaded.dispose();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** A config-error case: what the config is, the config, and the exact message expected. */
export type ConfigErrorCase = readonly [title: string, config: unknown, message: string];

/**
 * Expects `create(config)` to throw an error for which `isExpectedError` holds (e.g.
 * `InvalidArgumentError.isInstance`), with exactly `message`.
 */
export function expectConfigError(
  create: (config: never) => unknown,
  config: unknown,
  message: string,
  isExpectedError: (error: unknown) => boolean,
): void {
  let caught: unknown;
  let threw = false;
  try {
    create(config as never);
  } catch (error) {
    threw = true;
    caught = error;
  }
  if (!threw) expect.fail(`expected ${JSON.stringify(config)} to be rejected with: ${message}`);
  expect((caught as Error | undefined)?.message, 'the message of the error thrown').toBe(message);
  expect(isExpectedError(caught), `${String(caught)} is not of the expected error class`).toBe(
    true,
  );
}

/**
 * Declares one test per case, titled `title` with the case's title for `%s`, each running
 * `expectConfigError`.
 */
export function itRejectsConfigs(
  create: (config: never) => unknown,
  isExpectedError: (error: unknown) => boolean,
  cases: readonly ConfigErrorCase[],
  title = 'rejects %s',
): void {
  it.each(cases)(title, (_, config, message) =>
    expectConfigError(create, config, message, isExpectedError),
  );
}

/** What the registration check needs of a family registry entry. */
export interface RegisteredFamily {
  readonly packageName: string;
  readonly version: string;
  /** The extra views and measures it declares (`FamilyExtra` of `@aekit/core`). */
  readonly extras?: readonly string[];
  create(config: never): CheckableModel;
}

/**
 * What a model must have for each extra its family declares (see `familyExtraKinds` of
 * `@aekit/core`): one of the lists of members, all of them functions or, for `stages`, present.
 */
const extraNeeds: Readonly<Record<string, readonly (readonly string[])[]>> = {
  samples: [['sample']],
  manifold: [['manifoldGrid']],
  interpolation: [['interpolate']],
  posterior: [['posterior']],
  likelihood: [['elbo', 'logLikelihood']],
  'code-histograms': [['hiddenActivations']],
  sparsity: [['meanActivations']],
  'jacobian-norms': [['jacobianNorm']],
  filters: [['filters'], ['stages']],
  denoising: [['corrupt', 'denoise']],
  'stage-codes': [['stages', 'encodeTo']],
  pretraining: [['pretrain']],
  classifier: [['pretrain']],
};

function providesExtra(model: object, extra: string): boolean {
  const record = model as Record<string, unknown>;
  return (extraNeeds[extra] ?? []).some((members) =>
    members.every((member) =>
      member === 'stages' ? Array.isArray(record[member]) : typeof record[member] === 'function',
    ),
  );
}

/**
 * The registration every family package makes on import: `findFamily(model.config.family)`
 * (core's `findAutoencoderFamily`) names the package and version of `packageJson`, and its
 * `create(model.config)` rebuilds a model with the same config and variable names and shapes,
 * and `model` has what each extra the family declares needs (e.g. `sample` for 'samples').
 * The rebuilt model is disposed; `model` is not.
 */
export function expectFamilyRegistered(
  findFamily: (name: string) => RegisteredFamily | undefined,
  model: CheckableModel & { readonly config: { readonly family: string } },
  packageJson: { readonly name: string; readonly version: string },
): void {
  const name = model.config.family;
  const family = findFamily(name);
  if (family === undefined) expect.fail(`no family '${name}' is registered`);
  expect(family.packageName, `the package of family '${name}'`).toBe(packageJson.name);
  expect(family.version, `the version of family '${name}'`).toBe(packageJson.version);
  for (const extra of family.extras ?? []) {
    expect(providesExtra(model, extra), `the model provides the extra '${extra}'`).toBe(true);
  }
  const rebuilt = family.create(model.config as never);
  try {
    expect(rebuilt.config, 'the rebuilt config').toEqual(model.config);
    const shapes = (m: CheckableModel) =>
      Object.entries(m.variables()).map(([key, variable]) => [key, variable.shape]);
    expect(shapes(rebuilt), 'the rebuilt variables').toEqual(shapes(model));
  } finally {
    rebuilt.dispose();
  }
}
