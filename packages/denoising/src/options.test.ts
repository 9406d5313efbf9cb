import { describe, expect, it, vi } from 'vitest';

// `@aekit/denoising/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/denoising/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/denoising/options', () => {
  it('loads without TensorFlow.js and describes the family the root entry registers', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/denoising/options');
    expect(entry.denoisingFamilyDescription).toMatchObject({ name: 'denoising' });
    expect(entry.denoisingFamilyDescription.options).toBe(entry.denoisingAeOptions);
    expect(entry.resolveCorruptions('f', [{ type: 'masking', rate: 0.5 }])).toEqual([
      { type: 'masking', rate: 0.5 },
    ]);
  });
});
