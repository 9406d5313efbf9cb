import { AekitError } from '@aekit/core';
import { Command, CommanderError, Option } from 'commander';
import { version } from '../package.json';
import { encodeCommand, splitNames } from './commands/encode';
import { evalCommand } from './commands/evaluate';
import { reportCommand } from './commands/report';
import { sampleCommand } from './commands/sample';
import { backendNames, trainCommand } from './commands/train';
import { familyAdapters } from './families';
import type { FamilyOption } from './family-contract';
import type { CliIo } from './io';

/** Exit codes: 0 success, 1 a failure, 2 a mistake on the command line, 130 interrupted. */
export const exitCodes = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

const dataHelp =
  'mnist (built in), fashion-mnist (Debian dataset-fashion-mnist), idx:<images>[,<labels>], csv:<file>, or images:<folder>[,size=<n>|<h>x<w>][,rgb] (PNG/JPEG pictures, one sub-folder per class, grey unless rgb)';

/** An option whose default `--help` shows without quotes: `(default: 10)`. */
function option(flags: string, description: string, defaultValue?: string): Option {
  const made = new Option(flags, description);
  return defaultValue === undefined ? made : made.default(defaultValue, defaultValue);
}

function commonOptions(
  command: Command,
  options: { data?: boolean; seed?: { default?: string; text?: string } } = {},
): Command {
  if (options.data) {
    command
      .option('--data <source>', `the data: ${dataHelp}; default: what the model was trained on`)
      .option('--label-column <column>', 'CSV only: the column of class labels (name or index)');
  }
  if (options.seed !== undefined) {
    const { default: defaultValue, text } = options.seed;
    command.addOption(
      option(
        '--seed <n>',
        `seed of every random draw${text === undefined ? '' : ` (${text})`}`,
        defaultValue,
      ),
    );
  }
  return command
    .addOption(option('--backend <name>', 'tfjs backend', 'wasm').choices(backendNames))
    .option('--json', 'print one JSON object on the last line of stdout instead of text');
}

