import { AekitError, type AutoencoderFamily, findAutoencoderFamily } from '@aekit/core';
import { denoisingAdapter } from './denoising';
import { type MlpFamilyAdapter, mlpFamilyAdapter, registeredMlpSpec } from './mlp-families';

/** The MLP families whose adapter needs code of its own (flags no option schema describes). */
const ownAdapters: readonly MlpFamilyAdapter[] = [denoisingAdapter];

const made = new Map<string, MlpFamilyAdapter>();

/**
 * The adapter of an MLP family (one built on `@aekit/ae`'s encoder and decoder MLPs): its own
 * adapter where it has one (see `ownAdapters`), otherwise `mlpFamilyAdapter` fed from its
 * registry entry. One adapter per family name.
 */
export function mlpAdapterFor(family: AutoencoderFamily): MlpFamilyAdapter {
  const own = ownAdapters.find((adapter) => adapter.name === family.name);
  if (own !== undefined) return own;
  let adapter = made.get(family.name);
  if (adapter === undefined) {
    adapter = mlpFamilyAdapter(registeredMlpSpec(family));
    made.set(family.name, adapter);
  }
  return adapter;
}

/** The adapter of the registered MLP family `name` (its package must have been imported). */
export function mlpAdapterNamed(name: string): MlpFamilyAdapter {
  const family = findAutoencoderFamily(name);
  if (family === undefined) {
    throw new AekitError(
      `aekit: no family '${name}' is registered; import its package (see families/installed.ts).`,
    );
  }
  return mlpAdapterFor(family);
}
