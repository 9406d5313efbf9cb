import { describe, expect, it } from 'vitest';
import type { Autoencoder, AutoencoderConfig } from './autoencoder';
import {
  type AutoencoderFamily,
  familyExtras,
  findAutoencoderFamily,
  registerAutoencoderFamily,
  registeredAutoencoderFamilies,
} from './families';

function family(name: string, version = '1.0.0'): AutoencoderFamily {
  return {
    name,
    packageName: `@example/${name}`,
    version,
    create: (config: AutoencoderConfig) => ({ config }) as unknown as Autoencoder,
  };
}

describe('autoencoder family registry', () => {
  it('finds a registered family by name, and lists names sorted', () => {
    registerAutoencoderFamily(family('zeta-test'));
    registerAutoencoderFamily(family('alpha-test'));
    expect(findAutoencoderFamily('zeta-test')?.packageName).toBe('@example/zeta-test');
    expect(findAutoencoderFamily('missing-test')).toBeUndefined();
    const names = registeredAutoencoderFamilies();
    expect(names.indexOf('alpha-test')).toBeLessThan(names.indexOf('zeta-test'));
  });

  it('replaces an earlier registration of the same name', () => {
    registerAutoencoderFamily(family('again-test', '1.0.0'));
    registerAutoencoderFamily(family('again-test', '2.0.0'));
    expect(findAutoencoderFamily('again-test')?.version).toBe('2.0.0');
  });

  it('is one registry per process, shared through a global symbol by every copy', () => {
    registerAutoencoderFamily(family('shared-test'));
    const shared = (globalThis as Record<symbol, unknown>)[
      Symbol.for('@aekit/core.autoencoder-families')
    ] as Map<string, AutoencoderFamily>;
    expect(shared.get('shared-test')?.name).toBe('shared-test');
  });

  it('rejects a malformed family by name', () => {
    expect(() =>
      registerAutoencoderFamily({
        name: '',
        packageName: 'x',
        version: '1',
        create: () => {},
      } as never),
    ).toThrow(
      /^registerAutoencoderFamily: 'family' must be an object \{ name, packageName, version, create\(config\) \} with a non-empty name, got /,
    );
  });

  it('keeps the extras a family declares, in order, and none for one without', () => {
    registerAutoencoderFamily({ ...family('extras-test'), extras: ['samples', 'filters'] });
    registerAutoencoderFamily(family('plain-test'));
    expect(familyExtras('extras-test')).toEqual(['samples', 'filters']);
    expect(familyExtras('plain-test')).toEqual([]);
    expect(familyExtras('missing-test')).toEqual([]);
  });

  it('rejects extras that no front end knows', () => {
    const bad = { ...family('bad-extras-test'), extras: ['samples', 'hologram'] };
    expect(() => registerAutoencoderFamily(bad as unknown as AutoencoderFamily)).toThrow(
      /registerAutoencoderFamily: 'family\.extras' must be a list of 'samples', .*'classifier', got \["samples", "hologram"\]\./,
    );
    const notList = { ...family('bad-extras-test'), extras: 'samples' };
    expect(() => registerAutoencoderFamily(notList as unknown as AutoencoderFamily)).toThrow(
      /'family\.extras'/,
    );
    expect(findAutoencoderFamily('bad-extras-test')).toBeUndefined();
  });

  it('keeps the description a family gives front ends: lecture, notes, starting values, resolver', () => {
    const resolveConfig = (config: Readonly<Record<string, unknown>>) =>
      ({ family: 'described-test', ...config }) as AutoencoderConfig;
    registerAutoencoderFamily({
      ...family('described-test'),
      lecture: 'One paragraph.',
      notes: { filters: 'Strokes.', latent: 'Clusters.' },
      startingValues: { latentDim: 32 },
      resolveConfig,
    });
    const found = findAutoencoderFamily('described-test');
    expect(found?.notes).toEqual({ filters: 'Strokes.', latent: 'Clusters.' });
    expect(found?.lecture).toBe('One paragraph.');
    expect(found?.startingValues).toEqual({ latentDim: 32 });
    expect(found?.resolveConfig).toBe(resolveConfig);
  });

  it('rejects a malformed description field, naming it', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'notes',
        { notes: { hologram: 'x' } },
        /'family\.notes' must be an object of strings keyed by 'reconstructions', 'latent', 'samples', .*got \{"hologram":"x"\}/,
      ],
      ['notes', { notes: { filters: 3 } }, /'family\.notes' must be/],
      ['lecture', { lecture: 7 }, /'family\.lecture' must be a string, got 7\./],
      ['startingValues', { startingValues: [1] }, /'family\.startingValues' must be an object/],
      ['resolveConfig', { resolveConfig: 'resolve' }, /'family\.resolveConfig' must be a function/],
      ['options', { options: 'latentDim' }, /'family\.options' must be an option schema/],
    ];
    for (const [field, extra, message] of cases) {
      const bad = { ...family('bad-description-test'), ...extra };
      expect(() => registerAutoencoderFamily(bad as unknown as AutoencoderFamily), field).toThrow(
        message,
      );
    }
    expect(findAutoencoderFamily('bad-description-test')).toBeUndefined();
  });
});
