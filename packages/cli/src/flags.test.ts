import { describe, expect, it } from 'vitest';
import { choiceFlag, integerFlag, integerListFlag, numberFlag, positiveIntegerFlag } from './flags';

describe('flags', () => {
  it('turns flag text into checked numbers', () => {
    expect(positiveIntegerFlag('train', '--latent', '20')).toBe(20);
    expect(numberFlag('train', '--lr', '1e-3', { min: 0, minExclusive: true })).toBe(0.001);
    expect(integerFlag('sample', '--seed', ' 7 ', { min: 0 })).toBe(7);
    expect(integerListFlag('train', '--hidden', '400,200')).toEqual([400, 200]);
    expect(choiceFlag('train', '--backend', 'cpu', ['wasm', 'cpu'])).toBe('cpu');
  });

  it('names the command and the flag, and shows what was typed', () => {
    expect(() => positiveIntegerFlag('train', '--latent', '0')).toThrow(
      "aekit train: '--latent' must be a positive integer, got 0.",
    );
    expect(() => positiveIntegerFlag('train', '--epochs', '2.5')).toThrow(
      "aekit train: '--epochs' must be a positive integer, got 2.5.",
    );
    expect(() => numberFlag('train', '--lr', 'fast', { min: 0, minExclusive: true })).toThrow(
      `aekit train: '--lr' must be a finite number > 0, got "fast".`,
    );
    expect(() => integerListFlag('train', '--hidden', '400,')).toThrow(
      `aekit train: '--hidden' must be a non-empty array of positive integers, got "400,".`,
    );
    expect(() => choiceFlag('eval', '--backend', 'gpu', ['wasm', 'cpu'])).toThrow(
      `aekit eval: '--backend' must be one of 'wasm', 'cpu', got "gpu".`,
    );
  });
});
