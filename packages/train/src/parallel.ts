import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  type Batch,
  deriveSeed,
  findAutoencoderFamily,
  InvalidArgumentError,
  type TrainableModel,
} from '@aekit/core';
import {
  add,
  getBackend,
  type NamedTensorMap,
  slice,
  type Tensor,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import type { StartParallel } from './fit';
import { type BatchGradients, batchGradients, type GradientSource } from './gradient-shares';
import {
  command,
  controlLength,
  maxLossValues,
  type SharedVariable,
  shares,
  control as slot,
  type WorkerInit,
  type WorkerMessage,
  type WorkerModule,
} from './parallel-protocol';
import type { NamedVariable } from './run-state';

/** This module's file, in the ESM build, the CommonJS build, or the sources under a test runner. */
function here(): URL {
  return typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
}

/** The worker script beside this module's build (the sources' tests use the build). */
function workerScript(): URL {
  const self = here();
  const extension = self.pathname.endsWith('.cjs') ? 'cjs' : 'js';
  for (const candidate of [
    new URL(`./parallel-worker.${extension}`, self),
    new URL('../dist/parallel-worker.js', self),
  ]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    'fit: the worker script parallel-worker.js of @aekit/train is missing (build the package).',
  );
}

/**
 * A module for a worker to import: paths are taken from the current folder; package names must
 * resolve from the current folder or the main script, and the worker resolves them from there
 * itself (with its own export conditions).
 */
function resolveForWorker(specifier: string, argument: string): WorkerModule {
  if (specifier.startsWith('file:')) return { specifier, from: null };
  if (isAbsolute(specifier) || specifier.startsWith('.')) {
    return { specifier: pathToFileURL(resolve(specifier)).href, from: null };
  }
  const bases = [
    join(process.cwd(), 'noop.js'),
    ...(process.argv[1] === undefined ? [] : [process.argv[1]]),
  ];
  for (const base of bases) {
    try {
      createRequire(base).resolve(specifier);
      return { specifier, from: base };
    } catch {
      // Try the next base.
    }
  }
  throw new InvalidArgumentError({
    functionName: 'fit',
    argument,
    rule: 'modules the worker threads can import (installed where the application runs)',
    value: specifier,
  });
}

/** `Atomics.waitAsync` (Node 16+), which the ES2022 library types do not declare. */
interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
    timeout: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}

/**
 * The Node options the workers get: the main thread's, less those a worker thread cannot take
 * (V8 and process-wide flags such as `--expose-gc`: only options Node allows in NODE_OPTIONS
 * are kept) and less this repository's development-only export condition `@aekit/source` (a
 * test runner that compiles TypeScript uses it; a plain worker cannot load the sources it
 * names). `undefined` when nothing needs removing: the workers then inherit as Node does.
 */
function workerExecArgv(): string[] | undefined {
  const given = process.execArgv;
  const kept: string[] = [];
  let keepValue = false;
  for (let index = 0; index < given.length; index += 1) {
    const option = given[index]!;
    if (!option.startsWith('-')) {
      if (keepValue) kept.push(option);
      keepValue = false;
      continue;
    }
    const [name, value] = option.split('=', 2) as [string, string | undefined];
    const next = given[index + 1];
    const isSource =
      (name === '--conditions' || name === '-C') && (value ?? next) === '@aekit/source';
    keepValue = !isSource && process.allowedNodeEnvironmentFlags.has(name) && value === undefined;
    if (!isSource && process.allowedNodeEnvironmentFlags.has(name)) kept.push(option);
  }
  return kept.length === given.length ? undefined : kept;
}

/** `Atomics.waitAsync` (Node 16+), which the ES2022 library types do not declare. */
interface AtomicsWaitAsync {
  waitAsync(
    array: Int32Array,
    index: number,
    value: number,
    timeout: number,
  ): { async: false; value: string } | { async: true; value: Promise<string> };
}

interface Failure {
  error?: Error;
}

/** Data-parallel gradients: this thread and `workers − 1` worker threads share each batch. */
class ParallelGradients implements GradientSource {
  private readonly words: Int32Array;
  private readonly parameters: Float32Array;
  private readonly x: Float32Array;
  private readonly labels: Int32Array;
  private readonly gradientSlots: Float32Array;
  private readonly losses: Float32Array;
  private readonly failure: Failure = {};
  private closed = false;

