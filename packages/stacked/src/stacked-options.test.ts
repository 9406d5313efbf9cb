import { findAutoencoderFamily, InvalidArgumentError, optionDefault } from '@aekit/core';
import { resolveDenoisingAeConfig } from '@aekit/denoising';
import { itRejectsConfigs } from '@aekit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  resolveStackedAeConfig,
  stackedAeConfigOptions,
  stackedAeOptions,
  stackedFamily,
  stageFamilies,
} from './index';

describe('stackedAeOptions', () => {
  it('holds the defaults resolveStackedAeConfig fills in', () => {
    const resolved = resolveStackedAeConfig({ inputDim: 12 });
    const latentDims = optionDefault(stackedAeOptions.latentDims, {});
    const stageFamily = optionDefault(stackedAeOptions.stageFamily, {});
    expect(latentDims).toEqual([256, 128]);
    expect(stageFamily).toBe('denoising');
    expect(resolved.latentDims).toEqual(latentDims);
    expect(resolved.stages.map((stage) => stage.family)).toEqual(['denoising', 'denoising']);
    expect(resolved.seed).toBe(optionDefault(stackedAeOptions.seed, {}));
    // Each stage is its family's defaults on the widths below it.
    expect(resolved.stages[1]).toEqual(
      resolveDenoisingAeConfig({
        inputDim: 256,
        latentDim: 128,
        seed: resolved.stages[1]?.seed as number,
      }),
    );
  });

  it('builds from latentDims and stageFamily the stack the same layers describe', () => {
    const short = resolveStackedAeConfig({
      inputDim: 12,
      latentDims: [8, 4],
      stageFamily: 'sparse',
      seed: 7,
    });
    const long = resolveStackedAeConfig({
      inputDim: 12,
      layers: [
        { latentDim: 8, family: 'sparse' },
        { latentDim: 4, family: 'sparse' },
      ],
      seed: 7,
    });
    expect(short).toEqual(long);
    expect(short.latentDims).toEqual([8, 4]);
  });

  it('offers every stage family, with a label for people', () => {
    expect(stackedAeOptions.stageFamily.values).toEqual(stageFamilies);
    for (const family of stageFamilies) {
      expect(stackedAeOptions.stageFamily.labels?.[family]).toMatch(/autoencoder$/i);
    }
    // The command's flag names are part of the schema.
    expect(stackedAeOptions.latentDims.flag).toBe('layers');
    expect(stackedAeOptions.stageFamily.flag).toBe('layer-family');
  });

  it('is what the registered family carries, with its title and summary', () => {
    expect(findAutoencoderFamily('stacked')).toBe(stackedFamily);
    expect(stackedFamily.options).toBe(stackedAeConfigOptions);
    expect(Object.keys(stackedAeConfigOptions)).toEqual([
      ...Object.keys(stackedAeOptions),
      'layers',
    ]);
    expect(stackedFamily.title).toBe('Stacked autoencoder');
    expect(stackedFamily.summary).toMatch(/^stacked autoencoder: stages pretrained/);
  });

  itRejectsConfigs(
    resolveStackedAeConfig,
    InvalidArgumentError.isInstance,
    [
      [
        'a zero width',
        { inputDim: 12, latentDims: [8, 0] },
        "createStackedAe: 'latentDims' must be a non-empty array of positive integers, got [8, 0].",
      ],
      [
        'no widths',
        { inputDim: 12, latentDims: [] },
        "createStackedAe: 'latentDims' must be a non-empty array of positive integers, got [].",
      ],
      [
        'an unknown stage family',
        { inputDim: 12, stageFamily: 'pca' },
        `createStackedAe: 'stageFamily' must be one of 'ae', 'denoising', 'sparse', 'contractive', got "pca".`,
      ],
      [
        'widths beside layers',
        { inputDim: 12, latentDims: [8], layers: [{ latentDim: 8, family: 'ae' }] },
        "createStackedAe: 'latentDims' must be left out when 'layers' is given (each layer has its own latentDim and family), got [8].",
      ],
      [
        'a stage family beside layers',
        { inputDim: 12, stageFamily: 'ae', layers: [{ latentDim: 8, family: 'ae' }] },
        `createStackedAe: 'stageFamily' must be left out when 'layers' is given (each layer has its own latentDim and family), got "ae".`,
      ],
    ],
    'rejects %s',
  );
});
