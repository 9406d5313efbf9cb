import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import {
  AekitError,
  type Autoencoder,
  findAutoencoderFamily,
  InvalidArgumentError,
} from '@aekit/core';
import { initBackend } from '@aekit/runtime-wasm';
import { type FitCallbacks, fit, type History, saveModel } from '@aekit/train';
import { version_core as tfjsVersion } from '@tensorflow/tfjs-core';
import { version as cliVersion } from '../../package.json';
import { type LoadedData, loadData, parseDataSpec, pictureChannels } from '../data-source';
import { adapterForFlag, familyAdapters } from '../families';
import type { FamilyAdapter, FamilyTrainResult } from '../family-contract';
import {
  choiceFlag,
  commandName,
  flagKey,
  integerFlag,
  integerListFlag,
  numberFlag,
  positiveIntegerFlag,
} from '../flags';
import { type CliIo, formatLoss, formatSeconds, Output, textTable } from '../io';
import { EpochProgress } from '../progress';
import { buildReport } from '../report/build-report';
import {
  absolutePath,
  checkRunFolderIsFree,
  defaultRunName,
  locateResume,
  type RunRecord,
  runFiles,
  writeHistory,
  writeRunRecord,
} from '../run-folder';
import { modelVersions } from './open-model';

export const backendNames = ['wasm', 'cpu'] as const;

/** The values of `aekit train`'s flags, as commander parsed them (strings, or true). */
export type TrainFlags = Readonly<Record<string, unknown>>;

/** Where each flag's value came from: `'cli'` when the user typed it. */
export type FlagSource = (key: string) => string | undefined;

/** `{ '@aekit/vae': '0.1.0' }`: the package and version of a registered family. */
function familyVersion(family: string): Record<string, string> {
  const registered = findAutoencoderFamily(family);
  return registered === undefined ? {} : { [registered.packageName]: registered.version };
}

/** Flags that may accompany `--resume` (the run fixes the others). */
const resumeFlags = new Set(['resume', 'epochs', 'backend', 'json']);

/** The loss of a split as `{ loss, ...terms }` (the trainer calls the total `total`). */
function lossObject(values: Record<string, number[]> | undefined): Record<string, number> {
  if (values === undefined) return {};
  const last = (name: string) => {
    const series = values[name]!;
    return series[series.length - 1]!;
  };
  const result: Record<string, number> = { loss: last('total') };
  for (const name of Object.keys(values)) if (name !== 'total') result[name] = last(name);
  return result;
}

function finalTable(history: History): string {
  const terms = Object.keys(history.train);
  const header = ['', ...terms.map((term) => (term === 'total' ? 'loss' : term))];
  const row = (name: string, values: Record<string, number[]> | undefined) => [
    name,
    ...terms.map((term) => formatLoss(values?.[term]?.[values[term]!.length - 1])),
  ];
  const rows = [row('train', history.train)];
  if (history.validation !== undefined) rows.push(row('test', history.validation));
  return textTable(header, rows);
}

/**
 * Checks that flags of other families were not given (`--beta` with `--family ae`), naming
 * every family that has the flag.
 */
function checkForeignFlags(adapter: FamilyAdapter, flags: TrainFlags, source: FlagSource): void {
  const own = new Set(adapter.options.map((option) => option.flags.split(' ')[0]));
  for (const other of familyAdapters) {
    if (other === adapter) continue;
    for (const option of other.options) {
      const flag = option.flags.split(' ')[0]!;
      const key = flagKey(option.flags);
      if (!own.has(flag) && source(key) === 'cli') {
        const owners = familyAdapters
          .filter((family) => family.options.some((each) => each.flags === option.flags))
          .map((family) => family.name);
        throw new InvalidArgumentError({
          functionName: 'aekit train',
          argument: flag,
          rule: `left out with --family ${adapter.name} (it is an option of --family ${owners.join(', ')})`,
          value: flags[key],
        });
      }
    }
  }
}

/** What `aekit train` runs: the family, the run record and folder, the epochs and backend. */
interface TrainPlan {
  readonly adapter: FamilyAdapter;
  readonly run: RunRecord;
  readonly runDir: string;
  readonly epochs: number;
  readonly backend: (typeof backendNames)[number];
  /** `--resume`: the run continues from its checkpoint. */
  readonly resumed: boolean;
}

/** How training went: its history, the family's own summary (phased families), the time. */
interface TrainOutcome {
  readonly history: History;
  readonly familySummary: FamilyTrainResult['summary'] | null;
  readonly seconds: number;
}

const command = 'train';

