import { describe, expect, it, vi } from 'vitest';

// `@aekit/stacked/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/stacked/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/stacked/options', () => {
  it('loads without TensorFlow.js and describes the options the root entry resolves', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/stacked/options');
    expect(entry.stackedFamilyName).toBe('stacked');
    expect(entry.stackedAeOptions.stageFamily.values).toEqual(entry.stageFamilies);
    expect(entry.stackedAeOptions.latentDims.default).toEqual([256, 128]);
  });
});
