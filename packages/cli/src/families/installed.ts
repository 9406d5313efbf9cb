import { aeFamily } from '@aekit/ae';
import { contractiveFamily } from '@aekit/contractive';
import type { AutoencoderFamily } from '@aekit/core';
import { denoisingFamily } from '@aekit/denoising';
import { sparseFamily } from '@aekit/sparse';
import { stackedFamily } from '@aekit/stacked';
import { vaeFamily } from '@aekit/vae';

/**
 * The families the `aekit` command offers, in `--help` order: the registry entries of the
 * family packages it depends on (importing a package registers its family, so its saved models
 * load). Adding a family of encoder and decoder MLPs: add its package to the command's
 * dependencies and its entry here; its flags, help, notes and factory come from the entry.
 */
export const installedFamilies: readonly AutoencoderFamily[] = [
  vaeFamily,
  aeFamily,
  denoisingFamily,
  sparseFamily,
  contractiveFamily,
  stackedFamily,
] as readonly AutoencoderFamily[];
