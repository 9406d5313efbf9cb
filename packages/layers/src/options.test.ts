import { describe, expect, it, vi } from 'vitest';

// `@aekit/layers/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/layers/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/layers/options', () => {
  it('loads without TensorFlow.js and names the activations and initialisers', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/layers/options');
    expect(entry.activationNames).toContain('relu');
    expect(entry.initializerNames).toContain('glorotUniform');
    // Network specs resolve there too (a page checks a convolutional config without tfjs).
    expect(entry.resolveNetworkSpec('f', 'encoder', { type: 'conv', channels: [8] })).toEqual({
      type: 'conv',
      channels: [8],
      kernelSize: 3,
      strides: 2,
      hiddenDims: [],
    });
  });
});