  constructor(
    private readonly model: TrainableModel,
    private readonly trained: readonly NamedVariable[],
    private readonly variables: readonly SharedVariable[],
    private readonly threads: readonly Worker[],
    buffers: Omit<
      WorkerInit,
      'index' | 'backend' | 'modules' | 'runtimeModule' | 'config' | 'variables' | 'inputDim'
    >,
    private readonly inputDim: number,
    private readonly maxRows: number,
  ) {
    this.words = new Int32Array(buffers.control);
    this.parameters = new Float32Array(buffers.parameters);
    this.x = new Float32Array(buffers.x);
    this.labels = new Int32Array(buffers.labels);
    this.gradientSlots = new Float32Array(buffers.gradients);
    this.losses = new Float32Array(buffers.losses);
    for (const thread of threads) {
      thread.on('message', (message: WorkerMessage) => {
        if (message.kind === 'error') this.failure.error ??= workerError(message.message);
      });
      thread.on('error', (error) => {
        this.failure.error ??= workerError(error.message);
      });
      thread.on('exit', (code) => {
        if (!this.closed) this.failure.error ??= workerError(`exited with code ${code}`);
      });
    }
  }

  private get totalSize(): number {
    return this.variables.reduce((sum, variable) => sum + variable.size, 0);
  }

  async gradients(batch: Batch, step: number): Promise<BatchGradients> {
    this.throwIfFailed();
    const rows = batch.x.shape[0];
    if (rows > this.maxRows) {
      throw new InvalidArgumentError({
        functionName: 'fit',
        argument: 'data',
        rule: `batches of at most options.batchSize (${this.maxRows}) rows`,
        value: `a batch of ${rows} rows`,
      });
    }
    const parts = shares(rows, this.threads.length + 1);
    // The weights, then each worker's rows.
    this.trained.forEach(([, variable], index) => {
      this.parameters.set(variable.dataSync() as Float32Array, this.variables[index]!.offset);
    });
    const dim = this.inputDim;
    const allX = batch.x.dataSync() as Float32Array;
    const allLabels = batch.labels?.dataSync() as Int32Array | undefined;
    let first = parts[0]!;
    const active: number[] = [];
    for (let worker = 1; worker < parts.length; worker += 1) {
      const count = parts[worker]!;
      this.words[slot.firstRow + 2 * worker] = first;
      this.words[slot.firstRow + 2 * worker + 1] = count;
      this.x.set(allX.subarray(first * dim, (first + count) * dim), first * dim);
      if (allLabels !== undefined) this.labels.set(allLabels.subarray(first, first + count), first);
      if (count > 0) active.push(worker);
      first += count;
    }
    this.words[slot.rows] = rows;
    this.words[slot.step] = step;
    this.words[slot.hasLabels] = allLabels === undefined ? 0 : 1;
    this.words[slot.command] = command.step;
    Atomics.store(this.words, slot.done, 0);
    Atomics.add(this.words, slot.generation, 1);
    Atomics.notify(this.words, slot.generation);

    const own = parts[0]!;
    const ownBatch: Batch = {
      x: slice(batch.x, 0, own),
      ...(batch.labels === undefined ? {} : { labels: slice(batch.labels, 0, own) }),
    };
    let mine: BatchGradients;
    try {
      mine = await batchGradients(this.model, this.trained, ownBatch, step, own / rows);
    } finally {
      ownBatch.x.dispose();
      ownBatch.labels?.dispose();
    }
    try {
      await this.waitForWorkers(this.threads.length);
      const values = mine.values.map((value) => (value * own) / rows);
      for (const worker of active) {
        const base = (worker - 1) * maxLossValues;
        for (let index = 0; index < values.length; index += 1) {
          values[index]! += (this.losses[base + index]! * parts[worker]!) / rows;
        }
      }
      const total = this.totalSize;
      const grads: NamedTensorMap = {};
      this.trained.forEach(([, variable], index) => {
        const mineGradient = mine.grads[variable.name];
        if (mineGradient === undefined) return;
        const { offset, size, shape } = this.variables[index]!;
        grads[variable.name] = tidy(() =>
          active.reduce<Tensor>((sum, worker) => {
            const start = (worker - 1) * total + offset;
            return add(sum, tensor(this.gradientSlots.slice(start, start + size), [...shape]));
          }, mineGradient),
        );
      });
      return { names: mine.names, values, grads };
    } finally {
      for (const gradient of Object.values(mine.grads)) gradient.dispose();
    }
  }

