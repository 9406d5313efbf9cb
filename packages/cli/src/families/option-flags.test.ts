import {
  booleanOption,
  choiceOption,
  integerListOption,
  integerOption,
  jsonOption,
  numberOption,
  resolveOptions,
  seedOption,
} from '@aekit/core';
import { describe, expect, it } from 'vitest';
import { checkFlagsUsed, optionFlags, parseOptionFlags } from './option-flags';

const schema = {
  latentDim: integerOption({ range: { min: 1 }, help: 'code width' }),
  penalty: choiceOption(['kl', 'l1'], { default: 'kl', help: 'the penalty' }),
  rho: numberOption({
    default: 0.05,
    range: { min: 0, max: 1, minExclusive: true, maxExclusive: true },
    usedWhen: { test: (o) => o.penalty === 'kl', description: 'penalty kl' },
    help: 'the target activation ρ',
  }),
  lambda: numberOption({
    default: (o) => (o.penalty === 'l1' ? 0.01 : 3),
    defaultHelp: '3 with penalty kl, 0.01 with l1',
    range: { min: 0 },
    help: 'the weight λ',
  }),
  widths: integerListOption({ default: [400], help: 'widths' }),
  samples: integerOption({ default: 1, range: { min: 1 }, help: 'draws' }),
  tiedWeights: booleanOption({ default: false, flag: 'tied', help: 'tied weights' }),
  corruptions: jsonOption({
    default: [],
    shape: 'a list',
    help: 'x',
    resolve: (_f, _a, v) => v as [],
  }),
  seed: seedOption({ default: 0, help: 'seed' }),
};
const skip = ['latentDim', 'seed'];

describe('optionFlags', () => {
  it('lists a flag per option with its help, default and choices, skipping the common and structured ones', () => {
    expect(optionFlags(schema, skip)).toEqual([
      {
        flags: '--penalty <name>',
        description: 'the penalty',
        defaultText: 'kl',
        choices: ['kl', 'l1'],
      },
      {
        flags: '--rho <number>',
        description: 'the target activation ρ (only with penalty kl)',
        defaultText: '0.05',
      },
      {
        flags: '--lambda <number>',
        description: 'the weight λ',
        defaultText: '3 with penalty kl, 0.01 with l1',
      },
      { flags: '--widths <list>', description: 'widths', defaultText: '400' },
      { flags: '--samples <n>', description: 'draws', defaultText: '1' },
      { flags: '--tied', description: 'tied weights' },
    ]);
  });
});

describe('parseOptionFlags', () => {
  it('converts the given flags to config fields and leaves the others out', () => {
    expect(
      parseOptionFlags(
        'train',
        schema,
        { penalty: 'l1', lambda: '0.5', widths: '64,32', tied: true },
        skip,
      ),
    ).toEqual({ penalty: 'l1', lambda: 0.5, widths: [64, 32], tiedWeights: true });
    expect(parseOptionFlags('train', schema, {}, skip)).toEqual({});
  });

  it('names the flag in errors and shows the text as typed', () => {
    expect(() => parseOptionFlags('train', schema, { rho: '2' }, skip)).toThrow(
      "aekit train: '--rho' must be a finite number in (0, 1), got 2.",
    );
    expect(() => parseOptionFlags('train', schema, { samples: 'many' }, skip)).toThrow(
      'aekit train: \'--samples\' must be a positive integer, got "many".',
    );
    expect(() => parseOptionFlags('train', schema, { widths: '64,x' }, skip)).toThrow(
      'aekit train: \'--widths\' must be a non-empty array of positive integers, got "64,x".',
    );
    expect(() => parseOptionFlags('train', schema, { widths: '64,0' }, skip)).toThrow(
      'aekit train: \'--widths\' must be a non-empty array of positive integers, got "64,0".',
    );
    expect(() => parseOptionFlags('train', schema, { penalty: 'l2' }, skip)).toThrow(
      "aekit train: '--penalty' must be one of 'kl', 'l1', got \"l2\".",
    );
  });
});

describe('checkFlagsUsed', () => {
  it('refuses a flag given where its option is not used, and accepts it where it is', () => {
    const l1 = resolveOptions('createThing', schema, { latentDim: 2, penalty: 'l1' });
    expect(() => checkFlagsUsed('train', schema, { rho: '0.1' }, l1)).toThrow(
      'aekit train: \'--rho\' must be left out unless penalty kl, got "0.1".',
    );
    expect(() => checkFlagsUsed('train', schema, {}, l1)).not.toThrow();
    const kl = resolveOptions('createThing', schema, { latentDim: 2 });
    expect(() => checkFlagsUsed('train', schema, { rho: '0.1' }, kl)).not.toThrow();
  });
});