/** `aekit train`: trains a model, writes the run folder, prints a table or one JSON line. */
export async function trainCommand(
  flags: TrainFlags,
  source: FlagSource,
  io: CliIo,
): Promise<number> {
  const output = new Output(io, flags.json === true);
  const backend = choiceFlag(command, '--backend', flags.backend, backendNames);
  const plan =
    typeof flags.resume === 'string'
      ? await planResumedRun(flags, source, io, backend)
      : await planNewRun(flags, source, io, backend);
  await initBackend({ backend: plan.backend });
  const data = await loadData(command, plan.run.data.spec);
  const { model, run } = await openModel(plan, data);
  try {
    const shown = relative(io.cwd, plan.runDir) || '.';
    announce(output, plan, model, data, shown);
    const outcome = await train(plan, run, model, data, output, io);
    await writeHistory(plan.runDir, outcome.history);
    const interrupted = reportInterruption(output, plan, outcome.history, shown);
    if (interrupted !== null) return interrupted;
    if (outcome.history.epochs.length === 0) {
      throw new AekitError(`${commandName(command)}: no epoch was trained.`);
    }
    const files = await saveResults(output, plan, run, model, data, outcome.history);
    summarize(output, io, plan, model, data, outcome, files);
    return 0;
  } finally {
    model.dispose();
  }
}

/** `--resume <run>`: the run folder and record to continue, with only `--epochs` and `--backend` changed. */
async function planResumedRun(
  flags: TrainFlags,
  source: FlagSource,
  io: CliIo,
  backendFlag: (typeof backendNames)[number],
): Promise<TrainPlan> {
  for (const key of Object.keys(flags)) {
    if (!resumeFlags.has(key) && source(key) === 'cli') {
      const flag = `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
      throw new InvalidArgumentError({
        functionName: commandName(command),
        argument: flag,
        rule: 'left out with --resume (a resumed run keeps its data and settings; only --epochs and --backend may change)',
        value: flags[key],
      });
    }
  }
  const found = await locateResume(command, io.cwd, flags.resume as string, (record) => {
    if (adapterForFlag(command, record.family).train !== undefined) {
      throw new AekitError(
        `${commandName(command)}: a ${record.family} run cannot be resumed (it trains in phases without checkpoints); start it again without --resume.`,
      );
    }
  });
  const { run } = found;
  return {
    adapter: adapterForFlag(command, run.family),
    run,
    runDir: found.dir,
    // A resumed run keeps its backend unless --backend says otherwise.
    backend:
      source('backend') !== 'cli'
        ? choiceFlag(command, '--backend', run.training.backend, backendNames)
        : backendFlag,
    epochs:
      source('epochs') === 'cli'
        ? positiveIntegerFlag(command, '--epochs', flags.epochs)
        : run.training.epochs,
    resumed: true,
  };
}

/** A new run: the flags checked, a free run folder, and the record (completed once the data is loaded). */
async function planNewRun(
  flags: TrainFlags,
  source: FlagSource,
  io: CliIo,
  backend: (typeof backendNames)[number],
): Promise<TrainPlan> {
  const adapter = adapterForFlag(command, flags.family);
  checkForeignFlags(adapter, flags, source);
  const epochs = positiveIntegerFlag(command, '--epochs', flags.epochs);
  const batchSize = positiveIntegerFlag(command, '--batch-size', flags.batchSize);
  const learningRate = numberFlag(command, '--lr', flags.lr, { min: 0, minExclusive: true });
  const seed = integerFlag(command, '--seed', flags.seed, { min: 0, max: 0xffffffff });
  const latent =
    flags.latent === undefined ? null : positiveIntegerFlag(command, '--latent', flags.latent);
  const hidden =
    flags.hidden === undefined ? null : integerListFlag(command, '--hidden', flags.hidden);
  const settings = adapter.parseOptions(flags);
  const spec = parseDataSpec(
    command,
    flags.data,
    io.cwd,
    typeof flags.labelColumn === 'string' ? flags.labelColumn : null,
  );
  const outGiven = typeof flags.out === 'string' ? flags.out : defaultRunName(adapter.name, spec);
  const runDir = absolutePath(io.cwd, outGiven);
  await checkRunFolderIsFree(command, runDir, outGiven);
  const run: RunRecord = {
    format: 'aekit-run',
    formatVersion: 1,
    family: adapter.name,
    // Filled in once the data is loaded.
    data: {
      spec,
      text: '',
      title: '',
      imageShape: null,
      classNames: null,
      notes: [],
      trainSize: 0,
      testSize: 0,
    },
    training: { epochs, batchSize, learningRate, seed, backend },
    shape: { latent, hidden },
    settings,
    modelConfig: { family: adapter.name, inputDim: 0 },
    created: new Date().toISOString(),
    versions: { '@aekit/cli': cliVersion, '@tensorflow/tfjs-core': tfjsVersion },
  };
  return { adapter, run, runDir, epochs, backend, resumed: false };
}

/**
 * The model to train: rebuilt from the run's config on `--resume` (the checkpoint then fills
 * its weights), else built from the settings. Writes `run.json` when it is new or changed.
 */
async function openModel(
  plan: TrainPlan,
  data: LoadedData,
): Promise<{ model: Autoencoder; run: RunRecord }> {
  const { adapter, runDir, epochs, backend } = plan;
  let { run } = plan;
  let model: Autoencoder;
  if (plan.resumed) {
    model = rebuildModel(run);
  } else {
    model = adapter.create(run.settings, {
      inputDim: data.dim,
      latentDim: run.shape.latent ?? undefined,
      hidden: run.shape.hidden ?? undefined,
      numClasses: data.classNames?.length ?? null,
      seed: run.training.seed,
      imageShape:
        data.imageShape === null
          ? null
          : [data.imageShape[0], data.imageShape[1], pictureChannels(data.imageShape)],
    });
    run = {
      ...run,
      data: {
        spec: data.spec,
        text: data.text,
        title: data.title,
        imageShape: data.imageShape,
        classNames: data.classNames,
        notes: data.notes,
        trainSize: data.train.size,
        testSize: data.test.size,
      },
      training: { ...run.training, backend },
      modelConfig: model.config,
      versions: { ...run.versions, ...familyVersion(model.config.family) },
    };
    await mkdir(adapter.train === undefined ? join(runDir, runFiles.checkpoints) : runDir, {
      recursive: true,
    });
    await writeRunRecord(runDir, run);
  }
  if (plan.resumed && (epochs !== run.training.epochs || backend !== run.training.backend)) {
    run = { ...run, training: { ...run.training, epochs, backend } };
    await writeRunRecord(runDir, run);
  }
  return { model, run };
}

/** The run's model rebuilt from `run.json`'s config by its registered family. */
function rebuildModel(run: RunRecord): Autoencoder {
  const family = findAutoencoderFamily(run.modelConfig.family);
  if (family === undefined) {
    throw new AekitError(
      `${commandName(command)}: cannot rebuild the run's model: the family '${run.modelConfig.family}' is not registered.`,
    );
  }
  const rebuilt = family.create(run.modelConfig);
  if (typeof (rebuilt as Partial<Autoencoder>).encode !== 'function') {
    rebuilt.dispose();
    throw new AekitError(
      `${commandName(command)}: the run's model (family '${run.modelConfig.family}') is not an autoencoder.`,
    );
  }
  return rebuilt as Autoencoder;
}

