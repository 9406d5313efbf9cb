import {
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

/**
 * On the WASM backend, `BatchMatMul` and `_FusedMatMul` with `transposeA`/`transposeB` run about
 * ten times slower than the plain product, and tfjs's gradient of a matMul uses exactly those
 * flags, so stock training spends most of its time there. This module wraps both kernels: a
 * transposed call becomes an explicit `Transpose` (cheap, memory-bound) plus the fast plain
 * kernel. It chooses the cheaper of two equivalent forms by the number of elements moved:
 *
 *   A·Bᵀ  = transpose(B)             then A·B'   or   (B·Aᵀ)ᵀ  = transpose(A), product, transpose(C)
 *   Aᵀ·B  = transpose(A)             then A'·B   or   (Bᵀ·A)ᵀ  = transpose(B), product, transpose(C)
 *   Aᵀ·Bᵀ = transpose(A), transpose(B), product  or   (B·A)ᵀ   = product, transpose(C)
 *
 * The wrap is at the kernel level, so it serves forward passes, tfjs's stock gradients and any
 * user code alike, and the gradient tape is unaffected.
 */

const patchedKernels = ['BatchMatMul', '_FusedMatMul'] as const;
const wrapperMarker = Symbol.for('@aekit/runtime-wasm.transposed-matmul');

interface PatchState {
  enabled: boolean;
  /** Transposed calls served by the fast path since start-up (read by tests). */
  fastCalls: number;
}

// One switch per process, shared by every copy of this package that may be loaded.
const globalState = globalThis as { [wrapperMarker]?: PatchState };
globalState[wrapperMarker] ??= { enabled: true, fastCalls: 0 };
const state: PatchState = globalState[wrapperMarker];

interface KernelBackend {
  disposeData(dataId: object): void;
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  perm[rank - 1] = rank - 2;
  perm[rank - 2] = rank - 1;
  return perm;
}

function size(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

function wrap(backendName: string, original: KernelConfig): KernelFunc {
  const transpose = getKernel('Transpose', backendName)?.kernelFunc;
  if (transpose === undefined) return original.kernelFunc;
  const kernel: KernelFunc = (args) => {
    const attrs = args.attrs as NamedAttrMap & { transposeA?: boolean; transposeB?: boolean };
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if (!state.enabled || (!transposeA && !transposeB)) return original.kernelFunc(args);

    state.fastCalls += 1;
    const backend = args.backend as unknown as KernelBackend;
    const inputs = args.inputs as NamedTensorInfoMap & { a: TensorInfo; b: TensorInfo };
    const { a, b } = inputs;
    const temporaries: TensorInfo[] = [];
    const transposed = (x: TensorInfo): TensorInfo => {
      const result = transpose({
        inputs: { x },
        backend: args.backend,
        attrs: { perm: swapLastTwo(x.shape.length) },
      }) as TensorInfo;
      temporaries.push(result);
      return result;
    };
    const run = (left: TensorInfo, right: TensorInfo, extra: NamedTensorInfoMap) =>
      original.kernelFunc({
        inputs: { ...inputs, ...extra, a: left, b: right },
        backend: args.backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      }) as TensorInfo;

    try {
      // Elements moved by the direct form versus the swapped form (which transposes the output).
      // Only plain BatchMatMul may swap: a fused bias or activation is laid out for C, not Cᵀ.
      const fused = inputs.bias !== undefined || inputs.preluActivationWeights !== undefined;
      const outputSize =
        (a.shape.length > 2 ? size(a.shape.slice(0, -2)) : 1) *
        (transposeA ? a.shape.at(-1)! : a.shape.at(-2)!) *
        (transposeB ? b.shape.at(-2)! : b.shape.at(-1)!);
      const direct = (transposeA ? size(a.shape) : 0) + (transposeB ? size(b.shape) : 0);
      const swapped =
        (transposeA ? 0 : size(a.shape)) + (transposeB ? 0 : size(b.shape)) + outputSize;
      const sameBatch =
        a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => b.shape[i] === d);
      if (!fused && sameBatch && swapped < direct) {
        // Cᵀ = op(B)ᵀ·op(A)ᵀ, where op(X)ᵀ is X itself when X was to be transposed.
        const left = transposeB ? b : transposed(b);
        const right = transposeA ? a : transposed(a);
        const productT = run(left, right, {});
        temporaries.push(productT);
        const product = transpose({
          inputs: { x: productT },
          backend: args.backend,
          attrs: { perm: swapLastTwo(productT.shape.length) },
        }) as TensorInfo;
        return product;
      }
      return run(transposeA ? transposed(a) : a, transposeB ? transposed(b) : b, {});
    } finally {
      for (const temporary of temporaries) backend.disposeData(temporary.dataId);
    }
  };
  Object.defineProperty(kernel, wrapperMarker, { value: true });
  return kernel;
}

/**
 * Installs the transposed-matMul wrappers on `backendName`'s kernels (idempotent). Returns the
 * names of the kernels wrapped now or before.
 */
export function installTransposedMatMul(backendName: string): string[] {
  const wrapped: string[] = [];
  for (const kernelName of patchedKernels) {
    const original = getKernel(kernelName, backendName);
    if (original === undefined) continue;
    if ((original.kernelFunc as unknown as Record<symbol, unknown>)[wrapperMarker] === true) {
      wrapped.push(kernelName);
      continue;
    }
    const kernelFunc = wrap(backendName, original);
    unregisterKernel(kernelName, backendName);
    registerKernel({ ...original, kernelFunc });
    wrapped.push(kernelName);
  }
  return wrapped;
}

/**
 * Turns the transposed-matMul fast path on or off for the whole process (on by default once
 * `initBackend` has run on `wasm`). Off gives the stock kernels' behaviour: for comparisons.
 */
export function setTransposedMatMulPatch(enabled: boolean): void {
  state.enabled = enabled;
}

/** Whether the transposed-matMul fast path is on. */
export function transposedMatMulPatchEnabled(): boolean {
  return state.enabled;
}

/** @internal How many transposed matMuls took the fast path so far. */
export function transposedMatMulFastCalls(): number {
  return state.fastCalls;
}
