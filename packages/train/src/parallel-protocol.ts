/**
 * The shared memory of data-parallel training (see `ParallelOptions`): the main thread and
 * each worker thread read and write `SharedArrayBuffer`s laid out here, and synchronise with
 * `Atomics` on the control words. One step:
 *
 * 1. main writes the weights into `parameters`, each worker's rows into `x` (and `labels`),
 *    each worker's row range and the step into `control`, zeroes DONE and bumps GENERATION;
 * 2. each worker (woken on GENERATION) loads the weights, computes the loss of its rows and
 *    the gradient of (its rows / batch rows) · total, writes them into its slot of `gradients`
 *    and `losses`, and adds 1 to DONE;
 * 3. main, having done the same for its own rows meanwhile, waits for DONE, sums the
 *    gradients and applies one optimiser update.
 */

/** Indices into the Int32 control array. */
export const control = {
  /** Bumped by main for every command. */
  generation: 0,
  /** What to do: `command.step` or `command.stop`. */
  command: 1,
  /** Workers that finished the current step. */
  done: 2,
  /** The training step (for the model's noise). */
  step: 3,
  /** Rows in the whole batch. */
  rows: 4,
  /** 1 when the batch has labels. */
  hasLabels: 5,
  /** Worker w's first row is at `firstRow + 2w`, its row count at `firstRow + 2w + 1`. */
  firstRow: 8,
} as const;

export const command = { step: 1, stop: 2 } as const;

/** Loss values each worker can report: the total and up to 63 terms. */
export const maxLossValues = 64;

/** Control words for `workers` threads (index 0, the main thread, has row words too). */
export function controlLength(workers: number): number {
  return control.firstRow + 2 * workers;
}

/** A trained variable as the workers see it. */
export interface SharedVariable {
  /** Logical name (`model.variables()` key). */
  readonly name: string;
  readonly shape: readonly number[];
  /** First element in `parameters` and in each worker's slot of `gradients`. */
  readonly offset: number;
  readonly size: number;
}

/** A module a worker imports: a `file:` URL, or a package name resolved from the file `from`. */
export interface WorkerModule {
  readonly specifier: string;
  readonly from: string | null;
}

/** What the main thread sends each worker once, when it starts. */
export interface WorkerInit {
  /** 1 … workers − 1. */
  readonly index: number;
  readonly backend: string;
  /** Modules to import first (they register the model's family). */
  readonly modules: readonly WorkerModule[];
  /** `@aekit/runtime-wasm`, whose `initBackend` starts `backend`. */
  readonly runtimeModule: WorkerModule;
  /** The model's config, with the worker's own seed. */
  readonly config: Record<string, unknown>;
  readonly variables: readonly SharedVariable[];
  readonly inputDim: number;
  readonly control: SharedArrayBuffer;
  readonly parameters: SharedArrayBuffer;
  readonly x: SharedArrayBuffer;
  readonly labels: SharedArrayBuffer;
  readonly gradients: SharedArrayBuffer;
  readonly losses: SharedArrayBuffer;
}

/** Messages from a worker. */
export type WorkerMessage =
  | { readonly kind: 'ready'; readonly names: readonly string[] }
  | { readonly kind: 'error'; readonly message: string; readonly stack?: string };

/** `rows` split into `parts` shares as equal as possible, the larger ones first. */
export function shares(rows: number, parts: number): number[] {
  const base = Math.floor(rows / parts);
  const extra = rows % parts;
  return Array.from({ length: parts }, (_, index) => base + (index < extra ? 1 : 0));
}
