import { aeFamilyDescription, resolveAeConfig } from '@aekit/ae/options';
import {
  contractiveFamilyDescription,
  resolveContractiveAeConfig,
} from '@aekit/contractive/options';
import { type JsonValue, type OptionSpec, optionDefault } from '@aekit/core/options';
import {
  defaultCorruptions,
  denoisingFamilyDescription,
  resolveDenoisingAeConfig,
} from '@aekit/denoising/options';
import {
  defaultSparsityWeights,
  resolveSparseAeConfig,
  sparseFamilyDescription,
} from '@aekit/sparse/options';
import { type StageFamily, stackedAeOptions, stackedFamilyTitle } from '@aekit/stacked/options';
import { resolveVaeConfig, vaeFamilyDescription, vaeOptions } from '@aekit/vae/options';
import { describe, expect, it } from 'vitest';
import {
  defaultParameters,
  deriveMlpFamilySpec,
  type FamilySpec,
  familySpecs,
  findFamilySpec,
  stackedSpec,
  vaeSpec,
} from './families';
import { installedFamilies } from './installed-families';

/** The panel the page derived for a family of installed-families.ts. */
function derivedSpec(name: string): FamilySpec {
  const spec = findFamilySpec(name);
  if (spec === undefined) throw new Error(`no panel for '${name}'`);
  return spec;
}

const aeSpec = derivedSpec('ae');
const denoisingSpec = derivedSpec('denoising');
const sparseSpec = derivedSpec('sparse');
const contractiveSpec = derivedSpec('contractive');

/** Each derived panel, its family's description, and the starting values the demo names. */
const derived = [
  { spec: aeSpec, family: aeFamilyDescription, starting: { latentDim: 32 } },
  { spec: denoisingSpec, family: denoisingFamilyDescription, starting: { latentDim: 256 } },
  { spec: sparseSpec, family: sparseFamilyDescription, starting: { latentDim: 196 } },
  { spec: contractiveSpec, family: contractiveFamilyDescription, starting: { latentDim: 256 } },
  { spec: vaeSpec, family: vaeFamilyDescription, starting: { latentDim: 2 } },
] as const;

describe('the panels derived from the families’ option schemas', () => {
  it.each(derived)(
    '$family.name: each control is its option’s spec',
    ({ spec, family, starting }) => {
      const options = family.options as Readonly<Record<string, OptionSpec>>;
      // The library's starting values, in schema order (a default may depend on those before it).
      const resolved: Record<string, JsonValue> = {};
      for (const [name, option] of Object.entries(options)) {
        const value =
          (starting as Record<string, JsonValue>)[name] ?? optionDefault(option, resolved);
        if (value !== undefined) resolved[name] = value;
      }
      let checked = 0;
      for (const parameter of spec.parameters) {
        const option = options[parameter.name];
        // A control of the page's own (hidden width, the conditional check box, …).
        if (option === undefined || option.kind === 'json') continue;
        checked += 1;
        expect(parameter.label).toBe(option.label ?? parameter.name);
        expect(parameter.help).toBe(option.help);
        expect(parameter.default, parameter.name).toEqual(resolved[parameter.name]);
        if (option.kind === 'choice') {
          expect(parameter.kind).toBe('choice');
          if (parameter.kind !== 'choice') continue;
          expect(parameter.options.map(({ value }) => value)).toEqual(option.values);
          for (const { value, label } of parameter.options) {
            expect(label).toBe(option.labels?.[value] ?? value);
          }
        }
        if ((option.kind === 'integer' || option.kind === 'number') && option.suggested) {
          expect(parameter).toMatchObject(option.suggested);
        }
      }
      expect(checked).toBeGreaterThan(0);
      expect(spec.title).toBe(family.title);
    },
  );

  it('starts where the library does, except for the starting values the demo names', () => {
    expect(defaultParameters(sparseSpec)).toEqual({
      network: 'dense',
      latentDim: 196,
      penalty: 'kl',
      rho: 0.05,
      lambda: defaultSparsityWeights.kl,
    });
    expect(defaultParameters(vaeSpec)).toEqual({
      latentDim: 2,
      hidden: 256,
      likelihood: optionDefault(vaeOptions.likelihood, {}),
      beta: 1,
      conditional: false,
      network: 'dense',
    });
    expect(defaultParameters(denoisingSpec)).toMatchObject({
      corruption: defaultCorruptions[0]?.type,
      nu: 0.25,
      hidden: 0,
    });
  });

  it('links λ to the penalty through the sparse family’s default function', () => {
    const values = { ...defaultParameters(sparseSpec), lambda: '7' };
    expect(sparseSpec.linked?.('penalty', { ...values, penalty: 'l1' })).toEqual({
      lambda: defaultSparsityWeights.l1,
    });
    expect(sparseSpec.linked?.('penalty', { ...values, penalty: 'kl' })).toEqual({
      lambda: defaultSparsityWeights.kl,
    });
    // λ's default does not depend on ρ: changing ρ keeps the λ chosen.
    expect(sparseSpec.linked?.('rho', values)).toEqual({});
  });

  const saved: [FamilySpec, Readonly<Record<string, unknown>>][] = [
    [
      aeSpec,
      resolveAeConfig({
        inputDim: 784,
        latentDim: 12,
        hiddenDims: [64],
        loss: 'mse',
        tiedWeights: true,
      }),
    ],
    [
      denoisingSpec,
      resolveDenoisingAeConfig({
        inputDim: 784,
        latentDim: 9,
        corruptions: [{ type: 'gaussian', std: 0.3 }],
      }),
    ],
    [
      sparseSpec,
      resolveSparseAeConfig({ inputDim: 784, latentDim: 50, penalty: 'l1', rho: 0.1, lambda: 0.5 }),
    ],
    [contractiveSpec, resolveContractiveAeConfig({ inputDim: 784, latentDim: 20, lambda: 2 })],
    [
      vaeSpec,
      resolveVaeConfig({
        inputDim: 784,
        latentDim: 3,
        hiddenDims: [96],
        likelihood: 'gaussian',
        beta: 4,
        conditional: { numClasses: 10 },
      }),
    ],
  ];

  it.each(saved)(
    '%#: a saved configuration fills the panel under the schema’s field names',
    (spec, config) => {
      const values = spec.fromConfig(config);
      expect(Object.keys(values).sort()).toEqual(spec.parameters.map(({ name }) => name).sort());
      for (const [name, value] of Object.entries(values)) {
        if (name in config)
          expect(value, name).toEqual(
            config[name] === null ? false : typeof config[name] === 'object' ? true : config[name],
          );
      }
    },
  );

  it('maps the page’s own controls from a saved configuration', () => {
    expect(saved[1]![0].fromConfig(saved[1]![1])).toMatchObject({
      corruption: 'gaussian',
      nu: 0.3,
      hidden: 0,
    });
    expect(saved[4]![0].fromConfig(saved[4]![1])).toMatchObject({ hidden: 96, conditional: true });
  });
});

