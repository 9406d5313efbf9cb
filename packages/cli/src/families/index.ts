import { AekitError, InvalidArgumentError } from '@aekit/core';
import type { FamilyAdapter } from '../family-contract';
import { commandName } from '../flags';
import { installedFamilies } from './installed';
import { mlpAdapterFor } from './mlp-adapters';
import { stackedAdapter } from './stacked';
import { vaeAdapter } from './vae';

/** The families that are not MLP families, with adapters of their own. */
const ownAdapters: readonly FamilyAdapter[] = [vaeAdapter, stackedAdapter];

/**
 * The families the `aekit` command knows, in `--help` order (see `installedFamilies`): a
 * family with an adapter of its own (see `FamilyAdapter`) gets it, every other one is an MLP
 * family whose adapter its registry entry feeds (see `mlpAdapterFor`).
 */
export const familyAdapters: readonly FamilyAdapter[] = installedFamilies.map(
  (family) => ownAdapters.find((adapter) => adapter.name === family.name) ?? mlpAdapterFor(family),
);

/** The adapter of `--family <name>`. */
export function adapterForFlag(command: string, name: unknown): FamilyAdapter {
  const adapter = familyAdapters.find((candidate) => candidate.name === name);
  if (adapter === undefined) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--family',
      rule: `one of ${familyAdapters.map((candidate) => `'${candidate.name}'`).join(', ')}`,
      value: name,
    });
  }
  return adapter;
}

/** The adapter of a saved model's family. */
export function adapterForModel(command: string, family: string): FamilyAdapter {
  const adapter = familyAdapters.find((candidate) => candidate.name === family);
  if (adapter === undefined) {
    throw new AekitError(
      `${commandName(command)}: the model is of the family '${family}', which the aekit command does not know (it knows ${familyAdapters.map((candidate) => `'${candidate.name}'`).join(', ')}).`,
    );
  }
  return adapter;
}
