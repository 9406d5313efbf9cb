// The families this build of the page offers, in the order of the picker: the descriptions of
// the family packages the demo depends on, from their `./options` entries (no TensorFlow.js on
// the page; the worker imports the packages themselves, see worker/installed-families.ts).
// Adding a family of encoder and decoder MLPs: its package as a dependency of the demo, its
// description here and its package's import there; its panel is derived (see families.ts).

import { aeFamilyDescription } from '@aekit/ae/options';
import { contractiveFamilyDescription } from '@aekit/contractive/options';
import type { AutoencoderFamilyDescription } from '@aekit/core/options';
import { denoisingFamilyDescription } from '@aekit/denoising/options';
import { sparseFamilyDescription } from '@aekit/sparse/options';
import {
  stackedAeOptions,
  stackedFamilyName,
  stackedFamilySummary,
  stackedFamilyTitle,
} from '@aekit/stacked/options';
import { vaeFamilyDescription } from '@aekit/vae/options';

export const installedFamilies: readonly AutoencoderFamilyDescription[] = [
  aeFamilyDescription,
  denoisingFamilyDescription,
  sparseFamilyDescription,
  contractiveFamilyDescription,
  {
    name: stackedFamilyName,
    title: stackedFamilyTitle,
    summary: stackedFamilySummary,
    options: stackedAeOptions,
  },
  vaeFamilyDescription,
] as readonly AutoencoderFamilyDescription[];
