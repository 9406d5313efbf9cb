import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The PyTorch reference scripts, beside the built benchmark (apps/bench/pytorch). */
const scriptDir = fileURLToPath(new URL('../pytorch/', import.meta.url));

/**
 * The Python that runs the PyTorch contender: `AEKIT_PYTHON`, else Debian's `/usr/bin/python3`
 * (which has python3-torch where it is installed), else `python3` on the PATH.
 */
function pythonCandidates(): string[] {
  const fromEnvironment = process.env.AEKIT_PYTHON;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return [fromEnvironment];
  return [...(existsSync('/usr/bin/python3') ? ['/usr/bin/python3'] : []), 'python3'];
}

export type PyTorchAvailability =
  | { readonly available: true; readonly python: string; readonly torch: string }
  | { readonly available: false; readonly reason: string };

/** Whether a Python that can import torch is there (CI has none: the PyTorch rows are skipped). */
export async function findPyTorch(): Promise<PyTorchAvailability> {
  const errors: string[] = [];
  for (const python of pythonCandidates()) {
    try {
      const { stdout } = await promisify(execFile)(
        python,
        ['-c', 'import torch; print(torch.__version__)'],
        { timeout: 60_000 },
      );
      return { available: true, python, torch: stdout.trim() };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n').at(-2) : String(error);
      errors.push(`${python}: ${message ?? 'failed'}`);
    }
  }
  return {
    available: false,
    reason: `no python3 here can import torch (${errors.join('; ')}); on Debian: apt-get install python3-torch, or set AEKIT_PYTHON`,
  };
}

/** A long-lived PyTorch process (vae_server.py) that trains or encodes on command. */
export class PyTorchContender {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly reader: Interface,
    private readonly lines: AsyncIterator<string>,
    /** Threads torch computes on. */
    readonly threads: number,
    readonly torchVersion: string,
  ) {}

  /** Starts `vae_server.py` with `threads` torch threads; resolves once the data is loaded. */
  static async start(python: string, threads: number): Promise<PyTorchContender> {
    const child = spawn(python, [`${scriptDir}vae_server.py`, '--threads', String(threads)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const reader = createInterface({ input: child.stdout });
    const lines = reader[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) {
      throw new Error(`PyTorch contender exited before it was ready: ${stderr.trim()}`);
    }
    const ready = JSON.parse(first.value) as { threads: number; torch: string };
    return new PyTorchContender(child, reader, lines, ready.threads, ready.torch);
  }

  private async ask(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error('PyTorch contender exited');
    const answer = JSON.parse(next.value) as Record<string, unknown>;
    if (typeof answer.error === 'string') throw new Error(`PyTorch contender: ${answer.error}`);
    return answer;
  }

  /** A fresh model of `hidden` units trained in batches of `batchSize`. */
  async setup(hidden: number, batchSize: number): Promise<void> {
    await this.ask({ cmd: 'setup', hidden, batchSize, seed: 1 });
  }

  /** Seconds for `steps` training steps (timed inside Python, without the pipe). */
  async train(steps: number): Promise<number> {
    return (await this.ask({ cmd: 'train', steps })).seconds as number;
  }

  /** Seconds for `repeats` encodings (posterior means) of `batchSize` examples. */
  async encode(batchSize: number, repeats: number): Promise<number> {
    return (await this.ask({ cmd: 'encode', batchSize, repeats })).seconds as number;
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.write(`${JSON.stringify({ cmd: 'quit' })}\n`);
    this.child.stdin.end();
    await exited;
    this.reader.close();
  }
}
