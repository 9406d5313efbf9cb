import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors';
import {
  booleanOption,
  checkOptionValue,
  choiceOption,
  describeDefault,
  describeOption,
  integerListOption,
  integerOption,
  jsonOption,
  numberOption,
  optionDefault,
  optionFlag,
  resolveOptions,
  seedOption,
} from './option-schema';
import { UnknownOptionError } from './options';

/** A schema shaped like a sparse autoencoder's, with one structured option. */
const schema = {
  latentDim: integerOption({ range: { min: 1 }, help: 'code width' }),
  hiddenDims: integerListOption({ default: [], allowEmpty: true, help: 'hidden widths' }),
  penalty: choiceOption(['kl', 'l1'], { default: 'kl', help: 'which penalty' }),
  rho: numberOption({
    default: 0.05,
    range: { min: 0, max: 1, minExclusive: true, maxExclusive: true },
    usedWhen: { test: (o) => o.penalty === 'kl', description: "penalty 'kl'" },
    help: 'target activation',
  }),
  lambda: numberOption({
    default: (o) => (o.penalty === 'l1' ? 0.01 : 3),
    range: { min: 0 },
    help: 'penalty weight',
  }),
  tiedWeights: booleanOption({ default: false, help: 'tied weights' }),
  conditional: jsonOption<{ numClasses: number } | null>({
    default: null,
    shape: 'null or an object { numClasses }',
    help: 'conditional model',
    resolve: (functionName, argument, value) => {
      if (value === null) return null;
      const numClasses = (value as { numClasses?: unknown }).numClasses;
      return {
        numClasses: checkOptionValue(
          functionName,
          `${argument}.numClasses`,
          integerOption({ range: { min: 2 }, help: '' }),
          numClasses,
        ) as number,
      };
    },
  }),
  seed: seedOption({ default: 0, help: 'seed' }),
};

