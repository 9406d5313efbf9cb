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
  | {
      readonly available: true;
      readonly python: string;
      readonly torch: string;
      /** What torch computes on in a process at 1 thread with this environment. */
      readonly runtime: TorchRuntime;
    }
  | { readonly available: false; readonly reason: string };

const describeScript =
  'import json; from torch_runtime import describe, set_threads; set_threads(1); print(json.dumps(describe()))';

/**
 * Whether a Python that can import torch is there (elsewhere the PyTorch rows are skipped), and
 * what torch computes on there (pytorch/torch_runtime.py).
 */
export async function findPyTorch(): Promise<PyTorchAvailability> {
  const errors: string[] = [];
  for (const python of pythonCandidates()) {
    try {
      const { stdout } = await promisify(execFile)(python, ['-c', describeScript], {
        timeout: 60_000,
        cwd: scriptDir,
      });
      const runtime = JSON.parse(stdout.trim().split('\n').at(-1)!) as TorchRuntime;
      return { available: true, python, torch: runtime.torch, runtime };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n').at(-2) : String(error);
      errors.push(`${python}: ${message ?? 'failed'}`);
    }
  }
  return {
    available: false,
    reason: `no python3 here can import torch (${errors.join('; ')}); on Debian: apt-get install python3-torch libopenblas0-pthread, or set AEKIT_PYTHON`,
  };
}

/** What a torch process reported of itself (pytorch/torch_runtime.py `describe()`). */
export interface TorchRuntime {
  readonly torch: string;
  /** torch's intra-op threads. */
  readonly threads: number;
  /** `torch.__config__.show()`: the build settings. */
  readonly config: string;
  /** The lines of /proc/self/maps that name a BLAS or LAPACK shared object. */
  readonly maps: readonly string[];
  /** Every mapped library that answers OpenBLAS's own queries. */
  readonly openblas: readonly {
    readonly path: string;
    readonly config: string;
    readonly corename: string;
    readonly threads: number;
  }[];
  /** The machine's OpenBLAS overrides (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) this process saw. */
  readonly overrides: Readonly<Record<string, string>>;
}

/** The BLAS torch's products run on, as decided by `detectBlas`. */
export interface BlasInfo {
  readonly kind: 'OpenBLAS' | 'reference BLAS' | 'MKL' | 'BLIS' | 'ATLAS' | 'unknown';
  /** False for the reference BLAS (and for an unknown one): no ratio is shown against it. */
  readonly optimised: boolean;
  /** The shared object torch's BLAS calls resolve to, when one is mapped. */
  readonly library: string | null;
  /** e.g. 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64'. */
  readonly version: string | null;
  /** The kernels OpenBLAS chose (`openblas_get_corename`), e.g. 'Haswell', 'SkylakeX', 'Zen'. */
  readonly corename: string | null;
  /** OpenBLAS's own thread pool. */
  readonly threads: number | null;
  /** torch's build setting, e.g. 'generic' (Debian: whatever libblas.so.3 points at). */
  readonly blasInfo: string | null;
}

