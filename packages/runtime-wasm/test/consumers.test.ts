import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// These run the *built* package through Node's own resolver, as a user's script would:
// `pnpm test` builds first (turbo: test dependsOn build).
const run = promisify(execFile);
const consumer = (name: string) => fileURLToPath(new URL(`./consumers/${name}`, import.meta.url));

async function runNode(script: string): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [consumer(script)], { timeout: 60_000 });
}

interface TrainingOutput {
  backend: string;
  losses: number[];
}

function expectTrainingFell(output: TrainingOutput): void {
  expect(output.backend).toBe('wasm');
  expect(output.losses).toHaveLength(20);
  for (const loss of output.losses) expect(Number.isFinite(loss)).toBe(true);
  const first = output.losses[0]!;
  const last = output.losses.at(-1)!;
  expect(last).toBeLessThan(0.6 * first);
  const steps = output.losses.slice(1).filter((loss, index) => loss < output.losses[index]!);
  expect(steps.length).toBeGreaterThanOrEqual(18);
}

describe('built package in plain Node', () => {
  beforeAll(() => {
    const built = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
    if (!existsSync(built)) throw new Error('Build @aekit/runtime-wasm first (pnpm build).');
  });

  it('trains a 784-64-784 network on wasm from an ESM script', async () => {
    const { stdout, stderr } = await runNode('train-dense.mjs');
    expect(stderr).toBe('');
    expectTrainingFell(JSON.parse(stdout) as TrainingOutput);
  });

  it('trains a 784-64-784 network on wasm from a CommonJS script', async () => {
    const { stdout, stderr } = await runNode('train-dense.cjs');
    expect(stderr).toBe('');
    expectTrainingFell(JSON.parse(stdout) as TrainingOutput);
  });

  it('gives ESM and CommonJS the same losses', async () => {
    const [esm, cjs] = await Promise.all([runNode('train-dense.mjs'), runNode('train-dense.cjs')]);
    expect((JSON.parse(esm.stdout) as TrainingOutput).losses).toEqual(
      (JSON.parse(cjs.stdout) as TrainingOutput).losses,
    );
  });

  it('warns, and runs on one thread, when Node is asked for WASM threads', async () => {
    const { stdout, stderr } = await runNode('threads.cjs');
    expect(JSON.parse(stdout)).toEqual({ backend: 'wasm', threads: 1 });
    expect(stderr.trim()).toBe(
      'initBackend: WASM threads are not available on this platform (node); running on 1 thread instead of 2.',
    );
  });

  it('hides the cpu backend banner but not real tfjs warnings', async () => {
    const { stdout, stderr } = await runNode('cpu-warnings.cjs');
    expect(JSON.parse(stdout)).toEqual({ backend: 'cpu', sum: 12 });
    expect(stderr).not.toMatch(/looks like you are running TensorFlow\.js in Node/);
    expect(stderr).toMatch(/cpu backend was already registered/);
  });

  for (const script of ['internal-switches.mjs', 'internal-switches.cjs']) {
    it(`switches the kernel patches off from the ./internal entry (${script})`, async () => {
      const { stdout, stderr } = await runNode(script);
      expect(stderr).toBe('');
      // SIMD is available in Node 20, so every patch starts on and each switch turns one off.
      const all = (value: boolean) => ({
        transposedMatMulPatch: value,
        sharedIdentityPatch: value,
        simdKernels: value,
      });
      expect(JSON.parse(stdout)).toEqual({ on: all(true), off: all(false), mainHasSwitch: false });
    });
  }
});
