import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { installKernelPatch } from './kernel-patch';

/**
 * The WASM backend's `MaxPoolGrad` (tfjs 4.22) drops the gradient of every window whose values
 * are all negative: measured on a 28×28 image of values in [−1, 1), 15 of 196 windows got no
 * gradient, where `cpu` routes each window's gradient to its largest value. A max pool after a
 * ReLU never sees such a window, one on raw or standardised inputs does. This replaces it on
 * `wasm` by the definition: each output's gradient goes to the first largest input of its
 * window (the `cpu` backend's choice on ties), over the pixels inside the image.
 */

interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface MaxPoolGradAttrs {
  readonly filterSize: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  readonly dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Replaces `MaxPoolGrad` on `backendName` (idempotent). */
export function installMaxPoolGrad(backendName: string): void {
  installKernelPatch(backendName, {
    kernelName: 'MaxPoolGrad',
    key: '@aekit/runtime-wasm.max-pool-grad',
    create: (stock) => (args) => {
      const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
      if (dy.dtype !== 'float32' || input.dtype !== 'float32') return stock(args);
      const attrs = args.attrs as unknown as MaxPoolGradAttrs;
      const info = backend_util.computePool2DInfo(
        input.shape as [number, number, number, number],
        attrs.filterSize,
        attrs.strides,
        1,
        attrs.pad,
        attrs.dimRoundingMode,
      );
      const heap = args.backend as unknown as WasmHeap;
      const out = heap.makeOutput([...input.shape], 'float32');
      const dx = heap.typedArrayFromHeap(out);
      dx.fill(0);
      const x = heap.typedArrayFromHeap(input);
      const g = heap.typedArrayFromHeap(dy);
      const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
      const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      for (let n = 0; n < batchSize; n += 1) {
        for (let i = 0; i < outHeight; i += 1) {
          const rowStart = i * strideHeight - top;
          for (let j = 0; j < outWidth; j += 1) {
            const colStart = j * strideWidth - left;
            for (let c = 0; c < inChannels; c += 1) {
              let best = -1;
              let bestValue = Number.NEGATIVE_INFINITY;
              for (let p = 0; p < filterHeight; p += 1) {
                const row = rowStart + p;
                if (row < 0 || row >= inHeight) continue;
                for (let q = 0; q < filterWidth; q += 1) {
                  const col = colStart + q;
                  if (col < 0 || col >= inWidth) continue;
                  const at = ((n * inHeight + row) * inWidth + col) * inChannels + c;
                  if (best < 0 || x[at]! > bestValue) {
                    best = at;
                    bestValue = x[at]!;
                  }
                }
              }
              if (best >= 0) dx[best]! += g[((n * outHeight + i) * outWidth + j) * inChannels + c]!;
            }
          }
        }
      }
      return out;
    },
  });
}
