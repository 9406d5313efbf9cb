import { describe, expect, it, vi } from 'vitest';

// `@aekit/contractive/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/contractive/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/contractive/options', () => {
  it('loads without TensorFlow.js and describes the family the root entry registers', async () => {
    // The setup file has loaded tfjs already; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/contractive/options');
    expect(entry.contractiveFamilyDescription).toMatchObject({ name: 'contractive' });
    expect(entry.contractiveFamilyDescription.options).toBe(entry.contractiveAeOptions);
    expect(entry.contractiveAeOptions.lambda.default).toBe(entry.defaultContractiveWeight);
  });
});