function stepsPerEpoch(run: RunRecord, data: LoadedData): number {
  return Math.ceil(data.train.size / run.training.batchSize);
}

/** The first lines: what trains on what, and where the run folder is. */
function announce(
  output: Output,
  plan: TrainPlan,
  model: Autoencoder,
  data: LoadedData,
  shown: string,
): void {
  const { adapter, epochs, backend } = plan;
  const steps = stepsPerEpoch(plan.run, data);
  output.line(
    `${plan.resumed ? 'Resuming' : 'Training'} ${adapter.title.toLowerCase()} (${model.config.family}) on ${data.title}: ${data.train.size.toLocaleString('en')} train / ${data.test.size.toLocaleString('en')} test examples, ${adapter.train === undefined ? `${epochs} epoch${epochs === 1 ? '' : 's'} of ${steps} steps` : `${steps} steps per epoch`}, on ${backend}.`,
  );
  output.line(`Run folder: ${shown}`);
}

/**
 * Trains: with the family's own phases when it has them, else one `fit` that checkpoints
 * every epoch into the run folder (and resumes from it with `--resume`).
 */
async function train(
  plan: TrainPlan,
  run: RunRecord,
  model: Autoencoder,
  data: LoadedData,
  output: Output,
  io: CliIo,
): Promise<TrainOutcome> {
  const { adapter, runDir, epochs } = plan;
  const steps = stepsPerEpoch(run, data);
  let history: History;
  let familySummary: FamilyTrainResult['summary'] | null = null;
  const started = performance.now();
  const progressCallbacks = (): FitCallbacks => {
    let progress: EpochProgress | null = null;
    return {
      onEpochStart: (info) => {
        progress ??= new EpochProgress(output, steps);
        progress.epochStart(info.epoch, info.epochs);
      },
      onStepEnd: (info) => {
        progress?.step(info);
      },
      onEpochEnd: (info) => {
        progress?.epochEnd(info);
      },
      onTrainEnd: () => {
        progress?.stop();
      },
    };
  };
  if (adapter.train !== undefined) {
    const result = await adapter.train({
      model,
      settings: run.settings,
      data,
      training: {
        epochs,
        batchSize: run.training.batchSize,
        learningRate: run.training.learningRate,
        seed: run.training.seed,
      },
      runDir,
      ...(io.signal === undefined ? {} : { signal: io.signal }),
      log: (text) => output.line(text),
      progress: progressCallbacks,
    });
    history = result.history;
    familySummary = result.summary;
  } else {
    const progress = new EpochProgress(output, steps);
    try {
      history = await fit(model, data.train, {
        epochs,
        batchSize: run.training.batchSize,
        learningRate: run.training.learningRate,
        seed: run.training.seed,
        validation: data.test,
        checkpoint: { dir: join(runDir, runFiles.checkpoints) },
        ...(plan.resumed ? { resume: join(runDir, runFiles.checkpoints) } : {}),
        ...(io.signal === undefined ? {} : { signal: io.signal }),
        callbacks: {
          onEpochStart: (info) => {
            progress.epochStart(info.epoch, info.epochs);
          },
          onStepEnd: (info) => {
            progress.step(info);
          },
          onEpochEnd: (info) => {
            progress.epochEnd(info);
          },
        },
      });
    } finally {
      progress.stop();
    }
  }
  return { history, familySummary, seconds: (performance.now() - started) / 1000 };
}

