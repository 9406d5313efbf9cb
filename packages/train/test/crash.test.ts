import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from './safetensors-reader';

// These run the *built* package in child processes, as a user's script would: `pnpm test`
// builds first (turbo: test dependsOn build).
const script = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
let root: string;

interface ChildResult {
  history: {
    epochs: number[];
    train: unknown;
    validation: unknown;
    learningRate: number[];
    samplesPerSecond: number[];
  };
  weights: Record<string, number[]>;
}

/** Runs the child to the end and returns its result. */
function runToEnd(dir: string, resume: boolean): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, 'none', ...(resume ? ['resume'] : [])]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout.trim()));
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

/** Starts the child, waits until it hangs at `pause`, and kills it with SIGKILL. */
function killAt(dir: string, pause: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir, pause]);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes(`PAUSED ${pause}`)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child ended with ${code} before pausing: ${stderr}`));
    });
  });
}

/** Reads a checkpoint file with the independent reader and checks it is whole. */
async function completeCheckpoint(path: string): Promise<{ epoch: number; step: number }> {
  const bytes = new Uint8Array(await readFile(path));
  const { tensors, metadata, headerSize } = readSafetensors(bytes);
  const dataBytes = Object.values(tensors).reduce((sum, t) => sum + 4 * t.values.length, 0);
  expect(bytes.byteLength).toBe(8 + headerSize + dataBytes);
  const state = JSON.parse(metadata!['aekit.checkpoint']!);
  return { epoch: state.epoch, step: state.step };
}

describe('checkpoints survive SIGKILL', () => {
  let reference: ChildResult;

  beforeAll(async () => {
    const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    if (!existsSync(built)) throw new Error('Build @aekit/train first (pnpm build).');
    root = await mkdtemp(join(tmpdir(), 'aekit-crash-'));
    reference = await runToEnd(join(root, 'reference'), false);
    expect(reference.history.epochs).toEqual([1, 2, 3, 4, 5]);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['step', 'mid-epoch'],
    ['write', 'halfway through writing the new checkpoint'],
    ['sync', 'after writing the new checkpoint, before renaming it into place'],
  ])(
    'killed at %s (%s): the old checkpoint is whole, and resuming finishes the same run',
    async (pause) => {
      const dir = join(root, pause);
      await killAt(dir, pause);
      const names = await readdir(dir);
      expect(names).toContain('checkpoint.safetensors');
      // Killed during a write: its temporary file is there, the checkpoint itself untouched.
      const temporaries = names.filter((name) => name.startsWith('.checkpoint.safetensors.tmp-'));
      expect(temporaries).toHaveLength(pause === 'step' ? 0 : 1);
      expect(await completeCheckpoint(join(dir, 'checkpoint.safetensors'))).toEqual({
        epoch: 2,
        step: 8,
      });
      const resumed = await runToEnd(dir, true);
      // Everything but the throughput, which is timing.
      const { samplesPerSecond: _, ...history } = resumed.history;
      const { samplesPerSecond: __, ...expected } = reference.history;
      expect(history).toEqual(expected);
      expect(resumed.weights).toEqual(reference.weights);
      expect(await readdir(dir)).toEqual(['checkpoint.safetensors']);
      expect(await completeCheckpoint(join(dir, 'checkpoint.safetensors'))).toEqual({
        epoch: 5,
        step: 20,
      });
    },
  );
});
