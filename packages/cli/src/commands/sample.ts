import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { AekitError, familyExtras, InvalidArgumentError } from '@aekit/core';
import { initBackend } from '@aekit/runtime-wasm';
import { pictureChannels } from '../data-source';
import { choiceFlag, commandName, integerFlag, positiveIntegerFlag } from '../flags';
import { type CliIo, Output } from '../io';
import { generative } from '../report/generative-sections';
import { imageGridPng } from '../report/image-grid';
import { absolutePath } from '../run-folder';
import { openModel } from './open-model';
import { backendNames } from './train';

/** The most examples one grid holds. */
const maxSamples = 10_000;

/** A label from `--label`: a class number, or a class name of the run's data. */
function parseLabel(
  command: string,
  raw: unknown,
  classNames: readonly string[] | null,
): number | undefined {
  if (raw === undefined) return undefined;
  const byName = classNames?.indexOf(String(raw)) ?? -1;
  if (byName >= 0 && !/^\d+$/.test(String(raw))) return byName;
  return integerFlag(command, '--label', raw, {
    min: 0,
    ...(classNames === null ? {} : { max: classNames.length - 1 }),
  });
}

/** `aekit sample`: draws new examples from a generative model into a PNG grid. */
export async function sampleCommand(
  flags: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<number> {
  const command = 'sample';
  const output = new Output(io, flags.json === true);
  const backend = choiceFlag(command, '--backend', flags.backend, backendNames);
  const n = integerFlag(command, '--n', flags.n, { min: 1, max: maxSamples });
  const seed = integerFlag(command, '--seed', flags.seed, { min: 0, max: 0xffffffff });
  const columns =
    flags.columns === undefined
      ? Math.ceil(Math.sqrt(n))
      : positiveIntegerFlag(command, '--columns', flags.columns);
  if (typeof flags.out !== 'string' || extname(flags.out).toLowerCase() !== '.png') {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--out',
      rule: 'a file name ending in .png',
      value: flags.out,
    });
  }
  const out = absolutePath(io.cwd, flags.out);
  await initBackend({ backend });
  const opened = await openModel(command, io, flags.model);
  try {
    const { adapter, model, located } = opened;
    if (!familyExtras(model.config.family).includes('samples')) {
      throw new AekitError(
        `${commandName(command)}: a '${adapter.name}' model cannot generate new examples (it has no prior to sample from); try aekit report for its reconstructions.`,
      );
    }
    const classNames = located.run?.data.classNames ?? null;
    const label = parseLabel(command, flags.label, classNames);
    if (label !== undefined && !adapter.needsLabels(model)) {
      throw new InvalidArgumentError({
        functionName: commandName(command),
        argument: '--label',
        rule: 'left out for a model that is not conditional (train with --conditional to ask for a class)',
        value: flags.label,
      });
    }
    const imageShape =
      located.run?.data.imageShape ??
      (Number.isInteger(Math.sqrt(model.config.inputDim))
        ? ([Math.sqrt(model.config.inputDim), Math.sqrt(model.config.inputDim)] as const)
        : null);
    if (imageShape === null) {
      throw new AekitError(
        `${commandName(command)}: the model's examples (${model.config.inputDim} values) are not images, so they cannot be drawn as a PNG; use the library's sample() for the values.`,
      );
    }
    const samples =
      adapter.sample?.(model, n, { seed, ...(label === undefined ? {} : { label }) }) ??
      generative(model).sample(n, { seed });
    let values: Float32Array;
    try {
      values = samples.dataSync() as Float32Array;
    } finally {
      samples.dispose();
    }
    const png = imageGridPng(values, n, {
      imageHeight: imageShape[0],
      imageWidth: imageShape[1],
      channels: pictureChannels(imageShape) as 1 | 3,
      columns,
      scale: 2,
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, png);
    const what =
      label === undefined ? '' : ` of class ${label}${classNames ? ` (${classNames[label]})` : ''}`;
    output.line(`Wrote ${n} samples${what} from the prior, seed ${seed}, to ${flags.out}.`);
    output.result({ out, n, label: label ?? null, seed, model: located.modelDir });
    return 0;
  } finally {
    opened.model.dispose();
  }
}
