import {
  type OptimizerStepAttrs,
  type OptimizerStepMethod,
  optimizerStepKernelName,
  optimizerStepStateNames,
} from '@aekit/core';
import {
  getKernel,
  type KernelFunc,
  type NamedTensorInfoMap,
  registerKernel,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { backendMemory } from './simd-kernels';
import { type UpdateExports, updateFunctions } from './update-module';

/**
 * The fused optimiser step of `@aekit/core`'s `optimizerStepKernelName` contract, for the `wasm`
 * and `cpu` backends: one JavaScript loop per variable over the backend's own memory, reading
 * value, gradient and state and writing new buffers, instead of tfjs's 2–15 element-wise
 * kernels per variable (each a full pass over memory plus ~20 µs of engine work). Nothing is
 * written into an input: on `wasm` that matters beyond aliasing, because the backend caches a
 * packed copy of each matMul's right operand keyed by the tensor, so a weight matrix changed in
 * place would be multiplied with its stale copy.
 *
 * Constants are rounded to float32 as tfjs does when it makes them scalars; each stored result
 * is rounded to float32; the intermediate arithmetic of one element is done in float64, so a
 * result differs from tfjs's op-by-op float32 by at most a few units in the last place.
 */

/** Reads and allocates float32 buffers of one backend. */
interface FloatMemory {
  /** A new float32 tensor of `shape` owned by the engine once returned from the kernel. */
  allocate(shape: readonly number[]): TensorInfo;
  /** The elements of `info` in the backend's memory (a view: valid until the next allocation). */
  view(info: TensorInfo): Float32Array;
  /** On `wasm` with SIMD: the updates compiled to WebAssembly, and each tensor's byte offset. */
  readonly simd?: { readonly updates: UpdateExports; pointer(info: TensorInfo): number };
}

interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
}

interface CpuBackendInternals {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  data: { get(dataId: object): { values?: unknown } };
}

function wasmMemory(backend: unknown): FloatMemory {
  const wasm = backend as WasmBackendInternals;
  const memory = backendMemory(backend);
  const updates = memory === null ? null : updateFunctions(memory);
  return {
    allocate: (shape) => wasm.makeOutput([...shape], 'float32'),
    view: (info) => wasm.typedArrayFromHeap(info),
    ...(updates === null
      ? {}
      : { simd: { updates, pointer: (info) => wasm.dataIdMap.get(info.dataId)!.memoryOffset } }),
  };
}

function cpuMemory(backend: unknown): FloatMemory {
  const cpu = backend as CpuBackendInternals;
  return {
    allocate: (shape) =>
      cpu.makeTensorInfo([...shape], 'float32', new Float32Array(util.sizeFromShape([...shape]))),
    view: (info) => {
      const values = cpu.data.get(info.dataId)?.values;
      if (!(values instanceof Float32Array)) {
        throw new Error(`${optimizerStepKernelName}: a tensor has no float32 values on cpu.`);
      }
      return values;
    },
  };
}

function input(inputs: NamedTensorInfoMap, name: string, shape?: readonly number[]): TensorInfo {
  const info = inputs[name];
  if (info === undefined)
    throw new Error(`${optimizerStepKernelName}: input '${name}' is missing.`);
  if (info.dtype !== 'float32') {
    throw new Error(
      `${optimizerStepKernelName}: input '${name}' must be float32, got ${info.dtype}.`,
    );
  }
  if (shape !== undefined && !util.arraysEqual(info.shape, [...shape])) {
    throw new Error(
      `${optimizerStepKernelName}: input '${name}' must have shape [${shape.join(', ')}], got [${info.shape.join(', ')}].`,
    );
  }
  return info;
}

const f32 = Math.fround;

/** The constants of one step, as float32 values (as tfjs makes them scalars). */
interface StepConstants {
  readonly negLearningRate: number;
  readonly mu: number;
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  readonly correction1: number;
  readonly correction2: number;
  readonly epsilon: number;
}

/**
 * The update of one variable in JavaScript (the `cpu` backend, or `wasm` without SIMD): the
 * same float32 operations in the same order as the WebAssembly functions and tfjs, each
 * rounded with Math.fround.
 */
function updateInJavaScript(
  method: OptimizerStepMethod,
  nesterov: boolean,
  c: StepConstants,
  theta: Float32Array,
  g: Float32Array,
  state: readonly Float32Array[],
  out: readonly Float32Array[],
): void {
  const outTheta = out[0]!;
  const n = theta.length;
  if (method === 'sgd') {
    for (let j = 0; j < n; j += 1) outTheta[j] = f32(f32(c.negLearningRate * g[j]!) + theta[j]!);
  } else if (method === 'momentum') {
    const a = state[0]!;
    const outA = out[1]!;
    for (let j = 0; j < n; j += 1) {
      const aNew = f32(f32(c.mu * a[j]!) + g[j]!);
      outA[j] = aNew;
      const step = nesterov ? f32(g[j]! + f32(aNew * c.mu)) : aNew;
      outTheta[j] = f32(f32(c.negLearningRate * step) + theta[j]!);
    }
  } else {
    const m = state[0]!;
    const v = state[1]!;
    const outM = out[1]!;
    const outV = out[2]!;
    for (let j = 0; j < n; j += 1) {
      const gj = g[j]!;
      const mNew = f32(f32(m[j]! * c.beta1) + f32(gj * c.oneMinusBeta1));
      const vNew = f32(f32(v[j]! * c.beta2) + f32(f32(gj * gj) * c.oneMinusBeta2));
      outM[j] = mNew;
      outV[j] = vNew;
      const denominator = f32(f32(Math.sqrt(f32(vNew / c.correction2))) + c.epsilon);
      const ratio = f32(f32(mNew / c.correction1) / denominator);
      outTheta[j] = f32(f32(ratio * c.negLearningRate) + theta[j]!);
    }
  }
}

