// How the worker builds each family's model and what it can ask of it beyond the Autoencoder
// contract. Importing a family package registers it, so `modelFromBytes` can rebuild its
// saved models. Adding a family: import its package, add an entry to `workerFamilies`.
import type { Autoencoder } from '@aekit/core';
import { type ActivationName, activate } from '@aekit/layers';
import { createVae, type Vae } from '@aekit/vae';
import {
  add,
  concat,
  exp,
  matMul,
  oneHot,
  type Tensor1D,
  type Tensor2D,
  tidy,
  type Variable,
} from '@tensorflow/tfjs-core';
import type { ParameterValues } from '../protocol';

/** A sample of values to show as a histogram, computed on a batch of test digits. */
export interface HistogramValues {
  readonly title: string;
  readonly note: string;
  readonly values: Float32Array;
  readonly reference?: 'standard-normal';
}

/**
 * The operations the views use, on one model. Labels (`[batch]` int32) are passed to a model
 * conditioned on them and ignored otherwise. Returned tensors belong to the caller.
 */
export interface ModelHandle {
  readonly model: Autoencoder;
  readonly codeDim: number;
  readonly numClasses: number | null;
  /**
   * The activation of the first encoder layer, `encoder.0.W` and `encoder.0.b` (the name every
   * aekit MLP family gives it), or null when the model has no dense layer on the pixels.
   */
  readonly firstLayerActivation: ActivationName | null;
  encode(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  decode(z: Tensor2D, labels?: Tensor1D): Tensor2D;
  reconstruct(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  /** Decodes `n` draws from the prior, when the family has one. */
  sample?(n: number, seed: number, labels?: Tensor1D): Tensor2D;
  /** Family-specific histograms of a batch of examples. */
  histograms?(x: Tensor2D, labels?: Tensor1D): HistogramValues[];
}

/** What the worker needs to know about a family. */
export interface WorkerFamily {
  readonly name: string;
  /** A fresh model from the panel's parameter values. */
  create(
    parameters: ParameterValues,
    context: { readonly inputDim: number; readonly numClasses: number; readonly seed: number },
  ): Autoencoder;
  /** The views' operations on a model of this family (built here or loaded from a file). */
  handle(model: Autoencoder): ModelHandle;
}

function readValues(tensor: Tensor2D): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

const vaeFamily: WorkerFamily = {
  name: 'vae',
  create(parameters, { inputDim, numClasses, seed }) {
    return createVae({
      inputDim,
      latentDim: Number(parameters.latentDim),
      hidden: [Number(parameters.hidden)],
      beta: Number(parameters.beta),
      likelihood: parameters.likelihood === 'gaussian' ? 'gaussian' : 'bernoulli',
      conditional: parameters.conditional === true ? { numClasses } : null,
      seed,
    });
  },
  handle(model) {
    const vae = model as Vae;
    const numClasses = vae.config.conditional?.numClasses ?? null;
    const given = (labels?: Tensor1D) => (numClasses === null ? undefined : labels);
    return {
      model,
      codeDim: vae.config.latentDim,
      numClasses,
      // With no hidden layer, encoder.0 does not exist (the head is not an encoder layer).
      firstLayerActivation: vae.config.hidden.length > 0 ? vae.config.activation : null,
      encode: (x, labels) => vae.encode(x, given(labels)),
      decode: (z, labels) => vae.decode(z, given(labels)),
      reconstruct: (x, labels) => vae.reconstruct(x, given(labels)),
      sample: (n, seed, labels) =>
        vae.sample(n, { seed, ...(numClasses === null ? {} : { labels: labels! }) }),
      histograms(x, labels) {
        const { mu, logVar } = vae.posterior(x, given(labels));
        const sigma = tidy(() => exp(logVar));
        const sigmaValues = readValues(sigma).map((variance) => Math.sqrt(variance));
        logVar.dispose();
        return [
          {
            title: 'Posterior means μ',
            note: 'all latent dimensions pooled, with the prior N(0, 1)',
            values: readValues(mu),
            reference: 'standard-normal',
          },
          {
            title: 'Posterior standard deviations σ',
            note: 'all latent dimensions pooled; the prior has σ = 1',
            values: sigmaValues,
          },
        ];
      },
    };
  },
};

/** The families the worker can build and load, by `config.family`. */
export const workerFamilies: ReadonlyMap<string, WorkerFamily> = new Map(
  [vaeFamily].map((family) => [family.name, family]),
);

/**
 * The first encoder layer, when the model has one on the pixels: its kernel `[inputDim (+
 * classes), units]`, bias and activation.
 */
export function firstEncoderLayer(
  handle: ModelHandle,
): { W: Variable; b: Variable; activation: ActivationName } | null {
  const variables = handle.model.variables();
  const W = variables['encoder.0.W'];
  const b = variables['encoder.0.b'];
  const activation = handle.firstLayerActivation;
  if (activation === null || W === undefined || b === undefined || W.rank !== 2) return null;
  if (W.shape[0]! < handle.model.config.inputDim) return null;
  return { W, b, activation };
}

/** The first hidden layer's activations `[batch, units]` of `x` (labels one-hot appended). */
export function firstLayerActivations(
  layer: { W: Variable; b: Variable; activation: ActivationName },
  x: Tensor2D,
  numClasses: number | null,
  labels?: Tensor1D,
): Tensor2D {
  return tidy(() => {
    const inputs =
      numClasses === null || labels === undefined
        ? x
        : (concat([x, oneHot(labels, numClasses)], 1) as Tensor2D);
    // A conditional model's kernel has rows for the one-hot label too; they are used above.
    return activate(add(matMul(inputs, layer.W), layer.b), layer.activation) as Tensor2D;
  });
}
