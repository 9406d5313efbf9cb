/**
 * The legacy-model fixtures: one tiny model per family, saved by aekit before the configs
 * shared one vocabulary (`codeDim`, `hiddenDim`, `units`, the VAE's `hidden` and `activation`),
 * and the input their `reconstruct` outputs were stored for. Shared by the script that wrote
 * them (`make-legacy-models.ts`) and the test that loads them (`legacy-models.test.ts`).
 */

import { fileURLToPath } from 'node:url';

/** The folder holding one model folder per entry of `legacyModels`, and `outputs.json`. */
export const legacyModelsFolder = fileURLToPath(new URL('./saved/', import.meta.url));

/** The model folders, by name: the family and (for the VAE) whether it is conditional. */
export const legacyModelNames = [
  'ae',
  'denoising',
  'sparse-kl',
  'contractive',
  'stacked',
  'vae',
  'vae-conditional',
] as const;

export type LegacyModelName = (typeof legacyModelNames)[number];

/** Rows and features of the fixed input. */
export const inputShape: [number, number] = [3, 6];

/** The fixed input `[3, 6]`, values in [0, 1]: row-major. */
export const inputValues: number[] = Array.from(
  { length: inputShape[0] * inputShape[1] },
  (_, index) => ((index * 7) % 11) / 10,
);

/** The class labels of the input's rows, for the conditional VAE. */
export const inputLabels: number[] = [0, 2, 1];

/** What `outputs.json` holds: per backend, per model, `reconstruct(input)` row-major. */
export type LegacyOutputs = Record<string, Record<LegacyModelName, number[]>>;
