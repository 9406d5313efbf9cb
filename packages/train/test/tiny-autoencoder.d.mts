import type { Autoencoder, AutoencoderConfig, AutoencoderFamily } from '@aekit/core';
import type { Tensor2D } from '@tensorflow/tfjs-core';

export interface TinyConfig extends AutoencoderConfig {
  readonly hiddenDim: number;
  readonly seed: number;
  readonly tied: boolean;
  readonly dropout: number;
}

export declare const tinyFamilyName: 'tiny-test';
export declare function createTinyAutoencoder(options: {
  inputDim: number;
  hiddenDim: number;
  seed: number;
  tied?: boolean;
  dropout?: number;
}): Autoencoder<TinyConfig>;
export declare const tinyFamily: AutoencoderFamily<TinyConfig>;
export declare function tinyData(rows: number, inputDim: number, seed?: number): Tensor2D;
