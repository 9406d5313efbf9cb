import { AekitError, InvalidArgumentError } from '@aekit/core';
import type { FamilyAdapter } from '../family-contract';
import { commandName } from '../flags';
import { aeAdapter } from './ae';
import { contractiveAdapter } from './contractive';
import { denoisingAdapter } from './denoising';
import { sparseAdapter } from './sparse';
import { stackedAdapter } from './stacked';
import { vaeAdapter } from './vae';

/**
 * The families the `aekit` command knows, in `--help` order. Adding a family: write its
 * adapter (see `FamilyAdapter`) beside `vae.ts` and list it here; a family of encoder and
 * decoder MLPs uses `mlpFamilyAdapter` (see `ae.ts`).
 */
export const familyAdapters: readonly FamilyAdapter[] = [
  vaeAdapter,
  aeAdapter,
  denoisingAdapter,
  sparseAdapter,
  contractiveAdapter,
  stackedAdapter,
];

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
