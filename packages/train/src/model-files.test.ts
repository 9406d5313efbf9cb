import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerAutoencoderFamily } from '@aekit/core';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import packageJson from '../package.json';
import { readSafetensors } from '../test/safetensors-reader';
import { createTinyAutoencoder, tinyData, tinyFamily } from '../test/tiny-autoencoder.mjs';
import { snapshot } from '../test/wrappers';
import { ModelFileError } from './errors';
import { loadModel, modelFromBytes, modelToBytes, saveModel } from './index';

let root: string;
let counter = 0;
function freshDir(): string {
  counter += 1;
  return join(root, `model-${counter}`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'aekit-model-files-'));
  registerAutoencoderFamily(tinyFamily);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function expectModelFileError(
  call: Promise<unknown> | (() => unknown),
  file: string,
  problem: string | RegExp,
): Promise<void> {
  let caught: unknown;
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (error) {
    caught = error;
  }
  expect(ModelFileError.isInstance(caught), String(caught)).toBe(true);
  const error = caught as ModelFileError;
  expect(error.file).toBe(file);
  if (typeof problem === 'string') expect(error.problem).toBe(problem);
  else expect(error.problem).toMatch(problem);
}

/** A trained-looking model: weights moved away from their initial values. */
function tinyModel(seed = 4, tied = false) {
  const model = createTinyAutoencoder({ inputDim: 6, hiddenDim: 3, seed, tied });
  tf.tidy(() => {
    for (const variable of Object.values(model.variables())) {
      variable.assign(tf.add(variable, tf.randomNormal(variable.shape, 0, 0.3, 'float32', seed)));
    }
  });
  return model;
}

describeBackends(['cpu', 'wasm'], 'saveModel and loadModel', () => {
  it.each([false, true])(
    'give bit-identical encode/decode outputs after save → load (tied %s)',
    async (tied) => {
      const model = tinyModel(4, tied);
      const dir = freshDir();
      await saveModel(model, dir);
      expect((await readdir(dir)).sort()).toEqual(['config.json', 'weights.safetensors']);
      const loaded = await loadModel(dir);
      expect(loaded.config).toEqual(model.config);
      const x = tinyData(5, 6);
      const pairs = [
        [model.encode(x), loaded.encode(x)],
        [model.reconstruct(x), loaded.reconstruct(x)],
      ];
      const z = tf.tensor2d([[0.5, -1, 2]]);
      pairs.push([model.decode(z), loaded.decode(z)]);
      for (const [a, b] of pairs) expect(b!.dataSync()).toEqual(a!.dataSync());
      expect(snapshot(loaded)).toEqual(snapshot(model));
      tf.dispose([x, z, ...pairs.flat()]);
      model.dispose();
      loaded.dispose();
    },
  );

  it('writes config.json and a weights file any safetensors reader can read', async () => {
    const model = tinyModel();
    const dir = freshDir();
    await saveModel(model, dir);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config).toEqual({
      format: 'aekit-model',
      formatVersion: 1,
      family: 'tiny-test',
      inputShape: [6],
      config: model.config,
      versions: {
        '@aekit/train': packageJson.version,
        '@aekit/train-tests': '0.0.0',
        '@tensorflow/tfjs-core': tf.version_core,
      },
      weights: { file: 'weights.safetensors', tensors: 4, parameters: 6 * 3 + 3 + 3 * 6 + 6 },
    });
    const read = readSafetensors(new Uint8Array(await readFile(join(dir, 'weights.safetensors'))));
    expect(Object.keys(read.tensors)).toEqual([
      'encoder.0.W',
      'encoder.0.b',
      'decoder.0.W',
      'decoder.0.b',
    ]);
    for (const [name, variable] of Object.entries(model.variables())) {
      expect(read.tensors[name]!.dtype).toBe('F32');
      expect(read.tensors[name]!.shape).toEqual(variable.shape);
      expect(read.tensors[name]!.values).toEqual(Array.from(variable.dataSync()));
    }
    model.dispose();
  });

  it('replaces a saved model atomically and leaves no temporary folder', async () => {
    const dir = freshDir();
    const first = tinyModel(1);
    const second = tinyModel(2);
    await saveModel(first, dir);
    await saveModel(second, dir);
    const loaded = await loadModel(dir);
    expect(snapshot(loaded)).toEqual(snapshot(second));
    expect((await readdir(root)).filter((name) => name.startsWith('.'))).toEqual([]);
    for (const model of [first, second, loaded]) model.dispose();
  });

  it('refuses to overwrite a folder that holds other files', async () => {
    const dir = freshDir();
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'keep me');
    const model = tinyModel();
    await expectModelFileError(
      saveModel(model, dir),
      dir,
      "holds 'notes.txt', which writing a model there would delete. Choose a new or empty folder.",
    );
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    model.dispose();
  });

  it('does not leak', async () => {
    const model = tinyModel();
    const dir = freshDir();
    await expectNoLeaks(async () => {
      await saveModel(model, dir);
      (await loadModel(dir)).dispose();
    });
    model.dispose();
  });
});

