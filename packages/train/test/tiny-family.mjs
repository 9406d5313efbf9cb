// Registers the tiny test family on import: what a worker thread of data-parallel training
// imports (options.parallel.modules) to rebuild the model.
import { registerAutoencoderFamily } from '@aekit/core';
import { tinyFamily } from './tiny-autoencoder.mjs';

registerAutoencoderFamily(tinyFamily);