describe('resolveOptions', () => {
  it('fills every default, in schema order, a default depending on an earlier option', () => {
    const kl = resolveOptions('createThing', schema, { latentDim: 4 });
    expect(kl).toEqual({
      latentDim: 4,
      hiddenDims: [],
      penalty: 'kl',
      rho: 0.05,
      lambda: 3,
      tiedWeights: false,
      conditional: null,
      seed: 0,
    });
    expect(Object.keys(kl)).toEqual(Object.keys(schema));
    const l1 = resolveOptions('createThing', schema, { latentDim: 4, penalty: 'l1' });
    expect(l1.lambda).toBe(0.01);
    expect(
      resolveOptions('createThing', schema, { latentDim: 4, penalty: 'l1', lambda: 2 }).lambda,
    ).toBe(2);
  });

  it('returns the options frozen, nested values too', () => {
    const resolved = resolveOptions('createThing', schema, {
      latentDim: 4,
      hiddenDims: [8],
      conditional: { numClasses: 10 },
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.hiddenDims)).toBe(true);
    expect(Object.isFrozen(resolved.conditional)).toBe(true);
    expect(resolved.conditional).toEqual({ numClasses: 10 });
  });

  it('names the function, the option, the rule and the value of a bad value', () => {
    expect(() => resolveOptions('createThing', schema, { latentDim: 0 })).toThrow(
      "createThing: 'latentDim' must be a positive integer, got 0.",
    );
    expect(() =>
      checkOptionValue('createThing', 'n', integerOption({ range: { min: 2 }, help: '' }), 1),
    ).toThrow("createThing: 'n' must be an integer ≥ 2, got 1.");
    expect(() => resolveOptions('createThing', schema, { latentDim: 2, rho: 1.2 })).toThrow(
      "createThing: 'rho' must be a finite number in (0, 1), got 1.2.",
    );
    expect(() => resolveOptions('createThing', schema, { latentDim: 2, penalty: 'l2' })).toThrow(
      "createThing: 'penalty' must be one of 'kl', 'l1', got \"l2\".",
    );
    expect(() => resolveOptions('createThing', schema, { latentDim: 2, hiddenDims: [0] })).toThrow(
      "createThing: 'hiddenDims' must be an array of positive integers, got [0].",
    );
    expect(() =>
      resolveOptions('createThing', schema, { latentDim: 2, conditional: { numClasses: 1 } }),
    ).toThrow("createThing: 'conditional.numClasses' must be an integer ≥ 2, got 1.");
    expect(() => resolveOptions('createThing', schema, { latentDim: 2, seed: -1 })).toThrow(
      "createThing: 'seed' must be an integer in [0, 4294967295], got -1.",
    );
  });

  it('takes a given null as a value, not as the default', () => {
    expect(() => resolveOptions('createThing', schema, { latentDim: 2, rho: null })).toThrow(
      "createThing: 'rho' must be a finite number in (0, 1), got null.",
    );
  });

  it('requires an option without a default', () => {
    let error: unknown;
    try {
      resolveOptions('createThing', schema, {});
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "createThing: 'latentDim' must be a positive integer, got undefined.",
    );
  });

  it('rejects an unknown key with the likely meant one, and allows the extra keys', () => {
    let error: unknown;
    try {
      resolveOptions('createThing', schema, { latentDim: 2, lamda: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(UnknownOptionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      "createThing: unknown option 'lamda'; did you mean 'lambda'?",
    );
    expect(() =>
      resolveOptions('createThing', schema, { latentDim: 2, family: 'x' }, ['family']),
    ).not.toThrow();
    expect(() =>
      resolveOptions('createThing', schema, { codeDim: 2 }, [], { codeDim: 'latentDim' }),
    ).toThrow("createThing: unknown option 'codeDim'; did you mean 'latentDim'?");
    expect(() => resolveOptions('createThing', schema, { latentDim: 2, family: 'x' })).toThrow(
      /unknown option 'family'/,
    );
  });
});

describe('option specs', () => {
  it('give their default, computed from the options before them when it is a function', () => {
    expect(optionDefault(schema.lambda, { penalty: 'l1' })).toBe(0.01);
    expect(optionDefault(schema.lambda, { penalty: 'kl' })).toBe(3);
    expect(optionDefault(schema.latentDim, {})).toBeUndefined();
  });

  it('say when they are used', () => {
    expect(schema.rho.usedWhen?.test({ penalty: 'kl' })).toBe(true);
    expect(schema.rho.usedWhen?.test({ penalty: 'l1' })).toBe(false);
  });

  it('describe their values for people', () => {
    expect(describeOption(schema.penalty)).toBe("one of 'kl', 'l1'");
    expect(describeOption(schema.tiedWeights)).toBe('true or false');
    expect(describeOption(schema.conditional)).toBe('null or an object { numClasses }');
  });

  it('name their command-line flag: the key in kebab case, or their own', () => {
    expect(optionFlag('tiedWeights', schema.tiedWeights)).toBe('--tied-weights');
    expect(optionFlag('tiedWeights', booleanOption({ flag: 'tied', help: '' }))).toBe('--tied');
    expect(optionFlag('rho', schema.rho)).toBe('--rho');
  });

  it('describe their default for people', () => {
    expect(describeDefault(schema.rho)).toBe('0.05');
    expect(describeDefault(schema.penalty)).toBe('kl');
    expect(describeDefault(schema.hiddenDims)).toBe('none');
    expect(describeDefault(integerListOption({ default: [400, 200], help: '' }))).toBe('400,200');
    expect(describeDefault(schema.conditional)).toBe('null');
    expect(describeDefault(schema.latentDim)).toBeUndefined();
    expect(describeDefault(schema.lambda)).toBeUndefined();
    expect(
      describeDefault(numberOption({ default: () => 1, defaultHelp: '3 with kl', help: '' })),
    ).toBe('3 with kl');
  });
});
