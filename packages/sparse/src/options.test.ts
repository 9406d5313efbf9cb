import { describe, expect, it, vi } from 'vitest';

// `@aekit/sparse/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/sparse/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/sparse/options', () => {
  it('loads without TensorFlow.js and describes the family the root entry registers', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/sparse/options');
    expect(entry.sparseFamilyDescription).toMatchObject({
      name: 'sparse',
      title: 'Sparse autoencoder',
    });
    expect(entry.sparseFamilyDescription.options).toBe(entry.sparseAeOptions);
    expect(Object.keys(entry.sparseAeOptions)).toContain('lambda');
  });
});
