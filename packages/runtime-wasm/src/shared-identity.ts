import type { TensorInfo } from '@tensorflow/tfjs-core';
import { installKernelPatch, processState } from './kernel-patch';

/**
 * tfjs's engine keeps every tensor a gradient will need by cloning it (`Identity`), and the
 * WASM backend's `Identity` copies the data: in a training step of the 784-400-20 VAE that is
 * ~47 copies, among them each weight matrix saved by its matMul. Tensors are immutable, so the
 * clone can share the data instead, as the cpu backend's `Identity` and the WASM backend's own
 * `Reshape` do (the buffer is freed when its last user is disposed). This wraps `Identity` on
 * `wasm` to share; strings keep tfjs's path.
 */

const state = processState('@aekit/runtime-wasm.shared-identity', { enabled: true });

interface SharingBackend {
  incRef(dataId: object): void;
}

/** Wraps `Identity` on `backendName` so that it shares its input's data (idempotent). */
export function installSharedIdentity(backendName: string): void {
  installKernelPatch(backendName, {
    kernelName: 'Identity',
    key: '@aekit/runtime-wasm.shared-identity',
    enabled: () => state.enabled,
    create: (stock) => (args) => {
      const x = (args.inputs as { x: TensorInfo }).x;
      if (x.dtype === 'string') return stock(args);
      (args.backend as unknown as SharingBackend).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
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
