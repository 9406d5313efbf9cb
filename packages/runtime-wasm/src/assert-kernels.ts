import { UnsupportedKernelError } from '@aekit/core';
import { getBackend, getKernel } from '@tensorflow/tfjs-core';

/**
 * Checks, before any work starts, that `backend` (default: the active one) has a kernel for
 * each name in `kernelNames`; throws `UnsupportedKernelError` naming the backend and every
 * missing kernel. Use it to fail fast, e.g. `assertKernels(['DepthwiseConv2dNativeBackpropFilter'])`
 * before training a depthwise-convolutional model on `wasm`, which has no such kernel.
 */
export function assertKernels(
  kernelNames: readonly string[],
  options: { backend?: string; hint?: string } = {},
): void {
  const backend = options.backend ?? getBackend();
  const missing = [...new Set(kernelNames)].filter(
    (name) => getKernel(name, backend) === undefined,
  );
  if (missing.length > 0) {
    throw new UnsupportedKernelError({
      backend,
      kernels: missing,
      ...(options.hint === undefined ? {} : { hint: options.hint }),
    });
  }
}