describeBackends(['cpu', 'wasm'], 'loadModel errors', () => {
  /** A saved model folder whose files the test then breaks. */
  async function savedDir(): Promise<string> {
    const model = tinyModel();
    const dir = freshDir();
    await saveModel(model, dir);
    model.dispose();
    return dir;
  }

  async function editConfig(dir: string, edit: (config: Record<string, unknown>) => void) {
    const path = join(dir, 'config.json');
    const config = JSON.parse(await readFile(path, 'utf8'));
    edit(config);
    await writeFile(path, JSON.stringify(config));
  }

  it('names an unknown family and how to register it', async () => {
    const dir = await savedDir();
    await editConfig(dir, (config) => {
      config.family = 'vae';
      (config.config as Record<string, unknown>).family = 'vae';
    });
    await expectModelFileError(
      loadModel(dir),
      join(dir, 'config.json'),
      /^names family 'vae', which is not registered \(registered: .*'tiny-test'.*\)\. Import the package that provides it first \(aekit's own: '@aekit\/vae'\); it registers itself\.$/,
    );
  });

  it('rejects a newer or an unknown format version', async () => {
    const dir = await savedDir();
    await editConfig(dir, (config) => {
      config.formatVersion = 2;
    });
    await expectModelFileError(
      loadModel(dir),
      join(dir, 'config.json'),
      `has format version 2, newer than version 1 that this @aekit/train (${packageJson.version}) reads. Upgrade @aekit/train to load it.`,
    );
    await editConfig(dir, (config) => {
      config.formatVersion = 'one';
    });
    await expectModelFileError(
      loadModel(dir),
      join(dir, 'config.json'),
      'has format version "one"; this @aekit/train reads version 1.',
    );
  });

  it('rejects a config.json that is not JSON or not a model config', async () => {
    const dir = await savedDir();
    await writeFile(join(dir, 'config.json'), '{"format": "aekit-model",');
    await expectModelFileError(loadModel(dir), join(dir, 'config.json'), /^is not JSON \(.+\)\.$/);
    await writeFile(join(dir, 'config.json'), '{"format": "keras"}');
    await expectModelFileError(
      loadModel(dir),
      join(dir, 'config.json'),
      'is not an aekit model configuration: "format" must be "aekit-model", got "keras".',
    );
  });

  it('rejects a config the family cannot build', async () => {
    const dir = await savedDir();
    await editConfig(dir, (config) => {
      (config.config as Record<string, unknown>).hiddenDim = 0;
    });
    await expectModelFileError(
      loadModel(dir),
      join(dir, 'config.json'),
      /^does not describe a valid 'tiny-test' model: mlp: 'options.widths' must be a non-empty array of positive integers, got \[6, 0\]\.$/,
    );
  });

  it('names a missing tensor', async () => {
    const dir = await savedDir();
    const path = join(dir, 'weights.safetensors');
    // Rewrite the file without 'decoder.0.b', through the independent reader.
    const read = readSafetensors(new Uint8Array(await readFile(path)));
    const { encodeSafetensors } = await import('./safetensors');
    const kept = new Map(
      Object.entries(read.tensors)
        .filter(([name]) => name !== 'decoder.0.b')
        .map(([name, t]) => [
          name,
          { dtype: 'F32' as const, shape: t.shape, data: Float32Array.from(t.values) },
        ]),
    );
    await writeFile(path, encodeSafetensors(kept));
    await expectModelFileError(
      loadModel(dir),
      path,
      "tensor 'decoder.0.b' is missing; the model built from config.json needs 4 tensors.",
    );
  });

  it('names a shape that disagrees with the config', async () => {
    const dir = await savedDir();
    await editConfig(dir, (config) => {
      (config.config as Record<string, unknown>).hiddenDim = 5;
    });
    await expectModelFileError(
      loadModel(dir),
      join(dir, 'weights.safetensors'),
      "tensor 'encoder.0.W' has shape [6, 3], but the model built from config.json needs [6, 5].",
    );
  });

  it('names a truncated or oversized weights file, and a header that is not JSON', async () => {
    const dir = await savedDir();
    const path = join(dir, 'weights.safetensors');
    const bytes = new Uint8Array(await readFile(path));
    await writeFile(path, bytes.subarray(0, bytes.byteLength - 10));
    await expectModelFileError(
      loadModel(dir),
      path,
      /^is truncated: its tensors need 180 bytes of data, but the file holds 170\.$/,
    );
    await writeFile(path, Buffer.concat([bytes, new Uint8Array(4)]));
    await expectModelFileError(
      loadModel(dir),
      path,
      /^is oversized: .* \(4 extra bytes at the end\)\.$/,
    );
    const corrupt = bytes.slice();
    corrupt[8] = 0x7a; // 'z' where the header's opening brace was
    await writeFile(path, corrupt);
    await expectModelFileError(loadModel(dir), path, /^the header is not JSON \(.+\)\.$/);
  });

  it('names a missing file, and a complete model left by an interrupted save', async () => {
    const dir = await savedDir();
    await rm(join(dir, 'weights.safetensors'));
    await expectModelFileError(loadModel(dir), join(dir, 'weights.safetensors'), 'does not exist.');
    const missing = freshDir();
    await expectModelFileError(loadModel(missing), join(missing, 'config.json'), 'does not exist.');
    // A crash between the two renames of a replacing save leaves the old folder beside it.
    const replaced = await savedDir();
    const old = join(root, `.${replaced.split('/').pop()}.old-123`);
    await rename(replaced, old);
    await expectModelFileError(
      loadModel(replaced),
      join(replaced, 'config.json'),
      `does not exist. A save into it was interrupted; the previous model is complete in ${old}: rename it to ${replaced.split('/').pop()}.`,
    );
    await rm(old, { recursive: true });
  });

  it('rejects bad arguments by name', async () => {
    await expect(loadModel('')).rejects.toThrow(
      'loadModel: \'dir\' must be a non-empty folder path, got "".',
    );
    await expect(saveModel({} as never, freshDir())).rejects.toThrow(
      "saveModel: 'model' must be a model (with config.family, config.inputDim and variables()), such as an Autoencoder, got {}.",
    );
  });
});

describeBackends(['cpu', 'wasm'], 'modelToBytes and modelFromBytes', () => {
  it('round-trip a model through bytes, bit for bit, and match what saveModel writes', async () => {
    const model = tinyModel(9);
    const { config, weights } = await modelToBytes(model);
    const loaded = modelFromBytes(config, weights);
    expect(snapshot(loaded)).toEqual(snapshot(model));
    const fromObject = modelFromBytes(JSON.parse(config), weights.slice().buffer);
    expect(snapshot(fromObject)).toEqual(snapshot(model));
    const dir = freshDir();
    await saveModel(model, dir);
    expect(await readFile(join(dir, 'config.json'), 'utf8')).toBe(config);
    expect(new Uint8Array(await readFile(join(dir, 'weights.safetensors')))).toEqual(weights);
    for (const item of [model, loaded, fromObject]) item.dispose();
  });

  it('do not leak', async () => {
    const model = tinyModel(9);
    await expectNoLeaks(async () => {
      const { config, weights } = await modelToBytes(model);
      modelFromBytes(config, weights).dispose();
    });
    model.dispose();
  });

  it('names the file in errors, by its name', async () => {
    const model = tinyModel(9);
    const { config, weights } = await modelToBytes(model);
    await expectModelFileError(
      () => modelFromBytes(config, weights.subarray(0, 4)),
      'weights.safetensors',
      'is truncated: 4 bytes, fewer than the 8 that hold the header length of a safetensors file.',
    );
    await expectModelFileError(
      () => modelFromBytes('nope', weights),
      'config.json',
      /^is not JSON/,
    );
    expect(() => modelFromBytes(config, [1, 2] as never)).toThrow(
      "modelFromBytes: 'weights' must be a Uint8Array or ArrayBuffer holding weights.safetensors, got [1, 2].",
    );
    // A failed load frees the model it built.
    const before = tf.memory().numTensors;
    await expectModelFileError(
      () => modelFromBytes(config, weights.subarray(0, 200)),
      'weights.safetensors',
      /^is truncated/,
    );
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
