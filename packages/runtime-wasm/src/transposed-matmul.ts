import {
  backend_util,
  getKernel,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { installKernelPatch, processState } from './kernel-patch';
import { gemmFlags, simdMatMulKernels } from './simd-kernels';

/**
 * On the WASM backend, `BatchMatMul` and `_FusedMatMul` with `transposeA`/`transposeB` run about
 * ten times slower than the plain product, and tfjs's gradient of a matMul uses exactly those
 * flags, so stock training spends most of its time there. Even the plain product pays for a
 * fresh right operand: XNNPACK repacks it into a new operator (cached by tensor, so in training,
 * where weights and gradients change every step, every call repacks). This module wraps both
 * kernels.
 *
 * Where aekit's compiled kernels run (`simdMatMulKernels`: WebAssembly SIMD, one thread), every
 * float32 product with a linear or ReLU epilogue goes to the compiled `gemm`, which reads either
 * operand transposed or not, packs 8 columns of the right operand at a time into a buffer that
 * stays in cache, and adds bias and ReLU as it stores.
 *
 * Otherwise a transposed call becomes an explicit `Transpose` (cheap, memory-bound) plus the
 * fast plain kernel. It chooses the cheaper of two equivalent forms by the number of elements
 * moved:
 *
 *   A·Bᵀ  = transpose(B)             then A·B'   or   (B·Aᵀ)ᵀ  = transpose(A), product, transpose(C)
 *   Aᵀ·B  = transpose(A)             then A'·B   or   (Bᵀ·A)ᵀ  = transpose(B), product, transpose(C)
 *   Aᵀ·Bᵀ = transpose(A), transpose(B), product  or   (B·A)ᵀ   = product, transpose(C)
 *
 * The wrap is at the kernel level, so it serves forward passes, tfjs's stock gradients and any
 * user code alike, and the gradient tape is unaffected.
 */

const patchedKernels = ['BatchMatMul', '_FusedMatMul'] as const;
const patchKey = '@aekit/runtime-wasm.transposed-matmul';

// One switch per process, shared by every copy of this package that may be loaded.
const state = processState(patchKey, {
  enabled: true,
  /** Transposed calls served by explicit transposes since start-up (read by tests). */
  fastCalls: 0,
  /** Calls served by the compiled product since start-up (read by tests). */
  compiledCalls: 0,
});

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

interface MatMulInputs extends NamedTensorInfoMap {
  a: TensorInfo;
  b: TensorInfo;
}

/**
 * `_FusedMatMul`'s activations other than linear and ReLU (which the compiled product applies as
 * it stores): the backend's kernel for each, run on the product afterwards.
 */
const activationKernels: Record<string, string> = {
  sigmoid: 'Sigmoid',
  elu: 'Elu',
  relu6: 'Relu6',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/** The product by the compiled `gemm`, or `undefined` when it does not apply to this call. */
function compiledMatMul(
  args: Parameters<KernelFunc>[0],
  attrs: NamedAttrMap & {
    transposeA?: boolean;
    transposeB?: boolean;
    activation?: string;
    leakyreluAlpha?: number;
  },
): TensorInfo | undefined {
  const kernels = simdMatMulKernels(args.backend);
  if (kernels === null) return undefined;
  const { a, b, bias, preluActivationWeights } = args.inputs as MatMulInputs;
  const activation = attrs.activation ?? 'linear';
  const activationKernel =
    activation === 'linear' || activation === 'relu'
      ? undefined
      : getKernel(activationKernels[activation] ?? '', 'wasm')?.kernelFunc;
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length < 2 ||
    b.shape.length < 2 ||
    (activation !== 'linear' && activation !== 'relu' && activationKernel === undefined) ||
    (activation === 'prelu') !== (preluActivationWeights !== undefined)
  ) {
    return undefined;
  }
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const m = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
  const k = transposeA ? a.shape.at(-2)! : a.shape.at(-1)!;
  const n = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
  if (k !== (transposeB ? b.shape.at(-1)! : b.shape.at(-2)!)) return undefined;
  if (
    bias !== undefined &&
    (bias.dtype !== 'float32' || size(bias.shape) !== n || bias.shape.at(-1) !== n)
  ) {
    return undefined;
  }
  // Batches: equal, or one side a single matrix broadcast over the other's batch.
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = size(outerA);
  const batchB = size(outerB);
  let outer: number[];
  try {
    outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return undefined; // tfjs's own kernel reports the mismatch
  }
  const batch = size(outer);
  if (batch !== Math.max(batchA, batchB) || (batchA !== batchB && batchA !== 1 && batchB !== 1)) {
    return undefined;
  }
  state.compiledCalls += 1;
  const out = kernels.makeOutput([...outer, m, n]);
  if (m === 0 || n === 0 || batch === 0) return out;
  let flags = (transposeA ? gemmFlags.transposeA : 0) | (transposeB ? gemmFlags.transposeB : 0);
  if (bias !== undefined) flags |= gemmFlags.bias;
  if (activation === 'relu') flags |= gemmFlags.relu;
  const scratch = kernels.scratch((k + 1) * 8 * 4);
  const aPointer = kernels.pointer(a);
  const bPointer = kernels.pointer(b);
  const biasPointer = bias === undefined ? 0 : kernels.pointer(bias);
  const outPointer = kernels.pointer(out);
  for (let index = 0; index < batch; index += 1) {
    kernels.exports.gemm(
      aPointer + (batchA === 1 ? 0 : index * m * k * 4),
      bPointer + (batchB === 1 ? 0 : index * k * n * 4),
      biasPointer,
      outPointer + index * m * n * 4,
      m,
      k,
      n,
      flags,
      scratch,
    );
  }
  if (activationKernel === undefined) return out;
  try {
    return activationKernel({
      inputs: activation === 'prelu' ? { x: out, alpha: preluActivationWeights! } : { x: out },
      backend: args.backend,
      attrs: activation === 'leakyrelu' ? { alpha: attrs.leakyreluAlpha ?? 0.2 } : {},
    }) as TensorInfo;
  } finally {
    (args.backend as unknown as KernelBackend).disposeData(out.dataId);
  }
}

/** Our matMul over the backend's `stock` one, or `undefined` where it has no `Transpose`. */
function wrap(backendName: string, stock: KernelFunc): KernelFunc | undefined {
  const transpose = getKernel('Transpose', backendName)?.kernelFunc;
  if (transpose === undefined) return undefined;
  return (args) => {
    const attrs = args.attrs as NamedAttrMap & {
      transposeA?: boolean;
      transposeB?: boolean;
      activation?: string;
    };
    const compiled = compiledMatMul(args, attrs);
    if (compiled !== undefined) return compiled;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if (!transposeA && !transposeB) return stock(args);

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
      stock({
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
}

/**
 * Installs the transposed-matMul wrappers on `backendName`'s kernels (idempotent). Returns the
 * names of the kernels wrapped now or before.
 */
export function installTransposedMatMul(backendName: string): string[] {
  return patchedKernels.filter((kernelName) =>
    installKernelPatch(backendName, {
      kernelName,
      key: patchKey,
      enabled: () => state.enabled,
      create: (stock) => wrap(backendName, stock),
    }),
  );
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

/** @internal How many matMuls the compiled product served so far. */
export function compiledMatMulCalls(): number {
  return state.compiledCalls;
}

/** @internal How many transposed matMuls took the explicit-transpose path so far. */
export function transposedMatMulFastCalls(): number {
  return state.fastCalls;
}
