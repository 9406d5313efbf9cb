import { type DenseKernelAttrs, denseKernelName } from '@aekit/core';
import {
  getGradient,
  getKernel,
  type KernelFunc,
  matMul,
  mul,
  type NamedAttrMap,
  registerGradient,
  registerKernel,
  step,
  sum,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * `@aekit/core`'s dense kernel (`denseKernelName`): the forward pass is the backend's own
 * `_FusedMatMul` with bias and activation (on `wasm` through aekit's transposed-matMul wrapper),
 * the gradient is registered here. Because it is a registered gradient, tfjs asks for the
 * input's gradient only when the input is on the path to the variables, so the first layer of a
 * network skips the g·Wᵀ product its data input does not need (a `customGrad` would compute it).
 */
export function installDenseKernel(backendName: string): void {
  if (getKernel(denseKernelName, backendName) !== undefined) return;
  if (getKernel('_FusedMatMul', backendName) === undefined) return;
  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeW, activation } = attrs as unknown as DenseKernelAttrs;
    const { x, W, b } = inputs as { x: TensorInfo; W: TensorInfo; b: TensorInfo };
    // Looked up at each call, so the transposed-matMul wrapper installed later is used.
    const fused = getKernel('_FusedMatMul', backendName)!.kernelFunc;
    // The kernel takes rank-3 operands (as tfjs's fused.matMul passes them): views of the same
    // data with a leading batch dimension of 1, and the result viewed back as rank 2.
    const batched = (info: TensorInfo): TensorInfo => ({ ...info, shape: [1, ...info.shape] });
    const result = fused({
      inputs: { a: batched(x), b: batched(W), bias: b },
      backend,
      attrs: { transposeA: false, transposeB: transposeW, activation, leakyreluAlpha: 0 },
    }) as TensorInfo;
    return { ...result, shape: result.shape.slice(1) };
  };
  registerKernel({ kernelName: denseKernelName, backendName, kernelFunc });
  if (getGradient(denseKernelName) === undefined) {
    registerGradient({
      kernelName: denseKernelName,
      inputsToSave: ['x', 'W'],
      outputsToSave: [true],
      gradFunc: (dy, saved, attrs: NamedAttrMap) => {
        const { transposeW, activation } = attrs as unknown as DenseKernelAttrs;
        const [x, W, y] = saved as [Tensor, Tensor, Tensor];
        const g = activation === 'relu' ? mul(dy as Tensor, step(y)) : (dy as Tensor);
        return {
          x: () => matMul(g, W, false, !transposeW),
          W: () => (transposeW ? matMul(g, x, true, false) : matMul(x, g, true, false)),
          b: () => sum(g, 0),
        };
      },
    });
  }
}
