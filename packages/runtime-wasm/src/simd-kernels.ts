import type { TensorInfo } from '@tensorflow/tfjs-core';
import { backendFacts } from './backend-facts';
import { kernelsModuleHead, kernelsModuleTail } from './generated/aekit-kernels-wasm';
import { processState } from './kernel-patch';
import { name, section, unsignedLeb, vec } from './wasm-bytes';

/**
 * aekit's compiled kernels (csrc/aekit-kernels.c) on the WASM backend's own memory: pointers are
 * byte offsets of tensors in that memory, counts are elements.
 */
export interface AekitKernelExports {
  /**
   * c = op(a)·op(b) [+ bias] [ReLU] with flags 1 transposeA, 2 transposeB, 4 bias, 8 ReLU;
   * `scratch` holds (k + 1)·8 floats.
   */
  gemm(
    a: number,
    b: number,
    bias: number,
    c: number,
    m: number,
    k: number,
    n: number,
    flags: number,
    scratch: number,
  ): void;
  /** out[r] = Σ_j x·l − softplus(l) over row r. */
  bernoulli_log_likelihood(
    x: number,
    logits: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  /** out[r, j] = dy[r] · (x − σ(l)). */
  bernoulli_log_likelihood_grad(
    x: number,
    logits: number,
    dy: number,
    out: number,
    rows: number,
    cols: number,
  ): void;
  /** out[j] = Σ_r g[r, j]. */
  column_sum(g: number, out: number, rows: number, cols: number): void;
  /**
   * y = conv2d(x, w) [+ bias] [ReLU] (flags 4 bias, 8 ReLU), NHWC, w [kH, kW, c, outC]; see
   * csrc/aekit-kernels.c for the geometry and the scratch it needs.
   */
  conv2d(x: number, w: number, bias: number, y: number, ...rest: number[]): void;
  /** dw = im2col(x)ᵀ · dy, chunk by chunk. */
  conv2d_backprop_filter(x: number, dy: number, dw: number, ...rest: number[]): void;
  /** dx = col2im(dy · wᵀ). */
  conv2d_backprop_input(dy: number, w: number, dx: number, ...rest: number[]): void;
}

export const gemmFlags = { transposeA: 1, transposeB: 2, bias: 4, relu: 8 } as const;

// One switch per process, shared by every copy of this package that may be loaded.
const state = processState('@aekit/runtime-wasm.simd-kernels', { enabled: true });

function decodeBase64(text: string): number[] {
  const binary = atob(text);
  const bytes = new Array<number>(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** The module's bytes, importing `env.memory` (shared when the backend's memory is). */
export function kernelsModuleBytes(sharedMemory: boolean): Uint8Array<ArrayBuffer> {
  const memoryLimits = sharedMemory
    ? [0x03, ...unsignedLeb(1), ...unsignedLeb(65536)]
    : [0x00, ...unsignedLeb(1)];
  return new Uint8Array([
    ...decodeBase64(kernelsModuleHead),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...memoryLimits]])),
    ...decodeBase64(kernelsModuleTail),
  ]);
}

const instances = new WeakMap<WebAssembly.Memory, AekitKernelExports | null>();

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The kernels bound to `memory`, or `null` where WebAssembly SIMD is not available. Normally
 * compiled ahead by `prepareSimdKernels`; compiled here, synchronously, only for a backend that
 * `initBackend` did not start (a browser's main thread may refuse that: then `null`).
 */
function instantiate(memory: WebAssembly.Memory): AekitKernelExports | null {
  let exports = instances.get(memory);
  if (exports === undefined) {
    const bytes = kernelsModuleBytes(isShared(memory));
    try {
      exports = WebAssembly.validate(bytes)
        ? (new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } })
            .exports as unknown as AekitKernelExports)
        : null;
    } catch {
      exports = null;
    }
    instances.set(memory, exports);
  }
  return exports;
}

/**
 * Compiles and instantiates the kernels for a WASM backend's memory asynchronously (browsers
 * limit synchronous compilation on the main thread). Called by `initBackend`.
 */
