import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeBackends } from './describe-backends';
import {
  expectConfigError,
  expectFamilyRegistered,
  expectSaveLoadRoundTrip,
  itRejectsConfigs,
} from './family-checks';
import { expectModelFreesItsTensors } from './no-leaks';

// A one-layer "family": encode(x) = x·W + b, with W and b as its variables.
interface ToyConfig {
  readonly family: 'toy';
  readonly width: number;
}
function createToy(config: ToyConfig, keepB = false) {
  const [W, b] = tf.tidy(() => [
    tf.variable(tf.fill([2, config.width], 0.5)),
    tf.variable(tf.zeros([config.width])),
  ]) as [tf.Variable, tf.Variable];
  return {
    config,
    variables: () => ({ W, b }),
    encode: (x: tf.Tensor2D) => tf.tidy(() => tf.add(tf.matMul(x, W), b)),
    dispose: () => {
      W.dispose();
      if (!keepB) b.dispose();
    },
  };
}
type Toy = ReturnType<typeof createToy>;

// Saves into memory, as the trainer saves into a folder.
const saved = new Map<string, { config: ToyConfig; W: number[]; b: number[] }>();
const saveModel = async (model: Toy, dir: string) => {
  const { W, b } = model.variables();
  saved.set(dir, {
    config: model.config,
    W: Array.from(W.dataSync()),
    b: Array.from(b.dataSync()),
  });
};
const loadModel = async (dir: string) => {
  const entry = saved.get(dir)!;
  const model = createToy(entry.config);
  tf.tidy(() => {
    model.variables().W.assign(tf.tensor(entry.W, [2, entry.config.width]));
    model.variables().b.assign(tf.tensor(entry.b));
  });
  return model;
};

describeBackends(['cpu'], 'expectSaveLoadRoundTrip', () => {
  const x = () => tf.tensor2d([[1, -2]]);

  it('passes for a faithful save and load, running the extra check on the loaded model', async () => {
    const model = createToy({ family: 'toy', width: 3 });
    tf.tidy(() => model.variables().b.assign(tf.tensor1d([1, 2, 3])));
    const input = x();
    let checked = 0;
    const before = tf.memory().numTensors;
    await expectSaveLoadRoundTrip(
      model,
      { saveModel, loadModel },
      (m) => [m.encode(input)],
      (loaded) => {
        checked += loaded.config.width;
      },
    );
    expect(checked).toBe(3);
    // The loaded model was disposed.
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });

  it('fails when the load changes a weight, the config, or an output', async () => {
    const model = createToy({ family: 'toy', width: 3 });
    const input = x();
    const outputs = (m: Toy) => [m.encode(input)];
    const changesWeight = async (dir: string) => {
      const loaded = await loadModel(dir);
      tf.tidy(() => loaded.variables().b.assign(tf.tensor1d([0, 0, 1e-6])));
      return loaded;
    };
    await expect(
      expectSaveLoadRoundTrip(model, { saveModel, loadModel: changesWeight }, outputs),
    ).rejects.toThrow(/the loaded variables/);
    const changesConfig = async (dir: string) => ({
      ...(await loadModel(dir)),
      config: { width: 3 },
    });
    await expect(
      expectSaveLoadRoundTrip(model, { saveModel, loadModel: changesConfig }, outputs),
    ).rejects.toThrow(/the loaded config/);
    // Same weights, but the loaded model computes something else.
    const changesOutput = async (dir: string) => {
      const loaded = await loadModel(dir);
      return { ...loaded, encode: (t: tf.Tensor2D) => tf.relu(loaded.encode(t)) };
    };
    await expect(
      expectSaveLoadRoundTrip(model, { saveModel, loadModel: changesOutput }, outputs),
    ).rejects.toThrow(/the outputs of the loaded model/);
    input.dispose();
    model.dispose();
  });
});

describe('expectConfigError and itRejectsConfigs', () => {
  class ToyError extends Error {}
  const isToyError = (error: unknown) => error instanceof ToyError;
  const create = (config: { width?: number }) => {
    if (config.width === undefined) throw new ToyError("createToy: 'width' is missing.");
    if (config.width < 0) throw new Error("createToy: 'width' must be ≥ 0.");
    return config;
  };

  itRejectsConfigs(create, isToyError, [['no width', {}, "createToy: 'width' is missing."]]);

  it('fails when the config is accepted, the message differs, or the error is of another class', () => {
    expect(() => expectConfigError(create, { width: 2 }, 'anything', isToyError)).toThrow(
      /expected \{"width":2\} to be rejected with: anything/,
    );
    expect(() =>
      expectConfigError(create, {}, "createToy: 'width' is required.", isToyError),
    ).toThrow(/the message of the error thrown/);
    expect(() =>
      expectConfigError(create, { width: -1 }, "createToy: 'width' must be ≥ 0.", isToyError),
    ).toThrow(/is not of the expected error class/);
  });
});

