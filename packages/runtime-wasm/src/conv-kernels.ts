import {
  backend_util,
  getKernel,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { installKernelPatch, processState } from './kernel-patch';
import { type SimdKernels, simdKernels, simdMatMulKernels } from './simd-kernels';

/**
 * The 2-D convolution kernels on `wasm`, by aekit's compiled im2col + matrix product
 * (csrc/aekit-kernels.c): `Conv2DBackpropFilter`, which tfjs-backend-wasm 4.22 lacks
 * (tensorflow/tfjs#8474), so that `tf.grad` through `conv2d` and `conv2dTranspose` works, and
 * `Conv2D` and `Conv2DBackpropInput` (also `conv2dTranspose`'s forward pass) in place of the
 * stock ones. NHWC, float32, any stride and padding, dilation 1; any other call goes to the
 * stock kernel.
 *
 * `Conv2DBackpropFilter` runs on the compiled kernels where they load, and otherwise (no
 * WebAssembly SIMD, or `setSimdKernels(false)`) by a plain JavaScript loop, slow but exact. The
 * forward and input-gradient kernels run compiled only where the matrix product does (one
 * thread; with a thread pool the backend's threaded XNNPACK kernels are left to run).
 */

const patchKey = '@aekit/runtime-wasm.conv-kernels';

// One counter per process, shared by every copy of this package that may be loaded.
const state = processState(patchKey, {
  /** Convolutions served by the compiled kernels since start-up (read by tests). */
  compiledCalls: 0,
});

/** The geometry of one convolution, NHWC, filter [kH, kW, inC, outC]. */
interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The geometry, or `null` where the compiled kernels do not apply (NCHW, dilation > 1). */
function geometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvAttrs,
): ConvGeometry | null {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (info.padInfo.top < 0 || info.padInfo.left < 0) return null;
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Columns of the im2col matrix: kH·kW·inC. */
const columnsOf = (g: ConvGeometry) => g.filterHeight * g.filterWidth * g.inChannels;

/** Whether x is its own im2col matrix (1×1 kernel, stride 1, no padding). */
function isPointwise(g: ConvGeometry): boolean {
  return (
    g.filterHeight === 1 &&
    g.filterWidth === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outHeight === g.inHeight &&
    g.outWidth === g.inWidth
  );
}

/**
 * Rows of im2col per chunk: about 64k floats (256 KiB, within a core's L2) of im2col, and at
 * least 64 rows, so that packing the other operand per chunk costs little against the product.
 */
function chunkRows(g: ConvGeometry): number {
  const rows = g.batch * g.outHeight * g.outWidth;
  const chunk = Math.max(64, Math.ceil(65536 / columnsOf(g) / 4) * 4);
  return Math.max(1, Math.min(rows, chunk));
}

/** The arguments after the three pointers, in the C kernels' order, and the scratch pointer. */
function convArguments(kernels: SimdKernels, g: ConvGeometry, inner: number): number[] {
  const chunk = chunkRows(g);
  const im2colFloats = isPointwise(g) ? 0 : chunk * columnsOf(g);
  const panelFloats = ((inner === 0 ? chunk : inner) + 1) * 8;
  const scratch = kernels.scratch((im2colFloats + panelFloats) * 4);
  return [
    g.batch,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.outHeight,
    g.outWidth,
    g.outChannels,
    g.filterHeight,
    g.filterWidth,
    g.strideHeight,
    g.strideWidth,
    g.padTop,
    g.padLeft,
    chunk,
    scratch,
  ];
}

const isFloat32 = (...infos: TensorInfo[]) => infos.every((info) => info.dtype === 'float32');

const sizeOf = (shape: readonly number[]) => shape.reduce((product, dim) => product * dim, 1);

/** Input channels from which the compiled `Conv2D` beats the stock one. */
export const minimumForwardChannels = 4;

/** `Conv2D` by the compiled kernel, or `undefined` where it does not apply. */
function compiledConv2D(args: Parameters<KernelFunc>[0]): TensorInfo | undefined {
  const kernels = simdMatMulKernels(args.backend);
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  if (kernels === null || !isFloat32(x, filter)) return undefined;
  const g = geometry(x.shape, filter.shape, args.attrs as unknown as ConvAttrs);
  // Below 4 input channels the stock kernel is faster (measured at batch 128, 28×28, 3×3
  // stride 2 → 32: 13 / 21 / 25 against 11 / 18 / 20 GFLOP/s for 1 / 2 / 3 channels; 26 against
  // 20 for 4): there im2col copies runs of a few floats.
  if (g === null || g.inChannels < minimumForwardChannels) return undefined;
  const out = kernels.makeOutput([g.batch, g.outHeight, g.outWidth, g.outChannels]);
  if (sizeOf(out.shape) === 0) return out;
  state.compiledCalls += 1;
  const rest = convArguments(kernels, g, columnsOf(g));
  const scratch = rest.pop()!;
  // No bias, no activation: flags 0.
  kernels.exports.conv2d(
    kernels.pointer(x),
    kernels.pointer(filter),
    0,
    kernels.pointer(out),
    ...rest,
    0,
    scratch,
  );
  return out;
}

/** `Conv2DBackpropInput` by the compiled kernel, or `undefined` where it does not apply. */
function compiledConv2DBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo | undefined {
  const kernels = simdMatMulKernels(args.backend);
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  if (kernels === null || !isFloat32(dy, filter)) return undefined;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const g = geometry(attrs.inputShape, filter.shape, attrs);
  // An empty dy or no output channel: the stock kernel returns the zeros.
  if (g === null || sizeOf(dy.shape) === 0 || g.outChannels === 0) return undefined;
  const out = kernels.makeOutput(attrs.inputShape);
  if (sizeOf(out.shape) === 0) return out;
  state.compiledCalls += 1;
  const rest = convArguments(kernels, g, g.outChannels);
  kernels.exports.conv2d_backprop_input(
    kernels.pointer(dy),
    kernels.pointer(filter),
    kernels.pointer(out),
    ...rest,
  );
  return out;
}

interface FilterGradientAttrs extends ConvAttrs {
  filterShape: [number, number, number, number];
}

/**
 * dW[ky, kx, c, o] = Σ_{n, oy, ox} x[n, oy·sH + ky − padTop, ox·sW + kx − padLeft, c] ·
 * dy[n, oy, ox, o], in plain JavaScript (float64 sums): where the compiled kernels do not run.
 */
function filterGradientLoop(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const inC = g.inChannels;
  const outC = g.outChannels;
  const dw = new Float64Array(columnsOf(g) * outC);
  for (let n = 0; n < g.batch; n += 1) {
    for (let oy = 0; oy < g.outHeight; oy += 1) {
      for (let ox = 0; ox < g.outWidth; ox += 1) {
        const dyRow = ((n * g.outHeight + oy) * g.outWidth + ox) * outC;
        for (let ky = 0; ky < g.filterHeight; ky += 1) {
          const iy = oy * g.strideHeight + ky - g.padTop;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (let kx = 0; kx < g.filterWidth; kx += 1) {
            const ix = ox * g.strideWidth + kx - g.padLeft;
            if (ix < 0 || ix >= g.inWidth) continue;
            const xPixel = ((n * g.inHeight + iy) * g.inWidth + ix) * inC;
            const dwCell = (ky * g.filterWidth + kx) * inC * outC;
            for (let c = 0; c < inC; c += 1) {
              const value = x[xPixel + c]!;
              const dwRow = dwCell + c * outC;
              for (let o = 0; o < outC; o += 1) dw[dwRow + o]! += value * dy[dyRow + o]!;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dw);
}

interface DataBackend {
  readSync(dataId: object): unknown;
  makeOutput(
    shape: number[],
    dtype: 'float32',
    memoryOffset?: number,
    values?: Float32Array,
  ): TensorInfo;
}

const conv2DBackpropFilter: KernelFunc = (args) => {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as FilterGradientAttrs;
  const g = geometry(x.shape, attrs.filterShape, attrs);
  if (g === null) {
    throw new Error(
      `Conv2DBackpropFilter on wasm: only NHWC data and dilation 1 are supported (got dataFormat ${attrs.dataFormat}, dilations ${attrs.dilations}).`,
    );
  }
  const kernels = simdKernels(args.backend);
  if (kernels === null || !isFloat32(x, dy)) {
    const backend = args.backend as unknown as DataBackend;
    const values = filterGradientLoop(
      Float32Array.from(backend.readSync(x.dataId) as ArrayLike<number>),
      Float32Array.from(backend.readSync(dy.dataId) as ArrayLike<number>),
      g,
    );
    return backend.makeOutput([...attrs.filterShape], 'float32', undefined, values);
  }
  const out = kernels.makeOutput(attrs.filterShape);
  if (sizeOf(out.shape) === 0) return out;
  state.compiledCalls += 1;
  // The panel holds a chunk of dy's rows (the product's inner dimension here).
  const rest = convArguments(kernels, g, 0);
  kernels.exports.conv2d_backprop_filter(
    kernels.pointer(x),
    kernels.pointer(dy),
    kernels.pointer(out),
    ...rest,
  );
  return out;
};

/**
 * Installs the convolution kernels on `backendName` (`wasm`; idempotent): registers
 * `Conv2DBackpropFilter` where the backend has none, and wraps its `Conv2D` and
 * `Conv2DBackpropInput`.
 */
export function installConvKernels(backendName: string): void {
  if (getKernel('Conv2DBackpropFilter', backendName) === undefined) {
    registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kernelFunc: conv2DBackpropFilter,
    });
  }
  installKernelPatch(backendName, {
    kernelName: 'Conv2D',
    key: patchKey,
    create: (stock) => (args) => compiledConv2D(args) ?? stock(args),
  });
  installKernelPatch(backendName, {
    kernelName: 'Conv2DBackpropInput',
    key: patchKey,
    create: (stock) => (args) => compiledConv2DBackpropInput(args) ?? stock(args),
  });
}

/** @internal How many convolutions the compiled kernels served so far. */
export function compiledConvCalls(): number {
  return state.compiledCalls;
}