function optimizerStep(
  inputs: NamedTensorInfoMap,
  attrs: OptimizerStepAttrs,
  memory: FloatMemory,
): TensorInfo[] {
  const method: OptimizerStepMethod = attrs.method;
  const states = optimizerStepStateNames(method);
  const { count } = attrs;
  // Check every input, then allocate every output, then take views: an allocation may grow
  // (and so detach) the WASM heap.
  const variables = Array.from({ length: count }, (_, i) => {
    const value = input(inputs, `value${i}`);
    return {
      value,
      gradient: input(inputs, `gradient${i}`, value.shape),
      states: states.map((state) => input(inputs, `${state}${i}`, value.shape)),
      outputs: [] as TensorInfo[],
    };
  });
  const accumulators =
    method === 'adam' ? [input(inputs, 'accBeta1', []), input(inputs, 'accBeta2', [])] : [];
  for (const variable of variables) {
    for (let slot = 0; slot <= states.length; slot += 1) {
      variable.outputs.push(memory.allocate(variable.value.shape));
    }
  }
  const accumulatorOutputs = accumulators.map(() => memory.allocate([]));

  const beta1 = attrs.beta1 ?? 0.9;
  const beta2 = attrs.beta2 ?? 0.999;
  const accBeta1 = method === 'adam' ? memory.view(accumulators[0]!)[0]! : 0;
  const accBeta2 = method === 'adam' ? memory.view(accumulators[1]!)[0]! : 0;
  const constants: StepConstants = {
    negLearningRate: f32(-attrs.learningRate),
    mu: f32(attrs.momentum ?? 0),
    beta1: f32(beta1),
    oneMinusBeta1: f32(1 - beta1),
    beta2: f32(beta2),
    oneMinusBeta2: f32(1 - beta2),
    correction1: f32(1 - accBeta1),
    correction2: f32(1 - accBeta2),
    epsilon: f32(attrs.epsilon ?? 1e-7),
  };
  const nesterov = attrs.useNesterov === true;
  const { simd } = memory;
  for (const { value, gradient, states: state, outputs } of variables) {
    const n = util.sizeFromShape(value.shape);
    if (simd !== undefined) {
      const p = simd.pointer;
      const c = constants;
      if (method === 'sgd') {
        simd.updates.sgd(p(value), p(gradient), p(outputs[0]!), n, c.negLearningRate);
      } else if (method === 'momentum') {
        simd.updates[nesterov ? 'nesterov' : 'momentum'](
          p(value),
          p(gradient),
          p(state[0]!),
          p(outputs[0]!),
          p(outputs[1]!),
          n,
          c.mu,
          c.negLearningRate,
        );
      } else {
        simd.updates.adam(
          p(value),
          p(gradient),
          p(state[0]!),
          p(state[1]!),
          p(outputs[0]!),
          p(outputs[1]!),
          p(outputs[2]!),
          n,
          c.beta1,
          c.oneMinusBeta1,
          c.beta2,
          c.oneMinusBeta2,
          c.correction1,
          c.correction2,
          c.epsilon,
          c.negLearningRate,
        );
      }
    } else {
      updateInJavaScript(
        method,
        nesterov,
        constants,
        memory.view(value),
        memory.view(gradient),
        state.map((info) => memory.view(info)),
        outputs.map((info) => memory.view(info)),
      );
    }
  }
  if (method === 'adam') {
    memory.view(accumulatorOutputs[0]!)[0] = f32(accBeta1 * constants.beta1);
    memory.view(accumulatorOutputs[1]!)[0] = f32(accBeta2 * constants.beta2);
  }
  return [...variables.flatMap((variable) => variable.outputs), ...accumulatorOutputs];
}

const memories: Record<string, (backend: unknown) => FloatMemory> = {
  wasm: wasmMemory,
  cpu: cpuMemory,
};

/** Registers the fused optimiser step on `backendName` (`wasm` or `cpu`; idempotent). */
export function installOptimizerStep(backendName: string): void {
  const memoryOf = memories[backendName];
  if (memoryOf === undefined || getKernel(optimizerStepKernelName, backendName) !== undefined) {
    return;
  }
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) =>
    optimizerStep(inputs, attrs as unknown as OptimizerStepAttrs, memoryOf(backend));
  registerKernel({ kernelName: optimizerStepKernelName, backendName, kernelFunc });
}