describeBackends(['cpu'], 'expectFamilyRegistered', () => {
  const packageJson = { name: '@aekit/toy', version: '1.2.3' };
  const family = { packageName: '@aekit/toy', version: '1.2.3', create: createToy };
  const registry = new Map([['toy', family]]);

  it('passes for a registered family that rebuilds the model, and disposes what it rebuilt', () => {
    const model = createToy({ family: 'toy', width: 2 });
    const before = tf.memory().numTensors;
    expectFamilyRegistered((name) => registry.get(name), model, packageJson);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it("checks the extras it declares: 'samples' needs a sample method", () => {
    const model = createToy({ family: 'toy', width: 2 });
    const sampling = { ...family, extras: ['samples'] };
    expect(() => expectFamilyRegistered(() => sampling, model, packageJson)).toThrow(
      /the model provides the extra 'samples'/,
    );
    const withSample = Object.assign(Object.create(model), { sample: () => null });
    expectFamilyRegistered(() => sampling, withSample, packageJson);
    expect(() =>
      expectFamilyRegistered(() => ({ ...family, extras: ['hologram'] }), model, packageJson),
    ).toThrow(/the extra 'hologram'/);
    model.dispose();
  });

  it('fails for a family not registered, under another package or version, or that rebuilds another model', () => {
    const model = createToy({ family: 'toy', width: 2 });
    expect(() => expectFamilyRegistered(() => undefined, model, packageJson)).toThrow(
      /no family 'toy' is registered/,
    );
    expect(() =>
      expectFamilyRegistered(() => ({ ...family, packageName: '@aekit/ae' }), model, packageJson),
    ).toThrow(/the package of family 'toy'/);
    expect(() =>
      expectFamilyRegistered(() => ({ ...family, version: '0.0.1' }), model, packageJson),
    ).toThrow(/the version of family 'toy'/);
    const wider = (config: ToyConfig) => createToy({ ...config, width: 3 });
    expect(() =>
      expectFamilyRegistered(() => ({ ...family, create: wider }), model, packageJson),
    ).toThrow(/the rebuilt config/);
    const reshaped = (config: ToyConfig) => ({
      ...createToy({ ...config, width: 3 }),
      config,
    });
    expect(() =>
      expectFamilyRegistered(() => ({ ...family, create: reshaped }), model, packageJson),
    ).toThrow(/the rebuilt variables/);
    model.dispose();
  });
});

describeBackends(['cpu'], 'expectModelFreesItsTensors', () => {
  const config: ToyConfig = { family: 'toy', width: 2 };

  it('passes when the methods free what they make, resolving with what dispose() freed', async () => {
    const x = tf.tensor2d([[1, 2]]);
    await expect(
      expectModelFreesItsTensors(
        () => createToy(config),
        (model) => ({
          total: tf.tidy(() => tf.sum(model.encode(x))),
          terms: { codes: model.encode(x) },
        }),
      ),
    ).resolves.toBe(2);
    x.dispose();
  });

  it('fails when a method leaks, when create + dispose leaks, or when dispose() keeps a variable', async () => {
    const x = tf.tensor2d([[1, 2]]);
    const kept: tf.Tensor[] = [];
    const before = tf.memory().numTensors;
    await expect(
      expectModelFreesItsTensors(
        () => createToy(config),
        (model) => {
          kept.push(model.encode(x));
          return model.encode(x);
        },
      ),
    ).rejects.toThrow(/\+1 tensors/);
    tf.dispose(kept);
    expect(tf.memory().numTensors, 'the model was disposed after the failure').toBe(before);
    await expect(
      expectModelFreesItsTensors(
        () => createToy(config, true),
        (model) => model.encode(x),
      ),
    ).rejects.toThrow(/numTensors went from/);
    // Only the model under test keeps its b: create + dispose alone passes.
    let calls = 0;
    const leaky: tf.Variable[] = [];
    await expect(
      expectModelFreesItsTensors(
        () => {
          calls += 1;
          const model = createToy(config, calls > 2);
          if (calls > 2) leaky.push(model.variables().b);
          return model;
        },
        (model) => model.encode(x),
      ),
    ).rejects.toThrow(/variables still alive after dispose\(\)/);
    tf.dispose([x, ...leaky]);
  });
});