export async function prepareSimdKernels(backend: unknown): Promise<void> {
  const memory = backendMemory(backend);
  if (memory === null || instances.has(memory)) return;
  const bytes = kernelsModuleBytes(isShared(memory));
  if (!WebAssembly.validate(bytes)) {
    instances.set(memory, null);
    return;
  }
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  instances.set(memory, instance.exports as unknown as AekitKernelExports);
}

interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: {
    asm?: { memory?: unknown };
    wasmMemory?: unknown;
    _malloc?(bytes: number): number;
    _free?(pointer: number): void;
  };
}

/**
 * The WASM backend's memory: exported by the module in the single-threaded builds
 * (`asm.memory`), created by the loader and imported in the threaded build (`wasmMemory`).
 */
export function backendMemory(backend: unknown): WebAssembly.Memory | null {
  const wasm = (backend as Partial<WasmBackendInternals> | null)?.wasm;
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** The compiled kernels with what calling them needs on one WASM backend instance. */
export interface SimdKernels {
  readonly exports: AekitKernelExports;
  /** Byte offset of a tensor's data in the backend's memory. */
  pointer(info: TensorInfo): number;
  /** A new float32 tensor, owned by the engine once a kernel returns it. */
  makeOutput(shape: readonly number[]): TensorInfo;
  /** A scratch buffer of at least `bytes` bytes, reused across calls (valid until the next). */
  scratch(bytes: number): number;
}

const byBackend = new WeakMap<object, SimdKernels | null>();

function simdKernelsOf(backend: object): SimdKernels | null {
  let kernels = byBackend.get(backend);
  if (kernels !== undefined) return kernels;
  const internals = backend as WasmBackendInternals;
  const memory = backendMemory(backend);
  const malloc = internals.wasm?._malloc;
  const free = internals.wasm?._free;
  const exports =
    memory !== null && malloc !== undefined && free !== undefined ? instantiate(memory) : null;
  if (exports === null) {
    kernels = null;
  } else {
    let scratchPointer = 0;
    let scratchBytes = 0;
    kernels = {
      exports,
      pointer: (info) => internals.dataIdMap.get(info.dataId)!.memoryOffset,
      makeOutput: (shape) => internals.makeOutput([...shape], 'float32'),
      scratch: (bytes) => {
        if (bytes > scratchBytes) {
          if (scratchPointer !== 0) free!.call(internals.wasm, scratchPointer);
          // Grow geometrically, in whole 64-byte lines.
          scratchBytes = Math.ceil(Math.max(bytes, 2 * scratchBytes) / 64) * 64;
          scratchPointer = malloc!.call(internals.wasm, scratchBytes);
        }
        return scratchPointer;
      },
    };
  }
  byBackend.set(backend, kernels);
  return kernels;
}

/**
 * aekit's compiled kernels on `backend` (a WASM backend instance), or `null` when they are
 * switched off, or the engine has no WebAssembly SIMD.
 */
export function simdKernels(backend: unknown): SimdKernels | null {
  if (!state.enabled || typeof backend !== 'object' || backend === null) return null;
  return simdKernelsOf(backend);
}

/**
 * The compiled matrix product runs on one thread: it serves matMuls only where the backend
 * itself computes on one thread (always in Node; in a browser page without WASM threads).
 * With a thread pool, XNNPACK's threaded product is left to do the work.
 */
export function simdMatMulKernels(backend: unknown): SimdKernels | null {
  return backendFacts('wasm').threads > 1 ? null : simdKernels(backend);
}

/**
 * Turns aekit's compiled WASM kernels (matrix product, Bernoulli log-likelihood, column sums)
 * on or off for the whole process; on by default. Off, the backend's own kernels run (the
 * transposed-matMul and shared-`Identity` patches have switches of their own): for comparisons.
 */
export function setSimdKernels(enabled: boolean): void {
  state.enabled = enabled;
}

/** Whether aekit's compiled WASM kernels are on. */
export function simdKernelsEnabled(): boolean {
  return state.enabled;
}