/** After an interrupted run: says how to go on and returns the exit code 130; else null. */
function reportInterruption(
  output: Output,
  plan: TrainPlan,
  history: History,
  shown: string,
): number | null {
  if (history.stopReason !== 'aborted') return null;
  if (plan.adapter.train !== undefined) {
    output.warn(
      `${commandName(command)}: interrupted; a ${plan.adapter.name} run cannot be resumed, start it again.`,
    );
  } else {
    output.warn(
      `${commandName(command)}: interrupted during epoch ${history.epochs.length + 1}; the checkpoint after epoch ${history.epochs.length} is in ${join(shown, runFiles.checkpoints)}. Continue with: aekit train --resume ${shown}`,
    );
  }
  return 130;
}

/** Where `saveResults` wrote the model and the report. */
interface ResultFiles {
  readonly modelDir: string;
  readonly reportPath: string;
}

/** Saves the trained model into the run folder, then builds and writes the report beside it. */
async function saveResults(
  output: Output,
  plan: TrainPlan,
  run: RunRecord,
  model: Autoencoder,
  data: LoadedData,
  history: History,
): Promise<ResultFiles> {
  const { adapter, runDir, backend } = plan;
  const modelDir = join(runDir, runFiles.model);
  await saveModel(model, modelDir);
  output.line('Writing the report…');
  const html = await buildReport({
    adapter,
    model,
    data,
    history,
    run,
    runDir,
    runtime: { backend, versions: await modelVersions(modelDir) },
    seed: run.training.seed,
  });
  const reportPath = join(runDir, runFiles.report);
  await writeFile(reportPath, html);
  return { modelDir, reportPath };
}

/** The closing lines (final losses, speed, time, files) or, with `--json`, the one JSON line. */
function summarize(
  output: Output,
  io: CliIo,
  plan: TrainPlan,
  model: Autoencoder,
  data: LoadedData,
  outcome: TrainOutcome,
  files: ResultFiles,
): void {
  const { adapter, runDir } = plan;
  const { history, familySummary, seconds } = outcome;
  const { modelDir, reportPath } = files;
  const samplesPerSecond =
    history.samplesPerSecond.reduce((sum, rate) => sum + rate, 0) / history.samplesPerSecond.length;
  output.line();
  // A family that trains in phases printed its own summary (its history is one phase's).
  if (adapter.train === undefined) {
    output.line(finalTable(history));
    output.line();
  }
  output.line(
    textTable(
      ['', ''],
      [
        ...(adapter.train === undefined
          ? [
              [
                'epochs',
                `${history.epochs.length}${history.stopReason === 'earlyStopping' ? ' (stopped early)' : ''}`,
              ],
              ['examples/s', Math.round(samplesPerSecond).toLocaleString('en')],
            ]
          : []),
        ['time', formatSeconds(seconds)],
        ['model', relative(io.cwd, modelDir)],
      ],
    )
      .split('\n')
      .slice(2)
      .join('\n'),
  );
  output.line();
  output.line(`Report: ${relative(io.cwd, reportPath)} (open it in a browser)`);
  output.result({
    family: model.config.family,
    data: data.text,
    epochs: history.epochs.length,
    train: lossObject(history.train),
    test: lossObject(history.validation),
    samplesPerSecond,
    seconds,
    stopReason: history.stopReason,
    out: runDir,
    model: modelDir,
    report: reportPath,
    ...(familySummary === null ? {} : { [adapter.name]: familySummary }),
  });
}
