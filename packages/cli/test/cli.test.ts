import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIdx } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import { expectAllClose } from '@aekit/test-utils';
import { loadModel } from '@aekit/train';
import '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOutFraction, splitSeed } from '../src/data-source';
import { type CliResult, interruptAekit, parseJsonLine, runAekit, writeTinyIdx } from './helpers';

// These tests run the built `dist/bin.js` in child processes, as users run it: build first
// (`pnpm build`; `pnpm test` at the root does). Data: 160 hand-made 8 × 8 images of 4 classes.

const count = 160;
let dir: string;
let data: string;
let run: string;
let trained: CliResult;

/** The test split the CLI documents: `heldOutFraction` of the file, seeded, stratified. */
async function testSplit(images: string, labels: string) {
  const dataset = (await loadIdx({ images, labels })).normalize();
  const testSize = Math.round(count * heldOutFraction);
  const [test] = dataset.split(testSize, { seed: splitSeed, stratify: true });
  return test;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-cli-'));
  const files = await writeTinyIdx(dir, count);
  data = `idx:${files.images},${files.labels}`;
  run = join(dir, 'run');
  // The main job on the default backend (wasm): a 2-D latent space, so the report has a manifold.
  trained = await runAekit(
    [
      'train',
      '--data',
      data,
      '--epochs',
      '2',
      '--batch-size',
      '32',
      '--latent',
      '2',
      '--hidden',
      '16',
      '--out',
      'run',
      '--json',
    ],
    dir,
  );
  await initBackend({ backend: 'cpu' });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The tests of each block are independent (own folders, read-only use of the trained run), so
// they run concurrently: the child processes share the two cores.
describe.concurrent('aekit train', () => {
  it('--json prints one JSON object with the losses, and writes the run folder', async () => {
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const summary = parseJsonLine(trained);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        'family',
        'data',
        'epochs',
        'train',
        'test',
        'samplesPerSecond',
        'out',
      ]),
    );
    expect(summary.family).toBe('vae');
    expect(summary.data).toBe(data);
    expect(summary.epochs).toBe(2);
    expect(summary.out).toBe(run);
    expect(summary.samplesPerSecond).toBeGreaterThan(0);
    const test = summary.test as Record<string, number>;
    expect(Object.keys(test).sort()).toEqual(['kl', 'loss', 'reconstruction']);
    // β = 1: the loss is the reconstruction term plus the KL term (a float32 sum).
    expectAllClose(test.loss!, test.reconstruction! + test.kl!, { rtol: 1e-5, atol: 1e-4 });
    // The JSON's numbers are the last epoch of history.json.
    const history = JSON.parse(await readFile(join(run, 'history.json'), 'utf8'));
    expect(history.epochs).toEqual([1, 2]);
    expect((summary.train as Record<string, number>).loss).toBe(history.train.total[1]);
    expect(test.kl).toBe(history.validation.kl[1]);
    for (const file of [
      'run.json',
      'model/config.json',
      'model/weights.safetensors',
      'checkpoints/checkpoint.safetensors',
      'report.html',
    ]) {
      expect(existsSync(join(run, file)), file).toBe(true);
    }
    const record = JSON.parse(await readFile(join(run, 'run.json'), 'utf8'));
    expect(record.modelConfig).toMatchObject({ family: 'vae', inputDim: 64, latentDim: 2 });
    expect(record.data.trainSize + record.data.testSize).toBe(count);
  });

  it('writes a self-contained report with every figure', async () => {
    const html = await readFile(join(run, 'report.html'), 'utf8');
    for (const heading of [
      'Training curves',
      'Reconstructions',
      'Codes of the test examples',
      'Samples from the prior',
      'The learned manifold',
      'Interpolations',
      'How much each latent dimension is used',
      'How likely the model finds each test example',
    ]) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    // Images are embedded; nothing is fetched.
    expect(html.match(/<img src="data:image\/png;base64,/g)?.length).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/<(script|link)\b|src="http/);
  });

  it('prints progress lines and a final table without --json', async () => {
    const result = await runAekit(
      [
        'train',
        '--data',
        data,
        '--epochs',
        '1',
        '--latent',
        '3',
        '--hidden',
        '8',
        '--out',
        'human',
      ],
      dir,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^epoch 1\/1 {2}train [\d.]+ \(reconstruction [\d.]+ · kl [\d.]+\)/m,
    );
    expect(result.stdout).toMatch(/^train +[\d.]+ +[\d.]+ +[\d.]+$/m);
    expect(result.stdout).toMatch(/^test +[\d.]+ +[\d.]+ +[\d.]+$/m);
    expect(result.stdout).toMatch(/^model {7}human\/model$/m);
    expect(
      result.stdout.endsWith(`\nReport: ${join('human', 'report.html')} (open it in a browser)\n`),
    ).toBe(true);
    // A 3-D latent: the codes are shown by PCA beside the PCA of the raw pixels.
    const html = await readFile(join(dir, 'human', 'report.html'), 'utf8');
    expect(html).toContain('PCA of the 3-D codes');
    expect(html).toContain('PCA of the raw 64 values');
    expect(html).not.toContain('The learned manifold');
  });

  it('trains on a CSV file with a Gaussian decoder; the report leaves out the image figures', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => {
      const kind = i % 3;
      const values = Array.from(
        { length: 5 },
        (_, j) => (j === kind ? 4 : 0) + Math.sin(i * 7 + j),
      );
      return `${values.map((value) => value.toFixed(4)).join(',')},${['red', 'green', 'blue'][kind]}`;
    });
    await writeFile(join(dir, 'points.csv'), `a,b,c,d,e,colour\n${rows.join('\n')}\n`);
    const result = await runAekit(
      [
        'train',
        '--data',
        'csv:points.csv',
        '--label-column',
        'colour',
        '--likelihood',
        'gaussian',
        '--variance',
        '0.1',
        '--latent',
        '2',
        '--hidden',
        '8',
        '--epochs',
        '1',
        '--out',
        'csvrun',
        '--json',
      ],
      dir,
    );
    expect(result.stderr).toBe('');
    expect(parseJsonLine(result)).toMatchObject({ data: `csv:${join(dir, 'points.csv')}` });
    const record = JSON.parse(await readFile(join(dir, 'csvrun', 'run.json'), 'utf8'));
    expect(record.modelConfig).toMatchObject({ likelihood: 'gaussian', variance: 0.1 });
    expect(record.data.classNames).toEqual(['blue', 'green', 'red']);
    const html = await readFile(join(dir, 'csvrun', 'report.html'), 'utf8');
    expect(html).toContain('The examples are not images (5 values each)');
    expect(html).toContain('<h2>How likely the model finds each test example</h2>');
    expect(html).not.toContain('<h2>Samples from the prior</h2>');
  });

  it('--resume continues an interrupted run to the same weights as an uninterrupted one', async () => {
    const common = ['--data', data, '--hidden', '8', '--latent', '2', '--backend', 'cpu', '--json'];
    const [whole, first] = await Promise.all([
      runAekit(['train', ...common, '--epochs', '2', '--out', 'whole'], dir),
      runAekit(['train', ...common, '--epochs', '1', '--out', 'part'], dir),
    ]);
    expect(first.code).toBe(0);
    // The run keeps its backend (cpu) without --backend.
    const resumed = await runAekit(['train', '--resume', 'part', '--epochs', '2', '--json'], dir);
    expect(resumed.stderr).toBe('');
    const a = parseJsonLine(whole);
    const b = parseJsonLine(resumed);
    expect(b.epochs).toBe(2);
    expect(b.train).toEqual(a.train);
    expect(b.test).toEqual(a.test);
    const history = JSON.parse(await readFile(join(dir, 'part', 'history.json'), 'utf8'));
    expect(history.epochs).toEqual([1, 2]);
    const record = JSON.parse(await readFile(join(dir, 'part', 'run.json'), 'utf8'));
    expect(record.training).toMatchObject({ epochs: 2, backend: 'cpu' });
  });

  it('Ctrl-C stops after the current step, keeps the last checkpoint and exits 130', async () => {
    // One example per step, so an epoch lasts long enough to be interrupted in the middle.
    const result = await interruptAekit(
      [
        'train',
        '--data',
        data,
        '--hidden',
        '8',
        '--batch-size',
        '1',
        '--epochs',
        '40',
        '--out',
        'stopped',
      ],
      dir,
      /^epoch 1\/40 /m,
    );
    expect(result.code).toBe(130);
    const match =
      /^\nStopping after this step… \(Ctrl-C again to quit now\)\naekit train: interrupted during epoch (\d+); the checkpoint after epoch (\d+) is in stopped\/checkpoints\. Continue with: aekit train --resume stopped\n$/.exec(
        result.stderr,
      );
    expect(match, result.stderr).not.toBeNull();
    const done = Number(match![2]);
    expect(Number(match![1])).toBe(done + 1);
    expect(existsSync(join(dir, 'stopped', 'model'))).toBe(false);
    const history = JSON.parse(await readFile(join(dir, 'stopped', 'history.json'), 'utf8'));
    expect(history.epochs).toHaveLength(done);
    expect(history.stopReason).toBe('aborted');
    const resumed = await runAekit(
      ['train', '--resume', 'stopped', '--epochs', String(done + 1), '--json'],
      dir,
    );
    expect(parseJsonLine(resumed)).toMatchObject({ epochs: done + 1, stopReason: 'completed' });
    expect(existsSync(join(dir, 'stopped', 'model', 'weights.safetensors'))).toBe(true);
  });

  it('refuses a folder that holds a run, and settings changed on --resume', async () => {
    const reuse = await runAekit(['train', '--data', data, '--out', 'run'], dir);
    expect(reuse.code).toBe(2);
    expect(reuse.stderr).toBe(
      `aekit train: '--out' must be a new or empty folder, got "run". It holds a run: continue it with --resume run, or choose another folder.\n`,
    );
    const changed = await runAekit(['train', '--resume', 'run', '--latent', '5'], dir);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toBe(
      `aekit train: '--latent' must be left out with --resume (a resumed run keeps its data and settings; only --epochs and --backend may change), got "5".\n`,
    );
  });
});

