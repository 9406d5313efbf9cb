import { type Autoencoder, type FamilyExtra, registerAutoencoderFamily } from '@aekit/core';
import { describeBackends } from '@aekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { LoadedData } from '../data-source';
import { hasExtraMetrics } from '../evaluation/extra-metrics';
import type { FamilyAdapter } from '../family-contract';
import { extraSections } from './extra-sections';

/** A family of 2 × 2 images registered under `name` with `extras`, and one model of it that can sample. */
function testModel(name: string, extras: readonly FamilyExtra[] | undefined): Autoencoder {
  const model = {
    config: { family: name, inputDim: 4, latentDim: 3 },
    sample: (n: number) => tf.fill([n, 4], 0.5) as tf.Tensor2D,
  } as unknown as Autoencoder;
  registerAutoencoderFamily({
    name,
    packageName: `@example/${name}`,
    version: '1.0.0',
    ...(extras === undefined ? {} : { extras }),
    create: () => model as never,
  });
  return model;
}

const data = { imageShape: [2, 2], classNames: null, dim: 4 } as unknown as LoadedData;
const test = { x: new Float32Array(8).fill(0.5), labels: null, count: 2, dim: 4 };
const adapter = { name: 'test', needsLabels: () => false } as unknown as FamilyAdapter;

function sectionsOf(model: Autoencoder) {
  return extraSections({ model, data, test, seed: 1, runDir: null, adapter });
}

describeBackends(['cpu', 'wasm'], 'report sections of the extras a family declares', () => {
  it("a family that declares 'samples' gets the samples section, drawn from its model", async () => {
    const sections = await sectionsOf(testModel('samples-extra-test', ['samples']));
    expect(sections.map((section) => section.heading)).toEqual(['Samples from the prior']);
    expect(sections[0]!.html).toContain('64 draws, seed 1');
  });

  it('a family that declares no extras gets no section, whatever its model can do', async () => {
    expect(await sectionsOf(testModel('no-extras-test', undefined))).toEqual([]);
    expect(await sectionsOf(testModel('empty-extras-test', []))).toEqual([]);
  });

  it('sections follow the declaration: the manifold only for a 2-D code', async () => {
    const model = testModel('manifold-extra-test', ['manifold']);
    expect(await sectionsOf(model)).toEqual([]);
  });

  it("eval measures only the extras that have metrics ('likelihood', 'classifier')", () => {
    expect(hasExtraMetrics(['samples', 'filters', 'code-histograms'])).toBe(false);
    expect(hasExtraMetrics(['samples', 'likelihood'])).toBe(true);
    expect(hasExtraMetrics(['classifier'])).toBe(true);
  });
});
