import { contractiveFamily } from '@aekit/contractive';
import { type AutoencoderFamily, registerAutoencoderFamily } from '@aekit/core';
import { initBackend } from '@aekit/runtime-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultParameters, findFamilySpec } from '../families';
import { installedFamilies } from '../installed-families';
import { mlpWorkerFamily, workerFamilies } from './family-models';

// The worker builds an MLP family's models through its registry entry alone: a family
// registered under a new name builds what the original builds, and an entry without the
// resolver is refused with the family and the field named.

function register(name: string, changes: Partial<AutoencoderFamily> = {}): void {
  registerAutoencoderFamily({
    ...(contractiveFamily as unknown as AutoencoderFamily),
    name,
    packageName: `@example/${name}`,
    ...changes,
  });
}

describe('the worker’s MLP families', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('knows every family the page offers', () => {
    expect([...workerFamilies.keys()]).toEqual(installedFamilies.map((family) => family.name));
  });

  it('builds a registered family it has no code for from the panel’s values', () => {
    register('worker-toy');
    const parameters = { ...defaultParameters(findFamilySpec('contractive')!), hidden: 8 };
    const context = { inputDim: 12, numClasses: 10, seed: 3 };
    const model = mlpWorkerFamily('worker-toy').create(parameters, context);
    const original = workerFamilies.get('contractive')!.create(parameters, context);
    try {
      expect(model.config).toEqual(original.config);
      expect(model.config).toMatchObject({ inputDim: 12, hiddenDims: [8], seed: 3 });
      const handle = mlpWorkerFamily('worker-toy').handle(model);
      expect(handle.codeDim).toBe(original.config.latentDim);
    } finally {
      model.dispose();
      original.dispose();
    }
  });

  it('builds a convolutional network from the Network choice, for every family that offers it', () => {
    const context = { inputDim: 784, numClasses: 10, seed: 1 };
    const offering = installedFamilies.filter((family) =>
      findFamilySpec(family.name)!.parameters.some((parameter) => parameter.name === 'network'),
    );
    // Every family but the stack (its stages are fully connected) offers the choice.
    expect(offering.map((family) => family.name)).toEqual(
      installedFamilies.map((family) => family.name).filter((name) => name !== 'stacked'),
    );
    for (const { name } of offering) {
      const spec = findFamilySpec(name)!;
      const parameters = { ...defaultParameters(spec), network: 'conv', hidden: 16, latentDim: 4 };
      const model = workerFamilies.get(name)!.create(parameters, context);
      try {
        // The hidden width is the dense layer after the convolutions where the panel has one.
        const dense = spec.parameters.some((parameter) => parameter.name === 'hidden') ? [16] : [];
        expect([name, model.config.encoder, model.config.inputShape]).toEqual([
          name,
          { type: 'conv', channels: [16, 32], kernelSize: 3, strides: 2, hiddenDims: dense },
          [28, 28, 1],
        ]);
        expect(spec.fromConfig(model.config as Record<string, unknown>).network).toBe('conv');
        const handle = workerFamilies.get(name)!.handle(model);
        // The filters view draws 28 × 28 tiles; a convolution's kernels are not offered there.
        expect(handle.filters).toBeUndefined();
      } finally {
        model.dispose();
      }
    }
  });

  it('refuses a registered family without a resolver, naming it and the field', () => {
    register('worker-bare', { resolveConfig: undefined });
    const parameters = defaultParameters(findFamilySpec('contractive')!);
    expect(() =>
      mlpWorkerFamily('worker-bare').create(parameters, { inputDim: 4, numClasses: 10, seed: 0 }),
    ).toThrow(
      "The demo: the family 'worker-bare' (@example/worker-bare) cannot be built by the worker: its registry entry has no 'resolveConfig'.",
    );
    expect(() =>
      mlpWorkerFamily('worker-missing').create(parameters, {
        inputDim: 4,
        numClasses: 10,
        seed: 0,
      }),
    ).toThrow("The demo: no family 'worker-missing' is registered");
  });
});
