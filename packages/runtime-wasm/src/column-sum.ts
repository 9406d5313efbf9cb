import {
  getKernel,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
  util,
} from '@tensorflow/tfjs-core';
import { simdKernels } from './simd-kernels';

/**
 * The WASM backend sums a matrix over its rows (`sum(g, 0)`: every bias gradient) by
 * transposing it first and then summing along the contiguous axis. This wraps `Sum` on `wasm`
 * so that a float32 matrix summed over axis 0 is summed in place, four columns to a SIMD lane
 * group, by aekit's compiled `column_sum`; every other call goes to the backend's kernel.
 */

const marker = Symbol.for('@aekit/runtime-wasm.column-sum');

/** Wraps `Sum` on `backendName` (idempotent). */
export function installColumnSum(backendName: string): void {
  const original = getKernel('Sum', backendName);
  if (original === undefined) return;
  if ((original.kernelFunc as unknown as Record<symbol, unknown>)[marker] === true) return;
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const kernels = simdKernels(args.backend);
    if (kernels === null || x.dtype !== 'float32' || x.shape.length !== 2) {
      return original.kernelFunc(args);
    }
    const axes = util.parseAxisParam(axis, x.shape);
    if (axes.length !== 1 || axes[0] !== 0) return original.kernelFunc(args);
    const [rows, columns] = x.shape as [number, number];
    const out = kernels.makeOutput(keepDims ? [1, columns] : [columns]);
    kernels.exports.column_sum(kernels.pointer(x), kernels.pointer(out), rows, columns);
    return out;
  };
  Object.defineProperty(kernelFunc, marker, { value: true });
  unregisterKernel('Sum', backendName);
  registerKernel({ ...original, kernelFunc });
}
