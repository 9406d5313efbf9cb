import { describe, expect, it } from 'vitest';
import { AekitError, InvalidArgumentError } from './errors';
import {
  checkConfigObject,
  checkKnownFields,
  checkOptionsObject,
  closestName,
  deepFreeze,
  renameFields,
  UnknownOptionError,
} from './options';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('closestName', () => {
  const names = ['inputDim', 'latentDim', 'hidden', 'beta', 'epochs', 'seed'];

  it('finds a name one letter off: missing, extra, wrong or swapped', () => {
    expect(closestName('hiden', names)).toBe('hidden');
    expect(closestName('betta', names)).toBe('beta');
    expect(closestName('epoch', names)).toBe('epochs');
    expect(closestName('sede', names)).toBe('seed');
    expect(closestName('latentdim', names)).toBe('latentDim');
  });

  it('finds nothing for a name that is not a typo of any', () => {
    expect(closestName('verbose', names)).toBeUndefined();
    expect(closestName('validationData', names)).toBeUndefined();
    expect(closestName('x', names)).toBeUndefined();
  });

  it('takes the nearest of two candidates', () => {
    expect(closestName('seeds', ['seed', 'speeds'])).toBe('seed');
  });
});

describe('checkKnownFields', () => {
  it('names the function, the unknown key and the likely meant one', () => {
    const error = thrown(() =>
      checkKnownFields('createVae', { inputDim: 4, hiden: [8] }, ['inputDim', 'hidden']),
    );
    expect(UnknownOptionError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(AekitError.isInstance(error)).toBe(true);
    const unknown = error as UnknownOptionError;
    expect(unknown.message).toBe("createVae: unknown option 'hiden'; did you mean 'hidden'?");
    expect(unknown.name).toBe('UnknownOptionError');
    expect(unknown.argument).toBe('hiden');
    expect(unknown.suggestion).toBe('hidden');
    expect(unknown.value).toEqual([8]);
  });

  it('lists the options when none is close', () => {
    expect(() => checkKnownFields('fit', { verbose: 1 }, ['epochs', 'batchSize'])).toThrow(
      "fit: unknown option 'verbose' (got 1); the options are epochs, batchSize.",
    );
  });

  it('keeps the path of a nested key in the message and the suggestion', () => {
    const error = thrown(() =>
      checkKnownFields(
        'corrupt',
        { type: 'gaussian', sigma: 0.1 },
        ['type', 'std', 'clip'],
        'c[0].',
      ),
    ) as UnknownOptionError;
    expect(error.message).toBe(
      "corrupt: unknown option 'c[0].sigma' (got 0.1); the options are type, std, clip.",
    );
    const typo = thrown(() =>
      checkKnownFields('corrupt', { type: 'masking', rat: 0.1 }, ['type', 'rate'], 'c[0].'),
    ) as UnknownOptionError;
    expect(typo.message).toBe("corrupt: unknown option 'c[0].rat'; did you mean 'c[0].rate'?");
  });

  it('accepts an object of known keys only', () => {
    expect(() => checkKnownFields('fit', { epochs: 1 }, ['epochs', 'batchSize'])).not.toThrow();
  });

  it('answers a renamed option, or a typo of one, with its new name', () => {
    const known = ['inputDim', 'hiddenDims', 'beta'];
    const renamed = { hidden: 'hiddenDims', activation: 'hiddenActivation' };
    const old = thrown(() =>
      checkKnownFields('createVae', { hidden: [8] }, known, '', renamed),
    ) as UnknownOptionError;
    expect(old.message).toBe("createVae: unknown option 'hidden'; did you mean 'hiddenDims'?");
    expect(old.suggestion).toBe('hiddenDims');
    expect(old.known).toEqual(known);
    expect(() => checkKnownFields('createVae', { hiden: [8] }, known, '', renamed)).toThrow(
      "createVae: unknown option 'hiden'; did you mean 'hiddenDims'?",
    );
    expect(() =>
      checkKnownFields('createVae', { activation: 'tanh' }, known, 'a.', renamed),
    ).toThrow("createVae: unknown option 'a.activation'; did you mean 'a.hiddenActivation'?");
    // A known name still wins over an old one.
    expect(() => checkKnownFields('createVae', { betta: 4 }, known, '', renamed)).toThrow(
      "createVae: unknown option 'betta'; did you mean 'beta'?",
    );
    expect(() => checkKnownFields('createVae', { hidden: [8] }, known)).toThrow(
      "createVae: unknown option 'hidden' (got [8]); the options are inputDim, hiddenDims, beta.",
    );
  });
});

describe('checkOptionsObject', () => {
  it('takes undefined as no options', () => {
    expect(checkOptionsObject('fit', 'options', undefined, ['epochs'])).toEqual({});
  });

  it('rejects a value that is not a plain object', () => {
    for (const value of [null, 3, 'epochs', [1]]) {
      expect(() => checkOptionsObject('fit', 'options', value, ['epochs'])).toThrow(
        /^fit: 'options' must be an object with some of epochs, or left out, got /,
      );
    }
  });

  it('rejects an unknown key and returns the object otherwise', () => {
    expect(() => checkOptionsObject('fit', 'options', { epoch: 5 }, ['epochs'])).toThrow(
      "fit: unknown option 'epoch'; did you mean 'epochs'?",
    );
    const options = { epochs: 5 };
    expect(checkOptionsObject('fit', 'options', options, ['epochs'])).toBe(options);
  });
});

describe('checkConfigObject', () => {
  it('rejects a non-object, another family and an unknown field', () => {
    expect(() => checkConfigObject('createAe', null, 'ae', 'AeConfig', ['inputDim'])).toThrow(
      "createAe: 'config' must be an object (AeConfig), got null.",
    );
    expect(() =>
      checkConfigObject('createAe', { family: 'vae' }, 'ae', 'AeConfig', ['inputDim']),
    ).toThrow("createAe: 'family' must be 'ae', got \"vae\".");
    expect(() =>
      checkConfigObject('createAe', { inputDm: 3 }, 'ae', 'AeConfig', ['inputDim']),
    ).toThrow("createAe: unknown option 'inputDm'; did you mean 'inputDim'?");
  });

  it('suggests the new name of a renamed field', () => {
    expect(() =>
      checkConfigObject('createAe', { codeDim: 3 }, 'ae', 'AeConfig', ['latentDim'], {
        codeDim: 'latentDim',
      }),
    ).toThrow("createAe: unknown option 'codeDim'; did you mean 'latentDim'?");
  });

  it('accepts the family field and returns the record', () => {
    const config = { family: 'ae', inputDim: 3 };
    expect(checkConfigObject('createAe', config, 'ae', 'AeConfig', ['inputDim'])).toBe(config);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects and arrays', () => {
    const value = deepFreeze({ a: [1, { b: 2 }], c: { d: 3 } });
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(value.a)).toBe(true);
    expect(Object.isFrozen(value.a[1])).toBe(true);
    expect(Object.isFrozen(value.c)).toBe(true);
  });
});

describe('renameFields', () => {
  const renamed = { codeDim: 'latentDim', units: 'latentDim' };

  it('gives old keys their new names, keeping the order and the values', () => {
    const saved = { inputDim: 6, codeDim: 3, seed: 1 };
    const upgraded = renameFields(saved, renamed);
    expect(upgraded).toEqual({ inputDim: 6, latentDim: 3, seed: 1 });
    expect(Object.keys(upgraded as object)).toEqual(['inputDim', 'latentDim', 'seed']);
    expect(saved).toEqual({ inputDim: 6, codeDim: 3, seed: 1 });
  });

  it('leaves an old key whose new name is present, and non-objects', () => {
    expect(renameFields({ codeDim: 3, latentDim: 4 }, renamed)).toEqual({
      codeDim: 3,
      latentDim: 4,
    });
    for (const value of [null, 3, [1], undefined]) expect(renameFields(value, renamed)).toBe(value);
  });
});