  /** Resolves once `expected` workers reported DONE; rejects if one failed. */
  private async waitForWorkers(expected: number): Promise<void> {
    for (;;) {
      const done = Atomics.load(this.words, slot.done);
      if (done >= expected) return;
      this.throwIfFailed();
      const waiting = (Atomics as unknown as AtomicsWaitAsync).waitAsync(
        this.words,
        slot.done,
        done,
        1000,
      );
      if (waiting.async) await waiting.value;
    }
  }

  private throwIfFailed(): void {
    if (this.failure.error !== undefined) throw this.failure.error;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.words[slot.command] = command.stop;
    Atomics.add(this.words, slot.generation, 1);
    Atomics.notify(this.words, slot.generation);
    await Promise.all(
      this.threads.map(
        (thread) =>
          new Promise<void>((resolveExit) => {
            const timer = setTimeout(() => void thread.terminate(), 5000);
            thread.once('exit', () => {
              clearTimeout(timer);
              resolveExit();
            });
          }),
      ),
    );
  }
}

function workerError(message: string): Error {
  return new Error(`fit: a worker thread of options.parallel failed: ${message}`);
}

/** Starts `parallel.workers − 1` worker threads with replicas of `model`. */
export const startParallel: StartParallel = async (model, trained, parallel, batchSize) => {
  const family = findAutoencoderFamily(model.config.family);
  const modules = (parallel.modules ?? (family === undefined ? [] : [family.packageName])).map(
    (specifier, index) => resolveForWorker(specifier, `options.parallel.modules[${index}]`),
  );
  if (parallel.modules === undefined && family === undefined) {
    throw new InvalidArgumentError({
      functionName: 'fit',
      argument: 'options.parallel.modules',
      rule: `the module(s) that register the family '${model.config.family}' in a worker thread`,
      value: undefined,
    });
  }
  const runtimeModule = resolveForWorker(
    '@aekit/runtime-wasm',
    'options.parallel (@aekit/runtime-wasm)',
  );
  let offset = 0;
  const variables: SharedVariable[] = trained.map(([name, variable]) => {
    const shared = { name, shape: [...variable.shape], offset, size: variable.size };
    offset += variable.size;
    return shared;
  });
  const count = parallel.workers - 1;
  const inputDim = model.config.inputDim;
  // A batch has at most `batchSize` rows (BatchSource.batches yields no larger ones).
  const maxRows = batchSize;
  const buffers = {
    control: new SharedArrayBuffer(4 * controlLength(parallel.workers)),
    parameters: new SharedArrayBuffer(4 * offset),
    x: new SharedArrayBuffer(4 * maxRows * inputDim),
    labels: new SharedArrayBuffer(4 * maxRows),
    gradients: new SharedArrayBuffer(4 * offset * count),
    losses: new SharedArrayBuffer(4 * maxLossValues * count),
  };
  const config = model.config as unknown as Record<string, unknown>;
  const script = workerScript();
  const threads: Worker[] = [];
  try {
    for (let index = 1; index <= count; index += 1) {
      const init: WorkerInit = {
        index,
        backend: getBackend(),
        modules,
        runtimeModule,
        // Its own seed, so the worker's random draws are independent of this thread's.
        config:
          typeof config.seed === 'number'
            ? { ...config, seed: deriveSeed(config.seed, 0x70a11e1, index) }
            : config,
        variables,
        inputDim,
        ...buffers,
      };
      const execArgv = workerExecArgv();
      threads.push(
        new Worker(script, { workerData: init, ...(execArgv === undefined ? {} : { execArgv }) }),
      );
    }
    await Promise.all(
      threads.map(
        (thread) =>
          new Promise<void>((resolveReady, reject) => {
            thread.once('message', (message: WorkerMessage) => {
              if (message.kind === 'ready') resolveReady();
              else reject(workerError(message.message));
            });
            thread.once('error', (error) => reject(workerError(error.message)));
          }),
      ),
    );
  } catch (error) {
    await Promise.all(threads.map((thread) => thread.terminate()));
    throw error;
  }
  return new ParallelGradients(model, trained, variables, threads, buffers, inputDim, maxRows);
};
