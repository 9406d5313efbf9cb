import { aeFamily } from '@aekit/ae';
import { contractiveFamily } from '@aekit/contractive';
import type { AutoencoderFamily } from '@aekit/core';
import { sparseFamily } from '@aekit/sparse';
import { describeBackends } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import { mlpAdapterFor } from './mlp-adapters';
import { registeredMlpSpec } from './mlp-families';

// The adapter of an MLP family is made from its registry entry alone: a copy of an entry under
// another name gets the same flags and builds the same models, and an entry that lacks what the
// command needs is refused with the family and the field named.

function renamed(family: AutoencoderFamily, name: string): AutoencoderFamily {
  return { ...family, name, packageName: `@example/${name}` };
}

describe('registeredMlpSpec', () => {
  it.each(['title', 'summary', 'options', 'resolveConfig'] as const)(
    "refuses an entry without '%s', naming the family and the field",
    (field) => {
      const entry = { ...renamed(contractiveFamily, 'toy'), [field]: undefined };
      expect(() => registeredMlpSpec(entry)).toThrow(
        new RegExp(
          `^aekit: the family 'toy' \\(@example/toy\\) cannot be offered as an MLP family: its registry entry has no '${field}' \\(`,
        ),
      );
    },
  );

  it('refuses an option schema without the code width latentDim', () => {
    const { latentDim: _latentDim, ...options } = contractiveFamily.options!;
    const entry = { ...renamed(contractiveFamily, 'toy'), options };
    expect(() => registeredMlpSpec(entry)).toThrow(
      "aekit: the family 'toy' (@example/toy) cannot be offered as an MLP family: its registry entry's 'options' has no 'latentDim' (the code width, set by --latent).",
    );
  });

  it('takes --hidden only where the schema has hiddenDims', () => {
    expect(registeredMlpSpec(sparseFamily).hiddenLayers).toBe(false);
    expect(registeredMlpSpec(aeFamily).hiddenLayers).toBe(true);
    expect(() => mlpAdapterFor(sparseFamily).parseOptions({ hidden: '8' })).toThrow(
      /'--hidden' must be left out with --family sparse/,
    );
  });

  it("reads the report's notes from the entry", () => {
    const adapter = mlpAdapterFor(renamed(sparseFamily, 'notes-copy'));
    const model = {} as never;
    expect(adapter.extraNote?.('code-histograms', model)?.explanation).toBe(
      sparseFamily.notes?.['code-histograms'],
    );
    expect(adapter.extraNote?.('filters', model)?.explanation).toContain(
      sparseFamily.notes?.filters,
    );
    const silent = mlpAdapterFor({ ...renamed(sparseFamily, 'no-notes'), notes: undefined });
    expect(silent.extraNote?.('code-histograms', model)).toBeUndefined();
  });
});

describeBackends(
  ['cpu', 'wasm'],
  'the adapter of an MLP family fed from its registry entry',
  () => {
    it('gives a renamed copy the flags and models of the original', () => {
      const original = mlpAdapterFor(contractiveFamily);
      const copy = mlpAdapterFor(renamed(contractiveFamily, 'contractive-copy'));
      expect(copy.options).toEqual(original.options);
      expect(copy.title).toBe(contractiveFamily.title);
      const settings = copy.parseOptions({ lambda: '2.5', loss: 'mse' });
      expect(settings).toEqual(original.parseOptions({ lambda: '2.5', loss: 'mse' }));
      expect(settings).toMatchObject({ lambda: 2.5, loss: 'mse' });
      const shape = { inputDim: 6, latentDim: 3, hidden: [4], numClasses: null, seed: 7 };
      const model = copy.create(settings, shape);
      try {
        expect(model.config).toMatchObject({
          family: 'contractive',
          inputDim: 6,
          latentDim: 3,
          hiddenDims: [4],
          lambda: 2.5,
          loss: 'mse',
          seed: 7,
        });
      } finally {
        model.dispose();
      }
    });
  },
);
