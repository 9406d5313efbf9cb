import type { Dataset } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import {
  setSharedIdentityPatch,
  setSimdKernels,
  setTransposedMatMulPatch,
} from '@aekit/runtime-wasm/internal';
import { fit } from '@aekit/train';
import { createVae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import { median } from './measure';
import { StockTfjsVae } from './stock-vae';

/** Time spent in one kernel per training step, summed over its calls. */
export interface KernelRow {
  readonly kernel: string;
  readonly callsPerStep: number;
  readonly msPerStep: number;
}

/** Where the time of one training step goes, for one contender. */
export interface StepProfile {
  readonly contender: 'aekit wasm' | 'aekit wasm, XNNPACK products' | 'tfjs wasm (stock)';
  /** Wall-clock milliseconds per step, median over repeats (without the profiler). */
  readonly stepMs: number;
  /** Kernel calls per step and their summed time (as `tf.profile` reports it). */
  readonly kernelsPerStep: number;
  readonly kernelMsPerStep: number;
  /** Of which matMuls: `BatchMatMul`, `_FusedMatMul` and aekit's `AekitDense`. */
  readonly matMulMsPerStep: number;
  /** Floating-point operations of the matMuls per step, in millions. */
  readonly matMulMflopPerStep: number;
  /** Kernels by time, largest first. */
  readonly kernels: readonly KernelRow[];
}

// aekit's dense kernel is a matMul with bias and activation fused.
const matMulKernels = new Set(['BatchMatMul', '_FusedMatMul', 'AekitDense']);

/**
 * A per-kernel profile of the 784-400-20 VAE training step on wasm, aekit's `fit` against the
 * stock tfjs model: `tf.profile` over `steps` steps (kernel times are the profiler's, which
 * reads each kernel's output, so they include a little of its own overhead), and the wall-clock
 * time of the same steps without the profiler. The difference between wall time and kernel
 * time is engine and JavaScript work: the tape, tensor bookkeeping, the data pipeline.
 */
export async function profileTrainingStep(
  data: Dataset,
  options: { steps: number; repeats: number },
): Promise<StepProfile[]> {
  const { steps, repeats } = options;
  await initBackend({ backend: 'wasm' });
  const subset = data.take(steps * 128);
  const vae = createVae({ inputDim: data.dim, latentDim: 20, hiddenDims: [400], seed: 1 });
  const optimizer = tf.train.adam(1e-3);
  const stock = new StockTfjsVae(data.dim, 400, 20);
  // Every switch back on after each contender: aekit as users get it.
  const patches = (enabled: boolean, simdKernels = enabled) => {
    setTransposedMatMulPatch(enabled);
    setSharedIdentityPatch(enabled);
    setSimdKernels(simdKernels);
  };
  const aekitSteps = (simdKernels: boolean) => async () => {
    patches(true, simdKernels);
    try {
      await fit(vae, subset, { epochs: 1, batchSize: 128, optimizer, shuffle: false });
    } finally {
      patches(true);
    }
  };
  const stockSteps = async () => {
    patches(false);
    try {
      for (const batch of subset.batches(128)) {
        await stock.step(batch.x);
        batch.x.dispose();
      }
    } finally {
      patches(true);
    }
  };
  const results: StepProfile[] = [];
  try {
    for (const [contender, run] of [
      ['aekit wasm', aekitSteps(true)],
      ['aekit wasm, XNNPACK products', aekitSteps(false)],
      ['tfjs wasm (stock)', stockSteps],
    ] as const) {
      await run(); // warm-up
      const wall: number[] = [];
      for (let repeat = 0; repeat < repeats; repeat += 1) {
        const start = performance.now();
        await run();
        wall.push((performance.now() - start) / steps);
      }
      const profile = await tf.profile(run);
      const byName = new Map<string, { calls: number; ms: number }>();
      let mflop = 0;
      for (const kernel of profile.kernels) {
        const entry = byName.get(kernel.name) ?? { calls: 0, ms: 0 };
        entry.calls += 1;
        entry.ms += kernel.kernelTimeMs as number;
        byName.set(kernel.name, entry);
        if (matMulKernels.has(kernel.name)) {
          // C = op(A)·op(B) of [m, n] costs 2·m·n·k with k = size(A) / m (2-D operands).
          const a = kernel.inputShapes[0] as number[];
          const out = kernel.outputShapes[0] as number[];
          const size = (shape: number[]) => shape.reduce((product, dim) => product * dim, 1);
          const k = size(a) / out.at(-2)!;
          mflop += (2 * size(out) * k) / 1e6;
        }
      }
      const kernels = [...byName]
        .map(([kernel, entry]) => ({
          kernel,
          callsPerStep: entry.calls / steps,
          msPerStep: entry.ms / steps,
        }))
        .sort((x, y) => y.msPerStep - x.msPerStep);
      results.push({
        contender,
        stepMs: median(wall),
        kernelsPerStep: profile.kernels.length / steps,
        kernelMsPerStep: kernels.reduce((sum, row) => sum + row.msPerStep, 0),
        matMulMsPerStep: kernels
          .filter((row) => matMulKernels.has(row.kernel))
          .reduce((sum, row) => sum + row.msPerStep, 0),
        matMulMflopPerStep: mflop / steps,
        kernels,
      });
    }
  } finally {
    vae.dispose();
    optimizer.dispose();
    stock.dispose();
  }
  return results;
}
