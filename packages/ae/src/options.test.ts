import { describe, expect, it, vi } from 'vitest';

// `@aekit/ae/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/ae/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/ae/options', () => {
  it('loads without TensorFlow.js and describes the family the root entry registers', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/ae/options');
    expect(entry.aeFamilyDescription).toMatchObject({ name: 'ae', title: 'Autoencoder' });
    expect(entry.aeFamilyDescription.options).toBe(entry.aeOptions);
    expect(entry.aeOptions.loss.values).toEqual(entry.reconstructionLosses);
  });
});