/** The `aekit` program; each command's action hands its exit code to `exit`. */
function buildProgram(io: CliIo, exit: (code: number) => void): Command {
  const program = new Command('aekit')
    .description(
      'Train, evaluate, sample from and report on autoencoders: TensorFlow.js on WebAssembly, no Python.',
    )
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortOptions: false, showGlobalOptions: false });

  const train = program
    .command('train')
    .description('train a model and write a run folder: model, checkpoints, history, report.html')
    .addOption(
      option(
        '--family <name>',
        `the family of autoencoder: ${familyAdapters.map((adapter) => adapter.name).join(', ')}`,
        'vae',
      ),
    )
    .addOption(option('--data <source>', `the data: ${dataHelp}`, 'mnist'))
    .option('--label-column <column>', 'CSV only: the column of class labels (name or index)')
    .addOption(option('--epochs <n>', 'passes over the training split', '10'))
    .addOption(option('--batch-size <n>', 'examples per step', '128'))
    .option('--latent <n>', "size of the code (default: the family's, 20 for vae, 256 for ae…)")
    .option(
      '--hidden <widths>',
      "hidden layer widths, comma-separated, e.g. 400,200 (default: the family's)",
    )
    .addOption(option('--lr <rate>', 'Adam learning rate', '0.001'))
    .addOption(option('--seed <n>', 'seed of the initial weights, shuffling and noise', '0'))
    .option('--out <dir>', 'the run folder (default: runs/<family>-<data>-<date>-<time>)')
    .option('--resume <dir>', 'continue an interrupted run from its last checkpoint');
  commonOptions(train);
  // A flag several families take is listed once, in a group naming all of them; where their
  // descriptions differ, each follows the names of the families it belongs to.
  const owners = new Map<string, { spec: FamilyOption; families: string[]; texts: string[] }>();
  for (const adapter of familyAdapters) {
    for (const spec of adapter.options) {
      const flag = spec.flags.split(' ')[0]!;
      const entry = owners.get(flag) ?? { spec, families: [], texts: [] };
      entry.families.push(adapter.name);
      entry.texts.push(
        spec.defaultText === undefined
          ? spec.description
          : `${spec.description} (default: ${spec.defaultText})`,
      );
      owners.set(flag, entry);
    }
  }
  for (const { spec, families, texts } of owners.values()) {
    const byText = new Map<string, string[]>();
    texts.forEach((text, index) => {
      byText.set(text, [...(byText.get(text) ?? []), families[index]!]);
    });
    const made = new Option(
      spec.flags,
      byText.size === 1
        ? texts[0]!
        : [...byText].map(([text, names]) => `${names.join(', ')}: ${text}`).join('; '),
    );
    if (spec.choices !== undefined) made.choices(spec.choices);
    made.helpGroup(`Options of --family ${families.join(', ')}:`);
    train.addOption(made);
  }
  train
    .addHelpText(
      'after',
      `
Families ae, denoising, sparse and contractive: --latent is the width of the code (default 256)
and --hidden the widths of any hidden layers before it (default none: one hidden layer, the code).

--arch conv (pictures only): convolutions of --channels, each halving the image with the default
--strides 2, then dense layers of --hidden, then the code of --latent; the decoder mirrors it with
transposed convolutions and ends in a convolution to the image's channels. The stages of
--family stacked stay fully connected: each trains on the codes of the stage before, which are
vectors, not pictures.

Family stacked: each of the --layers stages pretrains for --pretrain-epochs on the codes of the
stage below, then a softmax head trains for --head-epochs on the labels with the stages fixed;
with --finetune every layer then trains for --epochs more, and the same network trained from
scratch for as many epochs as all of that together (stages × pretrain + head + fine-tune) is
the comparison. --pretrain-epochs and --head-epochs default to --epochs. A stacked run cannot
be resumed.

Examples:
  aekit train                                   a VAE on the built-in MNIST digits, 10 epochs
  aekit train --data fashion-mnist --latent 2   a 2-D latent space: the report shows the manifold
  aekit train --data csv:points.csv --likelihood gaussian --hidden 64 --latent 2
  aekit train --family denoising --data fashion-mnist --masking 0.5 --epochs 5
  aekit train --family denoising --arch conv --channels 32,64 --latent 16 --gaussian 0.3
  aekit train --family sparse --latent 400 --rho 0.05 --lambda 3
  aekit train --family stacked --layers 256,128 --layer-family sparse --finetune --epochs 5
  aekit train --resume runs/vae-mnist-20250101-120000   continue an interrupted run`,
    )
    .action(async (_options, command: Command) => {
      exit(await trainCommand(command.opts(), (key) => command.getOptionValueSource(key), io));
    });

  const evaluate = program
    .command('eval')
    .description(
      'measure a trained model on the test split: reconstruction errors, encoder Jacobian, activations, probes, and per family ELBO and log-likelihood or classifier accuracy',
    )
    .requiredOption('--model <dir>', 'a run folder or a model folder')
    .addOption(
      option(
        '--iw-samples <k>',
        'importance samples per example of the log-likelihood estimate',
        '100',
      ),
    );
  commonOptions(evaluate, { data: true, seed: { default: '0' } });
  evaluate.action(async (_options, command: Command) => {
    exit(await evalCommand(command.opts(), io));
  });

  const sample = program
    .command('sample')
    .description('draw new examples from a generative model into a PNG grid')
    .requiredOption('--model <dir>', 'a run folder or a model folder')
    .requiredOption('--out <png>', 'the PNG file to write')
    .addOption(option('--n <count>', 'how many examples', '64'))
    .option('--label <class>', 'conditional models: the class to draw (number or name)')
    .option('--columns <n>', 'images per row (default: a square grid)');
  commonOptions(sample, { seed: { default: '0' } });
  sample.action(async (_options, command: Command) => {
    exit(await sampleCommand(command.opts(), io));
  });

  const encode = program
    .command('encode')
    .description('write the codes of a data set as CSV or JSON')
    .requiredOption('--model <dir>', 'a run folder or a model folder')
    .requiredOption('--out <file>', 'the file to write: .csv or .json')
    .addOption(option('--split <name>', 'which split to encode', 'all').choices(splitNames));
  commonOptions(encode, { data: true });
  encode.action(async (_options, command: Command) => {
    exit(await encodeCommand(command.opts(), io));
  });

  const report = program
    .command('report')
    .description("write a model's report.html: curves, reconstructions, codes, samples")
    .requiredOption('--model <dir>', 'a run folder or a model folder')
    .option('--out <html>', 'the file to write (default: report.html in the run folder)');
  commonOptions(report, { data: true, seed: { text: "default: the run's seed" } });
  report.action(async (_options, command: Command) => {
    exit(await reportCommand(command.opts(), io));
  });

  for (const command of [program, ...program.commands]) {
    command.exitOverride((error) => {
      throw error;
    });
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own errors are printed by runCli, as one line.
      outputError: () => undefined,
    });
  }
  return program;
}

/** One line for a commander parse error: `aekit train: unknown option '--foo'`. */
function commanderMessage(error: CommanderError, argv: readonly string[]): string {
  const known = new Set(['train', 'eval', 'sample', 'encode', 'report']);
  const command = argv.find((argument) => known.has(argument));
  const text = error.message
    .replace(/^error: /, '')
    .replace(/\n+/g, ' ')
    .trim();
  return `${command === undefined ? 'aekit' : `aekit ${command}`}: ${text}`;
}

/**
 * Runs the `aekit` command with `argv` (the arguments after the program name) and resolves
 * with the exit code. Never throws: user mistakes and failures become one line on stderr; an
 * unexpected error also prints its stack (set `AEKIT_DEBUG=1` to see stacks for all).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = exitCodes.ok;
  try {
    const program = buildProgram(io, (code) => {
      exitCode = code;
    });
    if (argv.length === 0) {
      program.outputHelp();
      return exitCodes.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, argv, io);
  }
}

function reportError(error: unknown, argv: readonly string[], io: CliIo): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" that exit 0.
    if (error.exitCode === 0) return exitCodes.ok;
    io.stderr.write(`${commanderMessage(error, argv)}\n`);
    return exitCodes.usage;
  }
  const debug = process.env.AEKIT_DEBUG === '1';
  if (AekitError.isInstance(error)) {
    io.stderr.write(`${error.message}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.name === 'InvalidArgumentError' ? exitCodes.usage : exitCodes.failure;
  }
  const system = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof system.code === 'string' && system.syscall !== undefined) {
    // A file the command could not read or write: the system's message says which.
    io.stderr.write(`aekit: ${error.message}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return exitCodes.failure;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(
    `aekit: unexpected error: ${message}\n${error instanceof Error && error.stack ? `${error.stack}\n` : ''}This is a bug in aekit; please report it with the command you ran.\n`,
  );
  return exitCodes.failure;
}
