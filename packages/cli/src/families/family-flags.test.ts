import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDefault, describeOption } from '@aekit/core';
import { stackedAeOptions } from '@aekit/stacked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io';
import { runCli } from '../program';

// The flags of the families beyond the VAE are checked before any data is loaded or folder
// made: each mistake is one line naming the flag, exit code 2. (In process: runCli is what
// bin.js runs; the child-process tests in test/ cover the rest.)

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aekit-family-flags-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

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

describe('aekit train flag errors of the families', () => {
  const cases: [string, string[], string][] = [
    [
      '--hidden with sparse',
      ['--family', 'sparse', '--hidden', '100'],
      `aekit train: '--hidden' must be left out with --family sparse (its one hidden layer is the code: set its width with --latent), got "100".\n`,
    ],
    [
      '--rho with the L1 penalty',
      ['--family', 'sparse', '--penalty', 'l1', '--rho', '0.1'],
      `aekit train: '--rho' must be left out unless penalty 'kl', got "0.1".\n`,
    ],
    [
      '--rho outside (0, 1)',
      ['--family', 'sparse', '--rho', '1.5'],
      `aekit train: '--rho' must be a finite number in (0, 1), got 1.5.\n`,
    ],
    [
      'bernoulli with the L1 penalty',
      ['--family', 'sparse', '--penalty', 'l1', '--loss', 'bernoulli'],
      `aekit train: '--loss' must be 'mse-sum' or 'mse' with penalty 'l1' (its softplus reconstruction is not a probability), got "bernoulli".\n`,
    ],
    [
      '--masking 1',
      ['--family', 'denoising', '--masking', '1'],
      `aekit train: '--masking' must be a finite number in [0, 1), got 1.\n`,
    ],
    [
      '--gaussian 0',
      ['--family', 'denoising', '--gaussian', '0'],
      `aekit train: '--gaussian' must be a finite number > 0, got 0.\n`,
    ],
    [
      'a negative --lambda',
      ['--family', 'contractive', '--lambda', '-1'],
      `aekit train: '--lambda' must be a finite number ≥ 0, got -1.\n`,
    ],
    [
      'a flag of another family',
      ['--family', 'ae', '--rho', '0.1'],
      `aekit train: '--rho' must be left out with --family ae (it is an option of --family sparse, stacked), got "0.1".\n`,
    ],
    [
      '--loss with the VAE',
      ['--loss', 'mse'],
      `aekit train: '--loss' must be left out with --family vae (it is an option of --family ae, denoising, sparse, contractive, stacked), got "mse".\n`,
    ],
    [
      '--layers without --family stacked',
      ['--family', 'denoising', '--layers', '8'],
      `aekit train: '--layers' must be left out with --family denoising (it is an option of --family stacked), got "8".\n`,
    ],
    [
      '--latent with stacked',
      ['--family', 'stacked', '--latent', '4'],
      `aekit train: '--latent' must be left out with --family stacked (set the stages' widths with --layers), got "4".\n`,
    ],
    [
      "a stage flag of another family than --layer-family's",
      ['--family', 'stacked', '--layer-family', 'ae', '--masking', '0.1'],
      `aekit train: '--masking' must be left out with --layer-family ae (it is an option of --family denoising), got "0.1".\n`,
    ],
    [
      'a bad --layers',
      ['--family', 'stacked', '--layers', '8,x'],
      `aekit train: '--layers' must be a non-empty array of positive integers, got "8,x".\n`,
    ],
    [
      'a zero width in --layers',
      ['--family', 'stacked', '--layers', '8,0'],
      `aekit train: '--layers' must be a non-empty array of positive integers, got "8,0".\n`,
    ],
    [
      // Commander checks the schema's choices before the adapter sees the flag.
      'an unknown --layer-family',
      ['--family', 'stacked', '--layer-family', 'pca'],
      "aekit train: option '--layer-family <name>' argument 'pca' is invalid. Allowed choices are ae, denoising, sparse, contractive.\n",
    ],
    [
      '--head-epochs 0',
      ['--family', 'stacked', '--head-epochs', '0'],
      `aekit train: '--head-epochs' must be a positive integer, got 0.\n`,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const io = capture(dir);
      expect(await runCli(['train', ...args, '--out', 'never'], io)).toBe(2);
      expect(io.err()).toBe(message);
      expect(io.out()).toBe('');
      expect(existsSync(join(dir, 'never'))).toBe(false);
    });
  }
});

describe('aekit train --family stacked --help', () => {
  it("lists the stack's flags with the help, defaults and choices of @aekit/stacked's schema", async () => {
    const io = capture(dir);
    expect(await runCli(['train', '--family', 'stacked', '--help'], io)).toBe(0);
    // Commander wraps the help to the terminal's width: compare it as one line.
    const help = io.out().replace(/\s+/g, ' ');
    const { latentDims, stageFamily } = stackedAeOptions;
    expect(describeDefault(latentDims)).toBe('256,128');
    expect(help).toContain(
      `--layers <list> ${latentDims.help} (default: ${describeDefault(latentDims)})`,
    );
    expect(describeDefault(stageFamily)).toBe('denoising');
    const choices = stageFamily.values.map((value) => `"${value}"`).join(', ');
    expect(help).toContain(
      `--layer-family <name> ${stageFamily.help} (default: ${describeDefault(stageFamily)}) (choices: ${choices})`,
    );
    expect(describeOption(stageFamily)).toBe("one of 'ae', 'denoising', 'sparse', 'contractive'");
    expect(help).toContain('Options of --family stacked:');
  });
});
