import { initBackend } from '@aekit/runtime-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { timeInterleaved } from './measure';

/** The activations tfjs can fuse into a matMul (besides `linear`). */
const fusable = ['relu', 'sigmoid', 'elu', 'leakyRelu'] as const;
type FusableName = 'linear' | (typeof fusable)[number];
type Pass = 'forward' | 'gradient first' | 'gradient inner';

/** One dense layer `act(x·W + b)`, measured two ways on one backend. */
export interface FusedDenseRow {
  readonly backend: 'wasm' | 'cpu';
  /**
   * `'forward'`: inference only. `'gradient first'`: forward plus the gradient of Σ y with
   * respect to W and b (a first layer, whose input is data); `'gradient inner'`: also with
   * respect to x (a layer inside a network, whose input's gradient is needed).
   */
  readonly pass: Pass;
  readonly activation: FusableName;
  /** Milliseconds per call of `matMul`, `add`, then the activation as separate ops. */
  readonly separateMs: number;
  /** Milliseconds per call of `tf.fused.matMul` (in a gradient, bias only: see below). */
  readonly fusedMs: number;
  /** `separateMs / fusedMs`: above 1 means fusing is faster. */
  readonly speedup: number;
}

export interface FusedDenseResult {
  readonly shape: { readonly batch: number; readonly inDim: number; readonly outDim: number };
  readonly rows: readonly FusedDenseRow[];
}

function activate(linear: tf.Tensor2D, activation: FusableName): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return linear;
    case 'relu':
      return tf.relu(linear);
    case 'sigmoid':
      return tf.sigmoid(linear);
    case 'elu':
      return tf.elu(linear);
    case 'leakyRelu':
      return tf.leakyRelu(linear, 0.2);
  }
}

function separate(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: FusableName) {
  return activate(tf.add(tf.matMul(x, w), b), activation);
}

/**
 * The fused form as a layer would use it: in a forward pass the activation is fused too; under
 * a gradient tfjs fuses only `linear` (it falls back to separate ops for any other activation),
 * so the best a layer can do there is fuse the bias and apply the activation after.
 */
function fused(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: FusableName,
  pass: Pass,
) {
  if (pass === 'forward') {
    return tf.fused.matMul({
      a: x,
      b: w,
      bias: b,
      activation: activation === 'leakyRelu' ? 'leakyrelu' : activation,
      leakyreluAlpha: 0.2,
    });
  }
  return activate(tf.fused.matMul({ a: x, b: w, bias: b }) as tf.Tensor2D, activation);
}

/**
 * Milliseconds per dense layer `act(x·W + b)` with the bias and activation as separate ops
 * versus `tf.fused.matMul`, forward only and with gradients, on wasm and cpu. This is the
 * measurement behind `@aekit/layers`' choice of where to fuse.
 */
export async function benchFusedDense(
  options: { batch?: number; inDim?: number; outDim?: number; quick?: boolean } = {},
): Promise<FusedDenseResult> {
  const { batch = 128, inDim = 784, outDim = 400, quick = false } = options;
  const rows: FusedDenseRow[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend({ backend });
    const x = tf.variable(
      tf.randomNormal([batch, inDim], 0, 1, 'float32', 1),
    ) as tf.Variable<tf.Rank.R2>;
    const w = tf.variable(
      tf.randomNormal([inDim, outDim], 0, 0.05, 'float32', 2),
    ) as tf.Variable<tf.Rank.R2>;
    const b = tf.variable(
      tf.randomNormal([outDim], 0, 0.05, 'float32', 3),
    ) as tf.Variable<tf.Rank.R1>;
    for (const pass of ['forward', 'gradient first', 'gradient inner'] as const) {
      const wrt = pass === 'gradient inner' ? [x, w, b] : [w, b];
      const contenders: Record<string, () => void> = {};
      for (const activation of ['linear', ...fusable] as const) {
        for (const form of ['separate', 'fused'] as const) {
          const layer = () =>
            form === 'separate' ? separate(x, w, b, activation) : fused(x, w, b, activation, pass);
          contenders[`${form} ${activation}`] =
            pass === 'forward'
              ? () => tf.tidy(layer).dataSync()
              : () => {
                  const { value, grads } = tf.variableGrads(() => tf.sum(layer()), wrt);
                  // Reading the gradients forces the whole backward pass to run.
                  grads[w.name]!.dataSync();
                  tf.dispose([value, ...Object.values(grads)]);
                };
        }
      }
      const slow = backend === 'cpu';
      const timings = timeInterleaved(contenders, {
        warmup: quick ? 0 : slow ? 2 : 5,
        windows: quick ? 1 : slow ? 5 : 9,
        callsPerWindow: quick ? 1 : slow ? 2 : 10,
      });
      for (const activation of ['linear', ...fusable] as const) {
        const separateMs = timings[`separate ${activation}`]!.medianMs;
        const fusedMs = timings[`fused ${activation}`]!.medianMs;
        rows.push({
          backend,
          pass,
          activation,
          separateMs,
          fusedMs,
          speedup: separateMs / fusedMs,
        });
      }
    }
    tf.dispose([x, w, b]);
  }
  return { shape: { batch, inDim, outDim }, rows };
}
