import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AekitError, type Autoencoder, InvalidArgumentError } from '@aekit/core';
import { configFileName, loadModel, type SavedModelConfig } from '@aekit/train';
import { version as cliVersion } from '../../package.json';
import { type LoadedData, loadData, parseDataSpec } from '../data-source';
import { adapterForModel } from '../families';
import type { FamilyAdapter } from '../family-contract';
import { commandName } from '../flags';
import type { CliIo } from '../io';
import { type LocatedModel, locateModel } from '../run-folder';

/** A trained model opened from `--model`, with its adapter and run. */
export interface OpenedModel {
  readonly located: LocatedModel;
  readonly model: Autoencoder;
  readonly adapter: FamilyAdapter;
  /** Package versions that made the model and run the command. */
  readonly versions: Readonly<Record<string, string>>;
}

/**
 * The versions behind a saved model: this command's, and those its `config.json` records
 * (`@aekit/train`, the family's package, tfjs-core).
 */
export async function modelVersions(modelDir: string): Promise<Record<string, string>> {
  const saved = JSON.parse(
    await readFile(join(modelDir, configFileName), 'utf8'),
  ) as SavedModelConfig;
  return { '@aekit/cli': cliVersion, ...(saved.versions ?? {}) };
}

/** Opens the model `--model` names (the caller disposes `model`). */
export async function openModel(command: string, io: CliIo, given: unknown): Promise<OpenedModel> {
  const located = await locateModel(command, io.cwd, given);
  const saved = JSON.parse(
    await readFile(join(located.modelDir, configFileName), 'utf8'),
  ) as SavedModelConfig;
  const adapter = adapterForModel(command, String(saved.family));
  const model = await loadModel(located.modelDir);
  return {
    located,
    model,
    adapter,
    versions: await modelVersions(located.modelDir),
  };
}

/**
 * The data a command measures a model on: `--data` when given, else the run's data. Its
 * examples must have as many values as the model takes.
 */
export async function dataForModel(
  command: string,
  io: CliIo,
  opened: OpenedModel,
  dataFlag: unknown,
  labelColumnFlag: unknown,
): Promise<LoadedData> {
  const run = opened.located.run;
  const labelColumn = typeof labelColumnFlag === 'string' ? labelColumnFlag : null;
  let spec: ReturnType<typeof parseDataSpec>;
  if (dataFlag !== undefined) {
    spec = parseDataSpec(command, dataFlag, io.cwd, labelColumn);
  } else if (run !== null) {
    spec = run.data.spec;
  } else {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--data',
      rule: 'given for a model folder outside a run folder (there is no run.json saying what it was trained on)',
      value: undefined,
    });
  }
  const data = await loadData(command, spec);
  const inputDim = opened.model.config.inputDim;
  if (data.dim !== inputDim) {
    throw new AekitError(
      `${commandName(command)}: the model takes ${inputDim} values per example, but the data (${data.text}) has ${data.dim}.`,
    );
  }
  if (opened.adapter.needsLabels(opened.model) && !data.train.hasLabels) {
    throw new AekitError(
      `${commandName(command)}: the model is conditional: it needs the class labels with each example, but the data (${data.text}) has none.`,
    );
  }
  return data;
}