describe.concurrent('aekit errors: one line on stderr, a non-zero exit, no stack trace', () => {
  const cases: [string, string[], string][] = [
    [
      'a missing data file',
      ['train', '--data', 'idx:missing/images.idx'],
      `aekit train: '--data' must be files that exist, got "idx:{dir}/missing/images.idx". There is no file {dir}/missing/images.idx.\n`,
    ],
    [
      'an unknown family',
      ['train', '--family', 'gan'],
      `aekit train: '--family' must be one of 'vae', 'ae', 'denoising', 'sparse', 'contractive', 'stacked', got "gan".\n`,
    ],
    [
      '--latent 0',
      ['train', '--latent', '0'],
      `aekit train: '--latent' must be a positive integer, got 0.\n`,
    ],
    [
      'a bad --hidden',
      ['train', '--hidden', '400,x'],
      `aekit train: '--hidden' must be a non-empty array of positive integers, got "400,x".\n`,
    ],
    [
      'an unknown data source',
      ['train', '--data', 'cifar'],
      `aekit train: '--data' must be mnist, fashion-mnist, idx:<images>[,<labels>], csv:<file> or images:<folder>[,size=<n>|<h>x<w>][,rgb], got "cifar".\n`,
    ],
    ['an unknown option', ['train', '--bogus'], `aekit train: unknown option '--bogus'\n`],
    ['a missing --model', ['eval'], `aekit eval: required option '--model <dir>' not specified\n`],
    [
      'a folder without a model',
      ['sample', '--model', 'nowhere', '--out', 'x.png'],
      `aekit sample: '--model' must be a run folder (with run.json) or a model folder (with config.json), got "nowhere". There is no folder {dir}/nowhere.\n`,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const result = await runAekit(args, dir);
      expect(result.stderr).toBe(message.replaceAll('{dir}', dir));
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
    });
  }

  it('does not create the run folder when the flags are wrong', async () => {
    await runAekit(['train', '--latent', '0', '--out', 'never'], dir);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe.concurrent('aekit sample, encode, eval, report on the trained model', () => {
  it('sample writes a PNG grid, the same for the same seed', async () => {
    const [a, b, c] = await Promise.all([
      runAekit(['sample', '--model', 'run', '--n', '10', '--out', 'a.png', '--json'], dir),
      runAekit(['sample', '--model', 'run', '--n', '10', '--out', 'b.png'], dir),
      runAekit(['sample', '--model', 'run', '--n', '10', '--seed', '1', '--out', 'c.png'], dir),
    ]);
    expect(parseJsonLine(a)).toMatchObject({
      n: 10,
      label: null,
      seed: 0,
      out: join(dir, 'a.png'),
    });
    expect(b.stdout).toBe('Wrote 10 samples from the prior, seed 0, to b.png.\n');
    expect(c.code).toBe(0);
    const png = PNG.sync.read(await readFile(join(dir, 'a.png')));
    // 10 images in ⌈√10⌉ = 4 columns and 3 rows of 8 × 8 pixels drawn 2 × 2, 2 pixels apart.
    expect([png.width, png.height]).toEqual([2 + 4 * (16 + 2), 2 + 3 * (16 + 2)]);
    expect(await readFile(join(dir, 'a.png'))).toEqual(await readFile(join(dir, 'b.png')));
    expect(await readFile(join(dir, 'a.png'))).not.toEqual(await readFile(join(dir, 'c.png')));
  });

  it('sample --label needs a conditional model, which draws the class asked for', async () => {
    const refused = await runAekit(
      ['sample', '--model', 'run', '--label', '2', '--out', 'x.png'],
      dir,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `aekit sample: '--label' must be left out for a model that is not conditional (train with --conditional to ask for a class), got "2".\n`,
    );
    const conditional = await runAekit(
      [
        'train',
        '--data',
        data,
        '--conditional',
        '--epochs',
        '1',
        '--hidden',
        '8',
        '--out',
        'cvae',
        '--json',
      ],
      dir,
    );
    expect(conditional.code).toBe(0);
    const sampled = await runAekit(
      ['sample', '--model', 'cvae', '--label', '2', '--n', '4', '--out', 'two.png', '--json'],
      dir,
    );
    expect(parseJsonLine(sampled)).toMatchObject({ n: 4, label: 2 });
    const outOfRange = await runAekit(
      ['sample', '--model', 'cvae', '--label', '4', '--out', 'four.png'],
      dir,
    );
    expect(outOfRange.stderr).toBe(
      `aekit sample: '--label' must be an integer in [0, 3], got 4.\n`,
    );
  });

  it('encode writes the codes of the test split: encode(x) of each example', async () => {
    const [csv, json] = await Promise.all([
      runAekit(
        ['encode', '--model', 'run', '--split', 'test', '--out', 'codes.csv', '--backend', 'cpu'],
        dir,
      ),
      runAekit(
        [
          'encode',
          '--model',
          'run',
          '--split',
          'test',
          '--out',
          'codes.json',
          '--backend',
          'cpu',
          '--json',
        ],
        dir,
      ),
    ]);
    expect(csv.code).toBe(0);
    expect(parseJsonLine(json)).toMatchObject({ format: 'json', split: 'test', count: 16, dim: 2 });
    const lines = (await readFile(join(dir, 'codes.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('z1,z2,label');
    expect(lines).toHaveLength(17);
    const rows = lines.slice(1).map((line) => line.split(',').map(Number));
    const written = JSON.parse(await readFile(join(dir, 'codes.json'), 'utf8'));
    expect(written.codes).toEqual(rows.map((row) => row.slice(0, 2)));
    // Independently: the documented test split through the saved model, in this process.
    const [images, labels] = data.slice(4).split(',') as [string, string];
    const test = await testSplit(images, labels);
    expect(rows.map((row) => row[2])).toEqual(Array.from(test.labels!));
    const model = await loadModel(join(run, 'model'));
    const x = test.toTensor();
    const codes = model.encode(x);
    expectAllClose(
      rows.flatMap((row) => row.slice(0, 2)),
      Array.from(codes.dataSync()),
      { rtol: 1e-5, atol: 1e-6 },
    );
    tf.dispose([x, codes]);
    model.dispose();
  });

  it('eval reports every metric with what it measured', async () => {
    const result = await runAekit(
      ['eval', '--model', 'run', '--iw-samples', '8', '--backend', 'cpu', '--json'],
      dir,
    );
    expect(result.stderr).toBe('');
    const summary = parseJsonLine(result);
    const metrics = summary.metrics as Record<string, { value: number; description: string }>;
    expect(Object.keys(metrics)).toEqual([
      'loss',
      'reconstruction',
      'kl',
      'reconstructionError',
      'corruptedReconstructionError',
      'jacobianFrobenius',
      'meanActivation',
      'elbo',
      'logLikelihood',
      'linearProbeAccuracy',
      'linearProbeAccuracyInputs',
      'knnAccuracy',
      'knnAccuracyInputs',
    ]);
    for (const metric of Object.values(metrics)) {
      expect(Number.isFinite(metric.value)).toBe(true);
      expect(metric.description.length).toBeGreaterThan(40);
    }
    expect(metrics.logLikelihood!.description).toContain('k = 8');
    // The bars of the 4 classes are easy to tell apart from raw pixels.
    expect(metrics.knnAccuracyInputs!.value).toBe(1);
    // Independently: Σ (x − reconstruct(x))² per test example, in float64 here.
    const [images, labels] = data.slice(4).split(',') as [string, string];
    const test = await testSplit(images, labels);
    const model = await loadModel(join(run, 'model'));
    const x = test.toTensor();
    const reconstruction = model.reconstruct(x);
    const original = x.dataSync();
    const decoded = reconstruction.dataSync();
    let sum = 0;
    for (let index = 0; index < original.length; index += 1) {
      sum += (original[index]! - decoded[index]!) ** 2;
    }
    expectAllClose(metrics.reconstructionError!.value, sum / test.size, { rtol: 1e-4, atol: 0 });
    tf.dispose([x, reconstruction]);
    model.dispose();
  });

  it('eval without --json prints a table and says what each number measured', async () => {
    const result = await runAekit(['eval', '--model', 'run', '--iw-samples', '2'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ELBO +-?[\d.]+ +nats per example$/m);
    expect(result.stdout).toContain('What each number measured:');
    expect(result.stdout).toMatch(/^ {2}linear-probe accuracy \(codes\): how linearly separable/m);
  });

  it('report rewrites report.html of a run, and of a bare model folder with --data', async () => {
    const before = await readFile(join(run, 'report.html'), 'utf8');
    await writeFile(join(run, 'report.html'), '');
    const again = await runAekit(['report', '--model', 'run', '--json'], dir);
    expect(parseJsonLine(again)).toMatchObject({ report: join(run, 'report.html') });
    const after = await readFile(join(run, 'report.html'), 'utf8');
    // Identical but for the time it was made.
    const withoutTime = (html: string) => html.replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/, '');
    expect(withoutTime(after)).toBe(withoutTime(before));
    const bare = await runAekit(
      ['report', '--model', join('run', 'model'), '--data', data, '--out', 'bare.html'],
      dir,
    );
    expect(bare.stdout).toBe('Wrote the report to bare.html\n');
    expect(await readFile(join(dir, 'bare.html'), 'utf8')).toContain('<h2>Reconstructions</h2>');
  });
});

describe('aekit --help', () => {
  it('lists the commands, and every command has its own help', async () => {
    const top = await runAekit(['--help'], dir);
    expect(top.code).toBe(0);
    for (const command of ['train', 'eval', 'sample', 'encode', 'report']) {
      expect(top.stdout).toMatch(new RegExp(`^ {2}${command} \\[options\\]`, 'm'));
    }
    const helps = await Promise.all(
      ['train', 'eval', 'sample', 'encode', 'report'].map((command) =>
        runAekit([command, '--help'], dir),
      ),
    );
    helps.forEach((help, index) => {
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(
        new RegExp(
          `^Usage: aekit ${['train', 'eval', 'sample', 'encode', 'report'][index]} \\[options\\]`,
        ),
      );
      expect(help.stdout).toContain('--backend <name>');
      expect(help.stdout).toContain('--json');
    });
    expect(helps[0]!.stdout).toContain('Options of --family vae:');
    expect(helps[0]!.stdout).toMatch(/--beta <number> +weight β of the KL term/);
    expect(helps[1]!.stdout).toContain('--iw-samples <k>');
  });
});
