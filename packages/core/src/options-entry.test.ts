import { describe, expect, it, vi } from 'vitest';

// `@aekit/core/options` is for pages that must not load TensorFlow.js: any import of it on the
// entry's module graph (through `@aekit/core`'s root, say) makes loading the entry throw.
vi.mock('@tensorflow/tfjs-core', () => {
  throw new Error('@aekit/core/options loaded @tensorflow/tfjs-core');
});

describe('@aekit/core/options', () => {
  it('loads without TensorFlow.js and checks options as the root entry does', async () => {
    // Other code may have loaded tfjs in this process; a fresh module registry loads the entry anew.
    vi.resetModules();
    const entry = await import('@aekit/core/options');
    const schema = {
      rho: entry.numberOption({ default: 0.05, range: { min: 0, max: 1 }, help: 'ρ' }),
    };
    expect(entry.resolveOptions('f', schema, {})).toEqual({ rho: 0.05 });
    expect(() => entry.resolveOptions('f', schema, { roh: 0.1 })).toThrow(
      "f: unknown option 'roh'; did you mean 'rho'?",
    );
  });
});
