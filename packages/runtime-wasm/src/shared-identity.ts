import {
  getKernel,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/**
 * tfjs's engine keeps every tensor a gradient will need by cloning it (`Identity`), and the
 * WASM backend's `Identity` copies the data: in a training step of the 784-400-20 VAE that is
 * ~47 copies, among them each weight matrix saved by its matMul. Tensors are immutable, so the
 * clone can share the data instead, as the cpu backend's `Identity` and the WASM backend's own
 * `Reshape` do (the buffer is freed when its last user is disposed). This wraps `Identity` on
 * `wasm` to share; strings keep tfjs's path.
 */

const marker = Symbol.for('@aekit/runtime-wasm.shared-identity');

interface IdentityState {
  enabled: boolean;
}

const globalState = globalThis as { [marker]?: IdentityState };
globalState[marker] ??= { enabled: true };
const state: IdentityState = globalState[marker];

interface SharingBackend {
  incRef(dataId: object): void;
}

/** Wraps `Identity` on `backendName` so that it shares its input's data (idempotent). */
export function installSharedIdentity(backendName: string): void {
  const original = getKernel('Identity', backendName);
  if (original === undefined) return;
  if ((original.kernelFunc as unknown as Record<symbol, unknown>)[marker] === true) return;
  const kernelFunc: KernelFunc = (args) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    if (!state.enabled || x.dtype === 'string') return original.kernelFunc(args);
    (args.backend as unknown as SharingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  Object.defineProperty(kernelFunc, marker, { value: true });
  unregisterKernel('Identity', backendName);
  registerKernel({ ...original, kernelFunc });
}

/**
 * Turns sharing in `Identity` on or off for the whole process (on by default once `initBackend`
 * has run on `wasm`). Off gives tfjs's copying kernel: for comparisons.
 */
export function setSharedIdentityPatch(enabled: boolean): void {
  state.enabled = enabled;
}

/** Whether `Identity` on `wasm` shares data instead of copying it. */
export function sharedIdentityPatchEnabled(): boolean {
  return state.enabled;
}