/** The distinct file paths of /proc/<pid>/maps lines, in order. */
export function mappedPaths(maps: readonly string[]): string[] {
  const paths: string[] = [];
  for (const line of maps) {
    const path = /^\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(\/.*)$/.exec(line.trim())?.[1];
    if (path !== undefined && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

/** `BLAS_INFO=<value>` of torch's build settings, or null. */
export function buildBlasInfo(config: string): string | null {
  return /(?:^|[\s,])BLAS_INFO=([^,\s]+)/.exec(config)?.[1] ?? null;
}

/** The kind of BLAS a shared object is, from its path (Debian's layout and upstream names). */
export function blasKindOfPath(path: string): BlasInfo['kind'] {
  const file = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const directory = path.slice(0, path.lastIndexOf('/')).toLowerCase();
  if (file.startsWith('libopenblas') || /\/openblas[^/]*$/.test(directory)) return 'OpenBLAS';
  if (file.startsWith('libmkl') || directory.includes('mkl')) return 'MKL';
  if (file.startsWith('libblis') || /\/blis[^/]*$/.test(directory)) return 'BLIS';
  if (file.startsWith('libsatlas') || file.startsWith('libtatlas') || /\/atlas$/.test(directory))
    return 'ATLAS';
  // Debian's libblas3 installs the reference implementation as <libdir>/blas/libblas.so.3.
  if (file.startsWith('libblas.so') && /\/blas$/.test(directory)) return 'reference BLAS';
  return 'unknown';
}

/**
 * What torch's products run on. Debian's torch (BLAS_INFO=generic) calls `libblas.so.3`,
 * whatever the alternatives system points it at, so the mapped `libblas.so*` decides, not merely
 * whether an OpenBLAS is mapped: `liblapack.so.3` can be OpenBLAS (and map it) while
 * `libblas.so.3` is the reference BLAS. A torch built against MKL or OpenBLAS itself says so in
 * BLAS_INFO (pip's wheels link MKL statically: nothing is mapped). Generic with no BLAS mapped
 * runs on no optimised BLAS.
 */
export function detectBlas(runtime: TorchRuntime): BlasInfo {
  const blasInfo = buildBlasInfo(runtime.config);
  const paths = mappedPaths(runtime.maps);
  const blas = paths.find((path) => /\/libblas\.so[^/]*$/.test(path));
  const openblasOf = (path: string | null) =>
    runtime.openblas.find((entry) => entry.path === path) ??
    (path === null ? runtime.openblas[0] : undefined);
  const describe = (kind: BlasInfo['kind'], library: string | null): BlasInfo => {
    const openblas = kind === 'OpenBLAS' ? openblasOf(library) : undefined;
    return {
      kind,
      optimised: kind !== 'reference BLAS' && kind !== 'unknown',
      library,
      version: openblas?.config ?? null,
      corename: openblas?.corename ?? null,
      threads: openblas?.threads ?? null,
      blasInfo,
    };
  };
  if (blas !== undefined) {
    // Debian's OpenBLAS libblas.so.3 answers OpenBLAS's queries itself.
    const kind = runtime.openblas.some((entry) => entry.path === blas)
      ? 'OpenBLAS'
      : blasKindOfPath(blas);
    return describe(kind, blas);
  }
  if (blasInfo === 'mkl') return describe('MKL', paths.find((path) => /mkl/i.test(path)) ?? null);
  if (blasInfo === 'open' || blasInfo === 'openblas') {
    return describe('OpenBLAS', runtime.openblas[0]?.path ?? null);
  }
  const other = paths.find((path) => blasKindOfPath(path) !== 'unknown');
  if (other !== undefined) return describe(blasKindOfPath(other), other);
  return describe(blasInfo === 'generic' || blasInfo === null ? 'reference BLAS' : 'unknown', null);
}

/** 'OpenBLAS 0.3.21', or the kind alone where it reports no version. */
export function blasName(blas: BlasInfo): string {
  const version = /^OpenBLAS (\S+)/.exec(blas.version ?? '')?.[1];
  return version === undefined ? blas.kind : `${blas.kind} ${version}`;
}

/** One line for the table: 'OpenBLAS 0.3.21 (Haswell kernels, 1 thread), /usr/lib/…'. */
export function describeBlas(blas: BlasInfo): string {
  const details = [
    ...(blas.corename === null ? [] : [`${blas.corename} kernels`]),
    ...(blas.threads === null ? [] : [`${blas.threads} thread${blas.threads === 1 ? '' : 's'}`]),
  ];
  return (
    blasName(blas) +
    (details.length === 0 ? '' : ` (${details.join(', ')})`) +
    (blas.library === null ? '' : `, ${blas.library}`) +
    (blas.blasInfo === null ? '' : `; torch BLAS_INFO=${blas.blasInfo}`)
  );
}

/** Why there is no ratio against this BLAS, or null where a ratio is fair. */
export function noRatioReason(blas: BlasInfo): string | null {
  if (blas.optimised) return null;
  return blas.kind === 'reference BLAS'
    ? `PyTorch runs on the reference BLAS (${blas.library ?? `BLAS_INFO=${blas.blasInfo}, no optimised BLAS loaded`}), ` +
        'not the PyTorch users have: on Debian, apt-get install libopenblas0-pthread'
    : `PyTorch's BLAS could not be identified (BLAS_INFO=${blas.blasInfo})`;
}

/**
 * How far two settings' losses may differ and still compute "the same": relative 1e-4 on each
 * step's loss (summed over the batch) of a short fixed-seed run. A different summation order
 * (other kernels, other thread count, another BLAS) changes float32 sums by rounding only:
 * measured ≤ 2e-7 relative over 20 steps here (1 vs 2 threads, Haswell vs Zen kernels,
 * OpenBLAS vs the reference BLAS). A kernel that computes wrong products moves the loss by far
 * more than 1e-4 within a step or two, or makes it NaN.
 */
export const lossTolerance = 1e-4;

/** Whether `losses` agree with `reference` step by step (same length, finite, within `rtol`). */
export function lossesAgree(
  reference: readonly number[],
  losses: readonly number[],
  rtol: number = lossTolerance,
): { readonly agree: boolean; readonly maxRelativeDifference: number } {
  if (reference.length === 0 || losses.length !== reference.length) {
    return { agree: false, maxRelativeDifference: Number.POSITIVE_INFINITY };
  }
  let worst = 0;
  for (let step = 0; step < reference.length; step += 1) {
    const expected = reference[step]!;
    const actual = losses[step]!;
    const difference =
      Number.isFinite(expected) && Number.isFinite(actual)
        ? Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE)
        : Number.POSITIVE_INFINITY;
    worst = Math.max(worst, difference);
  }
  return { agree: worst <= rtol, maxRelativeDifference: worst };
}

/** The names of the machine's OpenBLAS overrides the bench tries with and without. */
export const openBlasOverrides = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

/** A setting of the contender: torch threads, and whether the machine's overrides are unset. */
export interface PyTorchSetting {
  readonly threads: number;
  readonly unsetOverrides: boolean;
}

/**
 * The settings to try: 1 and 2 threads, each with the environment as it is and, where it sets
 * any of the OpenBLAS overrides, with both unset. The first is the reference of the loss check.
 */
export function pyTorchSettings(
  environment: Readonly<Record<string, string | undefined>>,
  threads: readonly number[] = [1, 2],
): PyTorchSetting[] {
  const overridden = openBlasOverrides.some((name) => environment[name] !== undefined);
  return threads.flatMap((count) => [
    { threads: count, unsetOverrides: false },
    ...(overridden ? [{ threads: count, unsetOverrides: true }] : []),
  ]);
}

/** 'PyTorch 2 threads', 'PyTorch 1 thread, OpenBLAS overrides unset'. */
export function settingName(setting: PyTorchSetting): string {
  return (
    `PyTorch ${setting.threads} thread${setting.threads === 1 ? '' : 's'}` +
    (setting.unsetOverrides ? ', OpenBLAS overrides unset' : '')
  );
}

/** The environment of a contender process for `setting`: the overrides unset, both together. */
export function settingEnvironment(
  setting: PyTorchSetting,
  environment: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const copy = { ...environment };
  if (setting.unsetOverrides) for (const name of openBlasOverrides) delete copy[name];
  return copy;
}

/**
 * The fastest setting whose losses agree with the reference setting's, by median samples/s;
 * undefined when none agrees.
 */
export function fastestAgreeing<T extends { readonly agree: boolean; readonly median: number }>(
  settings: readonly T[],
): T | undefined {
  return settings
    .filter((setting) => setting.agree)
    .reduce<T | undefined>(
      (best, setting) => (best === undefined || setting.median > best.median ? setting : best),
      undefined,
    );
}

/**
 * A long-lived PyTorch process (vae_server.py, or conv_server.py for the convolution rows) that
 * trains or encodes on command.
 */
export class PyTorchContender {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly reader: Interface,
    private readonly lines: AsyncIterator<string>,
    readonly setting: PyTorchSetting,
    /** What the process computes on, as it reported it once ready. */
    readonly runtime: TorchRuntime,
    /** The whole line the process printed once ready (`runtime` and any script's extras). */
    readonly ready: Readonly<Record<string, unknown>>,
  ) {}

  /** Threads torch (and OpenBLAS) compute on. */
  get threads(): number {
    return this.runtime.threads;
  }

  get name(): string {
    return settingName(this.setting);
  }

  /** Starts `script` (from apps/bench/pytorch) at `setting`; resolves once the data is loaded. */
  static async start(
    python: string,
    setting: PyTorchSetting,
    script = 'vae_server.py',
  ): Promise<PyTorchContender> {
    const child = spawn(python, [`${scriptDir}${script}`, '--threads', String(setting.threads)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: settingEnvironment(setting),
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
    const ready = JSON.parse(first.value) as { runtime: TorchRuntime };
    return new PyTorchContender(child, reader, lines, setting, ready.runtime, ready);
  }

  /** Sends one command and waits for its answer; throws the error the process answers with. */
  async ask(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error('PyTorch contender exited');
    const answer = JSON.parse(next.value) as Record<string, unknown>;
    if (typeof answer.error === 'string') throw new Error(`PyTorch contender: ${answer.error}`);
    return answer;
  }

  /**
   * The loss of each of `steps` steps of a fresh model (seed 1) on the first batches of a seeded
   * order: the same initial weights and batches in every process, whatever its setting.
   */
  async check(hidden: number, batchSize: number, steps: number): Promise<number[]> {
    return (await this.ask({ cmd: 'check', hidden, batchSize, seed: 1, steps })).losses as number[];
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
