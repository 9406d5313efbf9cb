import { describe, expect, it, vi } from 'vitest';

// `@aekit/vae/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/vae/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/vae/options', () => {
  it('loads without TensorFlow.js and describes the family the root entry registers', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/vae/options');
    expect(entry.vaeFamilyDescription).toMatchObject({
      name: 'vae',
      title: 'Variational autoencoder',
    });
    expect(entry.vaeFamilyDescription.options).toBe(entry.vaeOptions);
    expect(entry.vaeOptions.likelihood.values).toEqual(entry.vaeLikelihoods);
  });
});
