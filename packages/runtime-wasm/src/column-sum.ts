import { type TensorInfo, util } from '@tensorflow/tfjs-core';
import { installKernelPatch } from './kernel-patch';
import { simdKernels } from './simd-kernels';

/**
 * The WASM backend sums a matrix over its rows (`sum(g, 0)`: every bias gradient) by
 * transposing it first and then summing along the contiguous axis. This wraps `Sum` on `wasm`
 * so that a float32 matrix summed over axis 0 is summed in place, four columns to a SIMD lane
 * group, by aekit's compiled `column_sum`; every other call goes to the backend's kernel.
 */

/** Wraps `Sum` on `backendName` (idempotent). */
export function installColumnSum(backendName: string): void {
  installKernelPatch(backendName, {
    kernelName: 'Sum',
    key: '@aekit/runtime-wasm.column-sum',
    // Off with aekit's compiled kernels (`setSimdKernels(false)`), checked per call below.
    create: (stock) => (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
      const kernels = simdKernels(args.backend);
      if (kernels === null || x.dtype !== 'float32' || x.shape.length !== 2) return stock(args);
      const axes = util.parseAxisParam(axis, x.shape);
      if (axes.length !== 1 || axes[0] !== 0) return stock(args);
      const [rows, columns] = x.shape as [number, number];
      const out = kernels.makeOutput(keepDims ? [1, columns] : [columns]);
      kernels.exports.column_sum(kernels.pointer(x), kernels.pointer(out), rows, columns);
      return out;
    },
  });
}