describe('the stacked panel', () => {
  it('offers the stage families, their labels and the default the stacked family describes', () => {
    const picker = stackedSpec.parameters.find((parameter) => parameter.name === 'stageFamily');
    if (picker?.kind !== 'choice') throw new Error('the stacked panel has no stage picker');
    const { stageFamily } = stackedAeOptions;
    expect(picker.options.map((option) => option.value)).toEqual([...stageFamily.values]);
    expect(picker.default).toBe(stageFamily.default);
    expect(picker.label).toBe(stageFamily.label);
    for (const option of picker.options) {
      expect(
        option.label.startsWith(stageFamily.labels?.[option.value as StageFamily] ?? '?'),
      ).toBe(true);
    }
    expect(stackedSpec.title).toBe(stackedFamilyTitle);
  });
});

describe('the panel of an MLP family, from its description alone', () => {
  it('offers the installed families in their order', () => {
    expect(familySpecs.map((spec) => spec.name)).toEqual(
      installedFamilies.map((family) => family.name),
    );
  });

  it('gives a family the page has never heard of its lecture, notes, controls and starting values', () => {
    const toy = {
      ...contractiveFamilyDescription,
      name: 'toy',
      title: 'Toy autoencoder',
      lecture: 'A toy.',
      notes: { 'code-histograms': 'Toy codes.', filters: 'Toy filters.' },
      startingValues: { latentDim: 12 },
    };
    const spec = deriveMlpFamilySpec(toy);
    expect(spec.name).toBe('toy');
    expect(spec.title).toBe('Toy autoencoder');
    expect(spec.summary).toBe('A toy.');
    expect(spec.notes).toEqual({ histograms: 'Toy codes.', filters: 'Toy filters.' });
    expect(defaultParameters(spec)).toEqual({
      ...defaultParameters(contractiveSpec),
      latentDim: 12,
    });
  });

  it('refuses a description without a lecture, naming the family', () => {
    const { lecture: _lecture, ...bare } = sparseFamilyDescription;
    expect(() => deriveMlpFamilySpec({ ...bare, name: 'bare' })).toThrow(
      "The demo: family 'bare' has no 'lecture' in its description",
    );
  });

  it('refuses a code width with neither a default nor a starting value', () => {
    const { startingValues: _starting, ...bare } = sparseFamilyDescription;
    expect(() => deriveMlpFamilySpec({ ...bare, name: 'bare' })).toThrow(
      "The demo: option 'latentDim' of family 'bare' has no default; give it a starting value.",
    );
  });
});
