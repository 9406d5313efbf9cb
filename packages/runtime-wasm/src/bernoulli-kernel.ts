import { bernoulliLogLikelihoodKernelName } from '@aekit/core';
import {
  engine,
  expandDims,
  getGradient,
  getKernel,
  type KernelFunc,
  mul,
  registerGradient,
  registerKernel,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { simdKernels } from './simd-kernels';

/** The gradient's kernel: ∂logits = dy ⊙ (x − σ(l)), one call. Internal to this package. */
export const bernoulliLogLikelihoodGradKernelName = 'AekitBernoulliLogLikelihoodGrad';

interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

function floatInput(inputs: Record<string, TensorInfo | undefined>, name: string, kernel: string) {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernel}: input '${name}' is missing.`);
  if (info.dtype !== 'float32') {
    throw new Error(`${kernel}: input '${name}' must be float32, got ${info.dtype}.`);
  }
  return info;
}

/** The inputs `x` and `logits` of either kernel, checked: float32 `[rows, columns]` alike. */
function operands(inputs: Record<string, TensorInfo | undefined>, kernel: string) {
  const x = floatInput(inputs, 'x', kernel);
  const logits = floatInput(inputs, 'logits', kernel);
  if (
    x.shape.length !== 2 ||
    logits.shape.length !== 2 ||
    x.shape[0] !== logits.shape[0] ||
    x.shape[1] !== logits.shape[1]
  ) {
    throw new Error(
      `${kernel}: 'x' and 'logits' must be [batch, dim] of one shape, got [${x.shape.join(', ')}] and [${logits.shape.join(', ')}].`,
    );
  }
  return { x, logits, rows: x.shape[0]!, columns: x.shape[1]! };
}

/** softplus(l) = max(l, 0) + ln(1 + e^−|l|), in float64. */
function softplus(l: number): number {
  return Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
}

/** σ(l) without overflow, in float64. */
function sigmoid(l: number): number {
  const e = Math.exp(-Math.abs(l));
  return l >= 0 ? 1 / (1 + e) : e / (1 + e);
}

const forward: KernelFunc = ({ inputs, backend }) => {
  const { x, logits, rows, columns } = operands(inputs, bernoulliLogLikelihoodKernelName);
  const wasm = backend as unknown as WasmBackendInternals;
  const out = wasm.makeOutput([rows], 'float32');
  const kernels = simdKernels(backend);
  if (kernels !== null) {
    const { pointer, exports } = kernels;
    exports.bernoulli_log_likelihood(pointer(x), pointer(logits), pointer(out), rows, columns);
    return out;
  }
  // With aekit's kernels switched off (or a backend restarted without them): a float64 loop.
  const xs = wasm.typedArrayFromHeap(x);
  const ls = wasm.typedArrayFromHeap(logits);
  const values = wasm.typedArrayFromHeap(out);
  for (let row = 0; row < rows; row += 1) {
    let total = 0;
    for (let j = row * columns; j < (row + 1) * columns; j += 1) {
      total += xs[j]! * ls[j]! - softplus(ls[j]!);
    }
    values[row] = total;
  }
  return out;
};

const backward: KernelFunc = ({ inputs, backend }) => {
  const name = bernoulliLogLikelihoodGradKernelName;
  const { x, logits, rows, columns } = operands(inputs, name);
  const dy = floatInput(inputs, 'dy', name);
  if (dy.shape.length !== 1 || dy.shape[0] !== rows) {
    throw new Error(`${name}: 'dy' must be [${rows}], got [${dy.shape.join(', ')}].`);
  }
  const wasm = backend as unknown as WasmBackendInternals;
  const out = wasm.makeOutput([rows, columns], 'float32');
  const kernels = simdKernels(backend);
  if (kernels !== null) {
    const { pointer } = kernels;
    kernels.exports.bernoulli_log_likelihood_grad(
      pointer(x),
      pointer(logits),
      pointer(dy),
      pointer(out),
      rows,
      columns,
    );
    return out;
  }
  const xs = wasm.typedArrayFromHeap(x);
  const ls = wasm.typedArrayFromHeap(logits);
  const dys = wasm.typedArrayFromHeap(dy);
  const values = wasm.typedArrayFromHeap(out);
  for (let row = 0; row < rows; row += 1) {
    for (let j = row * columns; j < (row + 1) * columns; j += 1) {
      values[j] = dys[row]! * (xs[j]! - sigmoid(ls[j]!));
    }
  }
  return out;
};

/**
 * Registers `@aekit/core`'s Bernoulli log-likelihood kernel (`bernoulliLogLikelihoodKernelName`)
 * on `wasm`, with its gradient: one pass over the logits forward (e^−|l| and ln(1 + ·) computed
 * four lanes at a time) and one backward, where tfjs's ops take about fifteen kernels.
 * `initBackend` registers it where aekit's compiled kernels load.
 */
export function installBernoulliKernel(backendName: string): void {
  if (backendName !== 'wasm') return;
  if (getKernel(bernoulliLogLikelihoodKernelName, backendName) === undefined) {
    registerKernel({
      kernelName: bernoulliLogLikelihoodKernelName,
      backendName,
      kernelFunc: forward,
    });
    registerKernel({
      kernelName: bernoulliLogLikelihoodGradKernelName,
      backendName,
      kernelFunc: backward,
    });
  }
  if (getGradient(bernoulliLogLikelihoodKernelName) === undefined) {
    registerGradient({
      kernelName: bernoulliLogLikelihoodKernelName,
      inputsToSave: ['x', 'logits'],
      gradFunc: (dy, saved) => {
        const [x, logits] = saved as [Tensor, Tensor];
        return {
          logits: () =>
            engine().runKernel(bernoulliLogLikelihoodGradKernelName, {
              x,
              logits,
              dy: dy as Tensor,
            }) as Tensor,
          x: () => mul(expandDims(dy as Tensor, 1), logits),
        };
      },
    });
  }
}
