import { access, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { AekitError, type AutoencoderConfig, InvalidArgumentError } from '@aekit/core';
import { checkpointFileName, configFileName, type History } from '@aekit/train';
import type { DataSpec, PictureShape } from './data-source';
import type { FamilySettings } from './family-contract';
import { commandName } from './flags';

/**
 * A run folder, as `aekit train` writes it:
 *
 * ```
 * run.json            how the run was made: family, data, settings, training options
 * model/              the trained model (config.json, weights.safetensors), written at the end
 * checkpoints/        checkpoint.safetensors after every epoch (what --resume continues)
 * history.json        the loss of every term per epoch, train and test
 * report.html         the report, one self-contained page
 * ```
 */
export const runFiles = {
  run: 'run.json',
  model: 'model',
  checkpoints: 'checkpoints',
  history: 'history.json',
  report: 'report.html',
} as const;

/** The contents of `run.json`. */
export interface RunRecord {
  readonly format: 'aekit-run';
  readonly formatVersion: 1;
  readonly family: string;
  readonly data: {
    readonly spec: DataSpec;
    readonly text: string;
    readonly title: string;
    readonly imageShape: PictureShape | null;
    readonly classNames: readonly string[] | null;
    readonly notes: readonly string[];
    readonly trainSize: number;
    readonly testSize: number;
  };
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly seed: number;
    readonly backend: string;
  };
  /** `--latent` and `--hidden` as given (`null` when left to the family's default). */
  readonly shape: { readonly latent: number | null; readonly hidden: readonly number[] | null };
  /** The family adapter's parsed flags. */
  readonly settings: FamilySettings;
  /** The model's complete configuration: resuming rebuilds exactly this model. */
  readonly modelConfig: AutoencoderConfig;
  /** When the run started (ISO 8601). */
  readonly created: string;
  readonly versions: Readonly<Record<string, string>>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Writes `text` to `path` atomically: a temporary file renamed into place. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

export async function writeRunRecord(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(dir, runFiles.run), `${JSON.stringify(record, null, 2)}\n`);
}

export async function writeHistory(dir: string, history: History): Promise<void> {
  // NaN (a term missing in an epoch) is not JSON: written as null.
  await writeFileAtomic(join(dir, runFiles.history), `${JSON.stringify(history, null, 2)}\n`);
}

export async function readHistory(dir: string): Promise<History | null> {
  const path = join(dir, runFiles.history);
  if (!(await exists(path))) return null;
  const history = JSON.parse(await readFile(path, 'utf8')) as History;
  const revive = (record: Record<string, (number | null)[]> | undefined) => {
    if (record === undefined) return;
    for (const series of Object.values(record)) {
      series.forEach((value, index) => {
        if (value === null) series[index] = Number.NaN;
      });
    }
  };
  revive(history.train as Record<string, (number | null)[]>);
  revive(history.validation as Record<string, (number | null)[]> | undefined);
  return history;
}

async function readRunRecord(command: string, dir: string): Promise<RunRecord> {
  const path = join(dir, runFiles.run);
  let record: RunRecord;
  try {
    record = JSON.parse(await readFile(path, 'utf8')) as RunRecord;
  } catch (error) {
    throw new AekitError(
      `${commandName(command)}: cannot read ${path}: ${(error as Error).message}`,
    );
  }
  if (record?.format !== 'aekit-run' || record.formatVersion !== 1) {
    throw new AekitError(
      `${commandName(command)}: ${path} is not an aekit run record (format 'aekit-run', version 1).`,
    );
  }
  return record;
}

/** Absolute `path`, relative ones starting at `cwd`. */
export function absolutePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** A trained model located from `--model`: a run folder or a bare model folder. */
export interface LocatedModel {
  /** The run folder, or `null` for a bare model folder. */
  readonly runDir: string | null;
  /** The folder holding `config.json` and `weights.safetensors`. */
  readonly modelDir: string;
  /** `run.json`, when there is a run folder. */
  readonly run: RunRecord | null;
}

/**
 * Finds the model `--model` names: a run folder (with `run.json` and `model/`), the `model/`
 * folder inside one, or any folder `saveModel` wrote.
 */
export async function locateModel(
  command: string,
  cwd: string,
  given: unknown,
): Promise<LocatedModel> {
  if (typeof given !== 'string' || given === '') {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--model',
      rule: 'a run folder or a model folder',
      value: given,
    });
  }
  const dir = absolutePath(cwd, given);
  if (await exists(join(dir, runFiles.run))) {
    const run = await readRunRecord(command, dir);
    const modelDir = join(dir, runFiles.model);
    if (!(await exists(join(modelDir, configFileName)))) {
      throw new AekitError(
        `${commandName(command)}: the run in ${dir} has no trained model yet (training did not finish). Continue it with: aekit train --resume ${given}`,
      );
    }
    return { runDir: dir, modelDir, run };
  }
  if (await exists(join(dir, configFileName))) {
    const parent = resolve(dir, '..');
    const inRun =
      resolve(dir) === join(parent, runFiles.model) && (await exists(join(parent, runFiles.run)));
    return inRun
      ? { runDir: parent, modelDir: dir, run: await readRunRecord(command, parent) }
      : { runDir: null, modelDir: dir, run: null };
  }
  throw new InvalidArgumentError({
    functionName: commandName(command),
    argument: '--model',
    rule: `a run folder (with ${runFiles.run}) or a model folder (with ${configFileName})`,
    value: given,
    hint: (await exists(dir)) ? undefined : `There is no folder ${dir}.`,
  });
}

/**
 * The run record of a run folder to resume, checking that it has a checkpoint; `checkRun`
 * may refuse the run first (e.g. a family that cannot resume).
 */
export async function locateResume(
  command: string,
  cwd: string,
  given: string,
  checkRun: (run: RunRecord) => void = () => undefined,
): Promise<{ dir: string; run: RunRecord }> {
  const dir = absolutePath(cwd, given);
  if (!(await exists(join(dir, runFiles.run)))) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--resume',
      rule: `a run folder of aekit train (with ${runFiles.run})`,
      value: given,
      hint: (await exists(dir)) ? undefined : `There is no folder ${dir}.`,
    });
  }
  const run = await readRunRecord(command, dir);
  checkRun(run);
  if (!(await exists(join(dir, runFiles.checkpoints, checkpointFileName)))) {
    throw new AekitError(
      `${commandName(command)}: the run in ${dir} has no checkpoint yet (it stopped before its first epoch ended); start it again without --resume.`,
    );
  }
  return { dir, run };
}

/** Checks that a new run may use folder `dir`: it must not exist, or be empty. */
export async function checkRunFolderIsFree(
  command: string,
  dir: string,
  given: string,
): Promise<void> {
  if (await exists(dir)) {
    const entries = await readdir(dir).catch(() => null);
    if (entries === null) {
      throw new InvalidArgumentError({
        functionName: commandName(command),
        argument: '--out',
        rule: 'a new or empty folder',
        value: given,
        hint: `${dir} is not a folder.`,
      });
    }
    if (entries.length > 0) {
      const isRun = entries.includes(runFiles.run);
      throw new InvalidArgumentError({
        functionName: commandName(command),
        argument: '--out',
        rule: 'a new or empty folder',
        value: given,
        hint: isRun
          ? `It holds a run: continue it with --resume ${given}, or choose another folder.`
          : 'Choose another folder.',
      });
    }
  }
}

/** `runs/<family>-<data>-<YYYYMMDD-HHMMSS>`: the default `--out`. */
export function defaultRunName(family: string, spec: DataSpec, now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return join('runs', `${family}-${spec.kind}-${stamp}`);
}
