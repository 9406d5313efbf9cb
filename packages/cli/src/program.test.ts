import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackends, expectNoLeaks } from '@aekit/test-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from './io';
import { runCli } from './program';

let dir: string;

/** Streams that collect what a command writes. */
function capture(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd,
    out: () => out,
    err: () => err,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-program-'));
  // 50 rows of 16 values in [0, 1], two classes.
  const rows = Array.from({ length: 50 }, (_, i) =>
    [...Array.from({ length: 16 }, (_, j) => ((i * 7 + j * 3) % 11) / 10), i % 2].join(','),
  );
  const header = [...Array.from({ length: 16 }, (_, j) => `p${j}`), 'label'].join(',');
  await writeFile(join(dir, 'data.csv'), `${header}\n${rows.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeBackends(['cpu', 'wasm'], 'runCli in process', (backend) => {
  it('trains, evaluates and reports without leaking tensors', async () => {
    let run = 0;
    await expectNoLeaks(async () => {
      run += 1;
      const io = capture(dir);
      const out = `run-${backend}-${run}`;
      const args = ['--backend', backend, '--json'];
      const trained = await runCli(
        [
          'train',
          '--data',
          'csv:data.csv',
          '--label-column',
          'label',
          '--latent',
          '2',
          '--hidden',
          '4',
          '--epochs',
          '2',
          '--out',
          out,
          ...args,
        ],
        io,
      );
      expect(io.err()).toBe('');
      expect(trained).toBe(0);
      const evaluated = await runCli(['eval', '--model', out, '--iw-samples', '3', ...args], io);
      const sampled = await runCli(
        ['sample', '--model', out, '--n', '4', '--out', `${out}.png`, ...args],
        io,
      );
      expect([evaluated, sampled, io.err()]).toEqual([0, 0, '']);
      // Three JSON lines, one per command.
      expect(
        io
          .out()
          .trim()
          .split('\n')
          .map((line) => Object.keys(JSON.parse(line))[0]),
      ).toEqual(['family', 'model', 'out']);
    });
  });

  it('trains, evaluates and reports every other family without leaking tensors', async () => {
    let run = 0;
    await expectNoLeaks(async () => {
      run += 1;
      const io = capture(dir);
      const data = ['--data', 'csv:data.csv', '--label-column', 'label', '--epochs', '1'];
      const args = ['--backend', backend, '--json'];
      const codes: number[] = [];
      for (const family of ['ae', 'denoising', 'sparse', 'contractive']) {
        const out = `${family}-${backend}-${run}`;
        codes.push(
          await runCli(
            ['train', '--family', family, ...data, '--latent', '3', '--out', out, ...args],
            io,
          ),
          await runCli(['eval', '--model', out, ...args], io),
        );
      }
      const stacked = `stacked-${backend}-${run}`;
      codes.push(
        await runCli(
          [
            'train',
            '--family',
            'stacked',
            ...data,
            '--layers',
            '4,2',
            '--finetune',
            '--out',
            stacked,
            ...args,
          ],
          io,
        ),
        await runCli(['eval', '--model', stacked, ...args], io),
        await runCli(['report', '--model', stacked, ...args], io),
      );
      expect([...codes, io.err()]).toEqual([...new Array<number>(11).fill(0), '']);
    });
  });

  it('trains a convolutional VAE with --arch conv, and its model evaluates, samples and reports', async () => {
    const io = capture(dir);
    const out = `conv-vae-${backend}`;
    const args = ['--backend', backend, '--json'];
    const data = ['--data', 'csv:data.csv', '--label-column', 'label'];
    const codes = [
      await runCli(
        [
          'train',
          ...data,
          '--arch',
          'conv',
          '--channels',
          '2,3',
          '--latent',
          '2',
          '--epochs',
          '1',
          '--out',
          out,
          ...args,
        ],
        io,
      ),
      await runCli(['eval', '--model', out, '--iw-samples', '2', ...args], io),
      await runCli(['sample', '--model', out, '--n', '4', '--out', `${out}.png`, ...args], io),
      await runCli(['report', '--model', out, ...args], io),
    ];
    expect([...codes, io.err()]).toEqual([0, 0, 0, 0, '']);
    const { config } = JSON.parse(await readFile(join(dir, out, 'model', 'config.json'), 'utf8'));
    expect(config.encoder).toEqual({
      type: 'conv',
      channels: [2, 3],
      kernelSize: 3,
      strides: 2,
      hiddenDims: [],
    });
    expect(config.inputShape).toEqual([4, 4, 1]);
    const refused = capture(dir);
    expect(await runCli(['train', ...data, '--channels', '8'], refused)).toBe(2);
    expect(refused.err()).toBe(
      'aekit train: \'--channels\' must be left out unless --arch conv, got "8".\n',
    );
  });

  it('trains every autoencoder family with --arch conv; eval, encode and report work on it', async () => {
    const args = ['--backend', backend, '--json'];
    const data = ['--data', 'csv:data.csv', '--label-column', 'label'];
    for (const family of ['ae', 'denoising', 'sparse', 'contractive']) {
      const io = capture(dir);
      const out = `conv-${family}-${backend}`;
      const codes = [
        await runCli(
          [
            'train',
            '--family',
            family,
            ...data,
            '--arch',
            'conv',
            '--channels',
            '2,3',
            '--hidden',
            '5',
            '--latent',
            '3',
            '--epochs',
            '1',
            '--out',
            out,
            ...args,
          ],
          io,
        ),
        await runCli(['eval', '--model', out, ...args], io),
        await runCli(['encode', '--model', out, '--out', `${out}.csv`, ...args], io),
        await runCli(['report', '--model', out, ...args], io),
      ];
      expect([family, ...codes, io.err()]).toEqual([family, 0, 0, 0, 0, '']);
      const { config } = JSON.parse(await readFile(join(dir, out, 'model', 'config.json'), 'utf8'));
      expect([config.family, config.encoder, config.inputShape]).toEqual([
        family,
        { type: 'conv', channels: [2, 3], kernelSize: 3, strides: 2, hiddenDims: [5] },
        [4, 4, 1],
      ]);
      const codesCsv = await readFile(join(dir, `${out}.csv`), 'utf8');
      expect(codesCsv.split('\n')[0]).toBe('split,z1,z2,z3,label');
    }
    const report = await readFile(join(dir, `conv-sparse-${backend}`, 'report.html'), 'utf8');
    expect(report).toContain(
      'The first layer is a convolution: each tile is one of its 2 3×3 kernels',
    );
    const refused = capture(dir);
    expect(await runCli(['train', '--family', 'stacked', ...data, '--arch', 'conv'], refused)).toBe(
      2,
    );
    expect(refused.err()).toBe(
      'aekit train: \'--arch\' must be left out with --family stacked (it is an option of --family vae, ae, denoising, sparse, contractive), got "conv".\n',
    );
  });

  it('trains on a folder of colour pictures: a conv VAE samples them in colour, a sparse AE draws colour filters', async () => {
    const sharp = (await import('sharp')).default;
    const pictures = join(dir, `colour-${backend}`);
    for (let index = 0; index < 12; index += 1) {
      const name = index % 2 === 0 ? 'red' : 'blue';
      await mkdir(join(pictures, name), { recursive: true });
      const rgb = new Uint8Array(8 * 8 * 3);
      for (let pixel = 0; pixel < 64; pixel += 1) {
        rgb[pixel * 3 + (name === 'red' ? 0 : 2)] = 100 + 10 * index + (pixel % 8) * 5;
      }
      await sharp(rgb, { raw: { width: 8, height: 8, channels: 3 } })
        .png()
        .toFile(join(pictures, name, `${index}.png`));
    }
    const io = capture(dir);
    const args = ['--backend', backend, '--json'];
    const data = ['--data', `images:${pictures},rgb`];
    const vae = `colour-vae-${backend}`;
    const sparse = `colour-sparse-${backend}`;
    const common = ['--latent', '2', '--epochs', '1', ...args];
    const codes = [
      await runCli(
        ['train', ...data, '--arch', 'conv', '--channels', '2,3', '--out', vae, ...common],
        io,
      ),
      await runCli(['sample', '--model', vae, '--n', '4', '--out', `${vae}.png`, ...args], io),
      await runCli(['report', '--model', vae, ...args], io),
      await runCli(['train', '--family', 'sparse', ...data, '--out', sparse, ...common], io),
    ];
    expect([...codes, io.err()]).toEqual([0, 0, 0, 0, '']);
    const { config } = JSON.parse(await readFile(join(dir, vae, 'model', 'config.json'), 'utf8'));
    expect([config.inputDim, config.inputShape]).toEqual([192, [8, 8, 3]]);
    // The samples are drawn in colour: some pixel has channels that differ.
    const { PNG } = await import('pngjs');
    const png = PNG.sync.read(await readFile(join(dir, `${vae}.png`)));
    let coloured = false;
    for (let offset = 0; offset < png.data.length; offset += 4) {
      if (png.data[offset] !== png.data[offset + 1]) coloured = true;
    }
    expect(coloured).toBe(true);
    const report = await readFile(join(dir, sparse, 'report.html'), 'utf8');
    expect(report).toContain('8 × 8 colour images');
    expect(report).toContain('Learned filters');
    expect(report).not.toContain('cannot be drawn as pictures');
  });

  it('returns exit code 2 and one line for a mistake, 0 for --help', async () => {
    const io = capture(dir);
    expect(await runCli(['train', '--epochs', '0'], io)).toBe(2);
    expect(io.err()).toBe("aekit train: '--epochs' must be a positive integer, got 0.\n");
    const help = capture(dir);
    expect(await runCli(['sample', '--help'], help)).toBe(0);
    expect(help.out()).toMatch(/^Usage: aekit sample \[options\]/);
    expect(await runCli([], capture(dir))).toBe(2);
  });
});
