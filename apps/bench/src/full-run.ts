import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  describeBlas,
  detectBlas,
  findPyTorch,
  settingEnvironment,
  type TorchRuntime,
} from './pytorch';

/** One complete 10-epoch training run in a process of its own. */
export interface FullRunRow {
  readonly implementation: 'aekit wasm' | 'PyTorch';
  readonly epochs: number;
  readonly samplesPerSecond: number;
  /** Test −ELBO per example after the run, in nats. */
  readonly testNegativeElbo: number;
  /** Peak resident set size of the process over training and the test evaluation, in MB. */
  readonly peakRssMB: number;
  readonly seconds: number;
  /** What PyTorch's products ran on (`describeBlas`); null for aekit. */
  readonly blas: string | null;
}

export type FullRunResult = {
  readonly rows: readonly FullRunRow[];
  /** Why PyTorch has no row, when it has none. */
  readonly pytorchSkipped?: string;
};

const lastJsonLine = (stdout: string) =>
  JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

/**
 * Row 5's memory figure: the full reference run (Fashion-MNIST, 784-400-20, batch 128, Adam
 * 1e-3, `epochs` epochs) of aekit on wasm and of PyTorch (at the setting the interleaved run
 * chose: `pytorchThreads` threads, the OpenBLAS overrides unset or not), one after the other, each in its own process, reporting peak resident memory. Minutes long: behind
 * `pnpm bench --full-run`.
 */
export async function benchFullRun(options: {
  epochs: number;
  pytorchThreads: number;
  pytorchUnsetOverrides: boolean;
}): Promise<FullRunResult> {
  const run = promisify(execFile);
  const rows: FullRunRow[] = [];
  let start = performance.now();
  const quality = fileURLToPath(new URL('./vae-quality.js', import.meta.url));
  const aekit = lastJsonLine(
    (
      await run(process.execPath, [quality, '--json', '--epochs', String(options.epochs)], {
        maxBuffer: 1 << 24,
      })
    ).stdout,
  );
  rows.push({
    implementation: 'aekit wasm',
    epochs: options.epochs,
    samplesPerSecond: aekit.samplesPerSecond as number,
    testNegativeElbo: aekit.testNegativeElbo as number,
    peakRssMB: aekit.trainingPeakRssMB as number,
    seconds: (performance.now() - start) / 1000,
    blas: null,
  });
  const torch = await findPyTorch();
  if (!torch.available) return { rows, pytorchSkipped: torch.reason };
  start = performance.now();
  const script = fileURLToPath(new URL('../pytorch/vae_reference.py', import.meta.url));
  const reference = lastJsonLine(
    (
      await run(
        torch.python,
        [script, '--epochs', String(options.epochs), '--threads', String(options.pytorchThreads)],
        {
          maxBuffer: 1 << 24,
          env: settingEnvironment({
            threads: options.pytorchThreads,
            unsetOverrides: options.pytorchUnsetOverrides,
          }),
        },
      )
    ).stdout,
  );
  rows.push({
    implementation: 'PyTorch',
    epochs: options.epochs,
    samplesPerSecond: reference.samplesPerSecond as number,
    testNegativeElbo: (reference.test as { loss: number }).loss,
    peakRssMB: reference.peakRssMB as number,
    seconds: (performance.now() - start) / 1000,
    blas: describeBlas(detectBlas(reference.runtime as TorchRuntime)),
  });
  return { rows };
}
