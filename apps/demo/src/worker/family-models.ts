// How the worker builds each family's model and what it can ask of it beyond the Autoencoder
// contract. The families are the page's (installed-families.ts), whose packages
// ./installed-families.ts imports: an MLP family is built through its registry entry (its
// resolver and factory) with no code of its own here; the VAE and the stack have entries below.
import './installed-families';
import { isMlpAutoencoder, type MlpAutoencoder } from '@aekit/ae';
import {
  AekitError,
  type Autoencoder,
  type AutoencoderFamily,
  familyExtras,
  findAutoencoderFamily,
} from '@aekit/core';
import type { Dataset } from '@aekit/data';
import { type ActivationName, activate } from '@aekit/layers';
import { createStackedAe, type StackedAe, type StageFamily } from '@aekit/stacked';
import { type FitOptions, fit, type StopReason } from '@aekit/train';
import { createVae, type Vae, type VaeConfig } from '@aekit/vae';
import {
  add,
  concat,
  exp,
  matMul,
  oneHot,
  slice,
  type Tensor1D,
  type Tensor2D,
  tidy,
  transpose,
  type Variable,
} from '@tensorflow/tfjs-core';
import { demoConvChannels } from '../families';
import { installedFamilies } from '../installed-families';
import type { Noise, ParameterValues } from '../protocol';
import { corruptionFor } from './corruption';

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
  encode(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  decode(z: Tensor2D, labels?: Tensor1D): Tensor2D;
  reconstruct(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  /** Decodes `n` draws from the prior, when the family has one. */
  sample?(n: number, seed: number, labels?: Tensor1D): Tensor2D;
  /** The first layer's filters `[units ≤ count, inputDim]`, row j for hidden unit j. */
  filters?(count: number): Tensor2D;
  /** Histograms of the model's units on a batch of examples. */
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
  /**
   * How a fresh model of this family trains, when not with one `fit` (a stack: stage by
   * stage). `phase` names the part training now; it prefixes the loss names in the charts.
   */
  pretrain?(
    model: Autoencoder,
    data: Dataset,
    options: FitOptions,
    phase: (label: string) => void,
  ): Promise<StopReason>;
}

function readValues(tensor: Tensor2D): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

function readValues1d(tensor: Tensor1D): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

const vaeFamily: WorkerFamily = {
  name: 'vae',
  create(parameters, { inputDim, numClasses, seed }) {
    const hidden = [Number(parameters.hidden)];
    return createVae({
      ...familyOptions(parameters),
      inputDim,
      ...networkOf(parameters, hidden, inputDim),
      conditional: parameters.conditional === true ? { numClasses } : null,
      seed,
    } as VaeConfig);
  },
  handle(model) {
    const vae = model as Vae;
    const numClasses = vae.config.conditional?.numClasses ?? null;
    const given = (labels?: Tensor1D) => (numClasses === null ? undefined : labels);
    // With no hidden layer there is no encoder.0 (the head to μ, log σ² is not a layer of units).
    const layer =
      vae.config.hiddenDims.length > 0
        ? denseLayer(vae, 'encoder.0', vae.config.hiddenActivation)
        : null;
    return {
      model,
      codeDim: vae.config.latentDim,
      numClasses,
      encode: (x, labels) => vae.encode(x, given(labels)),
      decode: (z, labels) => vae.decode(z, given(labels)),
      reconstruct: (x, labels) => vae.reconstruct(x, given(labels)),
      sample: (n, seed, labels) =>
        vae.sample(n, { seed, ...(numClasses === null ? {} : { labels: labels! }) }),
      ...(layer === null
        ? {}
        : {
            filters: (count: number) =>
              tidy(() => {
                const units = Math.min(count, layer.W.shape[1]!);
                // Column j of W [784 (+ classes), units] is the pattern unit j responds to.
                return transpose(slice(layer.W, [0, 0], [vae.config.inputDim, units])) as Tensor2D;
              }),
          }),
      histograms(x, labels) {
        const hidden =
          layer === null
            ? []
            : [
                activationValues(
                  'Hidden units of the first encoder layer',
                  layer.activation,
                  readValues(firstLayerActivations(layer, x, numClasses, given(labels))),
                  x.shape[0],
                ),
              ];
        const { mu, logVar } = vae.posterior(x, given(labels));
        const sigma = tidy(() => exp(logVar));
        const sigmaValues = readValues(sigma).map((variance) => Math.sqrt(variance));
        logVar.dispose();
        return [
          ...hidden,
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

/**
 * The views' operations on any model built with `@aekit/ae`'s MLP kit (vanilla, denoising,
 * sparse, contractive): the code is the last encoder layer; filters and activations come
 * from the model's own methods. The extras its family declares add histograms: 'sparsity' each
 * unit's mean activation ρ̂ⱼ, 'jacobian-norms' the encoder Jacobian norm of each digit.
 */
function mlpHandle(model: MlpAutoencoder): ModelHandle {
  const { config } = model;
  const codeActivation = codeActivationOf(model);
  const extras = familyExtras(String(config.family));
  const hiddenDims = (config.hiddenDims as readonly number[] | undefined) ?? [];
  return {
    model,
    codeDim: Number(config.latentDim),
    numClasses: null,
    encode: (x) => model.encode(x),
    decode: (z) => model.decode(z),
    reconstruct: (x) => model.reconstruct(x),
    // The filters view draws 28 × 28 tiles: a convolution's 3 × 3 kernels are not shown.
    ...(config.encoder != null
      ? {}
      : {
          filters: (count: number) =>
            tidy(() => {
              const filters = model.filters();
              const rows = Math.min(count, filters.shape[0]);
              return slice(filters, [0, 0], [rows, -1]) as Tensor2D;
            }),
        }),
    histograms: (x) => [
      activationValues(
        hiddenDims.length === 0
          ? 'Code units h = f(x)'
          : 'Code units h = f(x), the last encoder layer',
        codeActivation,
        readValues(model.hiddenActivations(x)),
        x.shape[0],
      ),
      ...(extras.includes('sparsity') ? [meanActivationValues(model, x)] : []),
      ...(extras.includes('jacobian-norms') ? [jacobianNormValues(model, x)] : []),
    ],
  };
}

/** Each unit's mean activation ρ̂ⱼ on `x`, beside the target ρ of a KL penalty (extra 'sparsity'). */
function meanActivationValues(model: MlpAutoencoder, x: Tensor2D): HistogramValues {
  const { penalty, rho } = model.config;
  return {
    title: 'Mean activation ρ̂ⱼ of each hidden unit',
    note:
      penalty === 'kl'
        ? `over the test digits; the KL penalty pulls each towards ρ = ${rho}`
        : 'over the test digits; the L1 penalty pulls every activation towards 0',
    values: readValues1d(model.meanActivations(x)),
  };
}

/** ‖J_f(x)‖_F of each digit of `x` (extra 'jacobian-norms'). */
function jacobianNormValues(model: MlpAutoencoder, x: Tensor2D): HistogramValues {
  return {
    title: 'Encoder Jacobian norm ‖J_f(x)‖_F',
    note: 'per test digit: how much the code moves when the pixels move a little',
    values: readValues1d(model.jacobianNorm(x)),
  };
}

/**
 * The panel's values of the family's own options (named as in its schema), without the
 * controls the page draws its own way (see families.ts), which each family maps itself.
 */
function familyOptions(
  parameters: ParameterValues,
): { readonly latentDim: number } & Record<string, number | boolean | string> {
  const {
    hidden: _hidden,
    corruption: _corruption,
    nu: _nu,
    network: _network,
    ...options
  } = parameters;
  // Every family here has a code width; the family's resolver checks every value.
  return options as { readonly latentDim: number } & typeof options;
}

/** `[h]` for a width h > 0, `[]` for 0 (no hidden layer before the code). */
function hiddenDimsOf(parameters: ParameterValues): number[] {
  const width = Number(parameters.hidden);
  return width > 0 ? [width] : [];
}

/** The page's digits as pictures: 28 × 28, grey. */
const digitShape = [28, 28, 1] as const;

/**
 * The network fields of a config from the panel's choice (see `networkChoice` in families.ts):
 * the fully connected network of `hidden`, or the convolutional spec with `hidden` as its
 * dense layers, for the page's 28 × 28 digits.
 */
function networkOf(
  parameters: ParameterValues,
  hidden: readonly number[],
  inputDim: number,
): Record<string, unknown> {
  if (parameters.network !== 'conv') return { hiddenDims: [...hidden] };
  if (inputDim !== digitShape[0] * digitShape[1]) {
    throw new AekitError(
      `The demo: a convolutional network needs the page's 28 × 28 digits, not ${inputDim} values.`,
    );
  }
  return {
    encoder: { type: 'conv', channels: [...demoConvChannels], hiddenDims: [...hidden] },
    inputShape: [...digitShape],
  };
}

/** The activation of the model's code (the family set it). */
function codeActivationOf(model: MlpAutoencoder): ActivationName {
  return model.network.options.codeActivation;
}

/** The model as an `MlpAutoencoder`, or an error naming its family. */
function asMlp(model: Autoencoder): MlpAutoencoder {
  if (!isMlpAutoencoder(model)) {
    throw new AekitError(
      `The demo: a model of family '${model.config.family}' is not made of an encoder and a decoder MLP.`,
    );
  }
  return model;
}

/** A registry entry with the fields the worker builds an MLP family's models through. */
type BuildableFamily = AutoencoderFamily &
  Required<Pick<AutoencoderFamily, 'options' | 'resolveConfig'>>;

/**
 * The registry entry of the MLP family `name`; an error names the family and what its entry
 * lacks.
 */
export function buildableFamily(name: string): BuildableFamily {
  const family = findAutoencoderFamily(name);
  if (family === undefined) {
    throw new AekitError(
      `The demo: no family '${name}' is registered; import its package in worker/installed-families.ts.`,
    );
  }
  for (const field of ['options', 'resolveConfig'] as const) {
    if (family[field] === undefined) {
      throw new AekitError(
        `The demo: the family '${name}' (${family.packageName}) cannot be built by the worker: its registry entry has no '${field}'.`,
      );
    }
  }
  return family as BuildableFamily;
}

/**
 * A family of encoder and decoder MLPs, built from the panel's values through its registry
 * entry: the values of its options, one hidden width as `hiddenDims` where it has that option,
 * and one corruption as `corruptions` where it has that option (the page's controls of those,
 * see families.ts).
 */
export function mlpWorkerFamily(name: string): WorkerFamily {
  return {
    name,
    create(parameters, { inputDim, seed }) {
      const family = buildableFamily(name);
      const config = {
        ...familyOptions(parameters),
        inputDim,
        ...(family.options.hiddenDims === undefined
          ? parameters.network === 'conv'
            ? networkOf(parameters, [], inputDim)
            : {}
          : networkOf(parameters, hiddenDimsOf(parameters), inputDim)),
        ...(family.options.corruptions === undefined || parameters.corruption === undefined
          ? {}
          : {
              corruptions: [
                corruptionFor(parameters.corruption as Noise['kind'], Number(parameters.nu)),
              ],
            }),
        seed,
      };
      // A family's `create` returns its model; an MLP family's is an `Autoencoder` (checked).
      const model = family.create(family.resolveConfig(config as never));
      return asMlp(model as unknown as Autoencoder);
    },
    handle: (model) => mlpHandle(asMlp(model)),
  };
}

const stackedFamily: WorkerFamily = {
  name: 'stacked',
  create: (parameters, { inputDim, seed }) =>
    createStackedAe({
      inputDim,
      layers: [parameters.units1, parameters.units2, parameters.units3]
        .map(Number)
        .filter((units) => units > 0)
        .map((latentDim) => ({ latentDim, family: String(parameters.stageFamily) as StageFamily })),
      seed,
    }),
  handle(model) {
    const stack = model as StackedAe;
    const { latentDims } = stack.config;
    const first = stack.stages[0]!;
    return {
      model,
      codeDim: latentDims[latentDims.length - 1]!,
      numClasses: null,
      encode: (x) => stack.encode(x),
      decode: (z) => stack.decode(z),
      reconstruct: (x) => stack.reconstruct(x),
      filters: (count) =>
        tidy(() => {
          const filters = first.filters();
          return slice(filters, [0, 0], [Math.min(count, filters.shape[0]), -1]) as Tensor2D;
        }),
      histograms: (x) =>
        stack.stages.map((stage, index) =>
          activationValues(
            `Code of stage ${index + 1} (${stage.config.family})`,
            codeActivationOf(stage),
            readValues(stack.encodeTo(x, index + 1)),
            x.shape[0],
          ),
        ),
    };
  },
  async pretrain(model, data, options, phase) {
    const stack = model as StackedAe;
    const { epochs, ...rest } = options;
    const result = await stack.pretrain(data, {
      fit,
      ...rest,
      ...(epochs === undefined ? {} : { epochsPerLayer: epochs }),
      onStageStart: (stage) => phase(`stage ${stage + 1}:`),
    });
    // An abort in one stage leaves the later stages a step or so each; report it as an abort.
    return options.signal?.aborted === true ? 'aborted' : result.stages.at(-1)!.stopReason;
  },
};

/** The families with entries of their own: every other one is an MLP family (`mlpWorkerFamily`). */
const ownFamilies: readonly WorkerFamily[] = [stackedFamily, vaeFamily];

/** The families the worker can build and load, by `config.family`: the page's. */
export const workerFamilies: ReadonlyMap<string, WorkerFamily> = new Map(
  installedFamilies.map(({ name }) => [
    name,
    ownFamilies.find((family) => family.name === name) ?? mlpWorkerFamily(name),
  ]),
);

/** A dense layer of `model` by its variables' prefix, e.g. `encoder.0` (W and b). */
interface DenseLayer {
  readonly W: Variable;
  readonly b: Variable;
  readonly activation: ActivationName;
}

function denseLayer(model: Autoencoder, prefix: string, activation: ActivationName): DenseLayer {
  const variables = model.variables();
  const W = variables[`${prefix}.W`];
  const b = variables[`${prefix}.b`];
  if (W === undefined || b === undefined) {
    throw new Error(`The model has no layer '${prefix}' (${Object.keys(variables).join(', ')}).`);
  }
  return { W, b, activation };
}

/**
 * Activations of `units · rows` as a histogram sample. Exact zeros (a ReLU's inactive units)
 * would dwarf every other bar: they are counted in the note and left out.
 */
function activationValues(
  title: string,
  activation: ActivationName,
  activations: Float32Array,
  rows: number,
): HistogramValues {
  const values = activations.filter((value) => value !== 0);
  const zeroShare = (100 * (activations.length - values.length)) / activations.length;
  const units = activations.length / rows;
  return {
    title,
    note: `${activation} activations of ${rows} test digits × ${units} units${zeroShare > 0 ? `; ${zeroShare.toFixed(0)}% are exactly 0 and not drawn` : ''}`,
    values,
  };
}

/** The first hidden layer's activations `[batch, units]` of `x` (labels one-hot appended). */
function firstLayerActivations(
  layer: DenseLayer,
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
