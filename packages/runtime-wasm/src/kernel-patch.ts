import {
  getKernel,
  type KernelFunc,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/**
 * How this package replaces one of a backend's stock kernels by its own (the transposed-matMul
 * wrappers, the sharing `Identity`, the compiled column `Sum`): the stock kernel is looked up
 * and kept, ours is registered in its place and hands a call back to the stock kernel while its
 * switch is off, and a mark on our kernel makes installing it again a no-op, also from a second
 * copy of this package loaded in the same process.
 */

/**
 * State shared by every copy of this package loaded in the process, found on `globalThis` under
 * `Symbol.for(key)`: the object already there, with any field it lacks (from an older copy)
 * filled from `initial`, or else `initial` itself.
 */
export function processState<State extends object>(key: string, initial: State): State {
  const store = globalThis as Record<symbol, unknown>;
  const marker = Symbol.for(key);
  const existing = store[marker] as Partial<State> | undefined;
  if (existing === undefined) {
    store[marker] = initial;
    return initial;
  }
  for (const field of Object.keys(initial) as (keyof State)[]) {
    existing[field] ??= initial[field];
  }
  return existing as State;
}

/** One replacement of a stock kernel. */
export interface KernelPatch {
  /** The kernel replaced, e.g. `'Identity'`. */
  readonly kernelName: string;
  /** Marks our kernel (as `Symbol.for(key)`), so that it is installed once per backend. */
  readonly key: string;
  /** While this returns `false`, every call goes to the stock kernel. Default: always on. */
  readonly enabled?: () => boolean;
  /**
   * Our kernel, given the stock one to call for what it does not handle; `undefined` leaves the
   * stock kernel in place (when this backend lacks something ours needs).
   */
  readonly create: (stock: KernelFunc, backendName: string) => KernelFunc | undefined;
}

/**
 * Registers `patch`'s kernel on `backendName` in place of the stock one (idempotent). Returns
 * whether ours is registered there now (installed by this call or before).
 */
export function installKernelPatch(backendName: string, patch: KernelPatch): boolean {
  const stock = getKernel(patch.kernelName, backendName);
  if (stock === undefined) return false;
  const marker = Symbol.for(patch.key);
  if ((stock.kernelFunc as unknown as Record<symbol, unknown>)[marker] === true) return true;
  const ours = patch.create(stock.kernelFunc, backendName);
  if (ours === undefined) return false;
  const { enabled } = patch;
  const kernelFunc: KernelFunc =
    enabled === undefined ? ours : (args) => (enabled() ? ours(args) : stock.kernelFunc(args));
  Object.defineProperty(kernelFunc, marker, { value: true });
  unregisterKernel(patch.kernelName, backendName);
  registerKernel({ ...stock, kernelFunc });
  return true;
}
