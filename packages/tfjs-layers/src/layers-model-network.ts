import { checkKnownFields, deepFreeze, InvalidArgumentError, type JsonValue } from '@aekit/core';
import {
  activate,
  type DecoderContext,
  type EncoderContext,
  type NetworkKind,
  type NetworkPart,
  type NetworkSpec,
} from '@aekit/layers';
import { reshape, type Tensor, type Tensor2D, tidy, type Variable } from '@tensorflow/tfjs-core';
import { LayersModel, Sequential } from '@tensorflow/tfjs-layers';

/**
 * A `@tensorflow/tfjs-layers` model as an aekit network: the encoder and the decoder are
 * `LayersModel`s (a `tf.sequential` or a functional `tf.model`), stored in the spec as their
 * configurations (`model.getConfig()`, plain JSON), so `config.json` keeps them and `loadModel`
 * rebuilds both (their weights come from the model's safetensors file).
 */

/** The type name of the spec, what `config.json` stores. */
export const layersModelNetworkType = 'tfjs-layers';

/** One model's architecture: its class (`'Sequential'` or `'Model'`) and `getConfig()`. */
export interface LayersModelTopology {
  readonly [field: string]: JsonValue;
  readonly className: string;
  readonly config: JsonValue;
}

/** The spec of a network made of two tfjs-layers models. */
export interface LayersModelNetworkSpec extends NetworkSpec {
  readonly type: typeof layersModelNetworkType;
  readonly encoder: LayersModelTopology;
  readonly decoder: LayersModelTopology;
}

/**
 * Layers that behave differently in training and inference (or keep state the optimiser does
 * not update). An aekit network part has one `apply`, so they would silently run in inference
 * mode: refused instead.
 */
const trainingDependentLayers = new Set([
  'Dropout',
  'SpatialDropout1D',
  'AlphaDropout',
  'GaussianDropout',
  'GaussianNoise',
  'BatchNormalization',
  'LayerNormalization',
]);

const functionName = 'layersModelNetwork';

function isLayersModel(value: unknown): value is LayersModel {
  return value instanceof LayersModel;
}

function topologyOf(argument: string, model: unknown): LayersModelTopology {
  if (!isLayersModel(model)) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: 'a @tensorflow/tfjs-layers LayersModel (tf.sequential or tf.model)',
      value: model,
    });
  }
  // getConfig() is the architecture without weights; JSON round-trips it into plain data.
  const config = JSON.parse(JSON.stringify(model.getConfig())) as JsonValue;
  return { className: model.getClassName(), config };
}

/**
 * The spec of a network whose encoder and decoder are tfjs-layers models, for any family's
 * `encoder` option, e.g.
 * `createVae({ inputDim: 784, latentDim: 8, encoder: layersModelNetwork({ encoder, decoder }) })`.
 *
 * - The encoder takes a flat `[batch, inputDim]` input or, when its input is an image
 *   `[batch, height, width, channels]` of the data's shape, the image; its output (flattened if
 *   it has more than one axis) is what the family's code layer reads.
 * - The decoder takes `[batch, latentDim]` (the family's code) and gives the reconstruction's
 *   pre-activation, flat or as an image, `inputDim` values per example; aekit applies the
 *   family's output activation (none for a Bernoulli likelihood's logits), so end it with a
 *   linear layer.
 * - Only the architectures are kept: `createVae` & co. build fresh models from them (the
 *   weights of `encoder` and `decoder` are not copied), initialised by tfjs-layers' own
 *   initialisers — set their `seed` for repeatable runs; aekit's `seed` does not reach them.
 * - Dropout, noise and normalisation layers are refused (a part has no training flag).
 * - A conditional VAE's label cannot join a tfjs-layers model's input.
 */
export function layersModelNetwork(models: {
  readonly encoder: LayersModel;
  readonly decoder: LayersModel;
}): LayersModelNetworkSpec {
  if (typeof models !== 'object' || models === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'models',
      rule: 'an object { encoder, decoder } of two LayersModels',
      value: models,
    });
  }
  checkKnownFields(functionName, models, ['encoder', 'decoder'], 'models.');
  return deepFreeze({
    type: layersModelNetworkType,
    encoder: topologyOf('models.encoder', models.encoder),
    decoder: topologyOf('models.decoder', models.decoder),
  });
}

function checkTopology(builder: string, argument: string, value: unknown): LayersModelTopology {
  const record = value as Partial<LayersModelTopology> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    (record.className !== 'Sequential' && record.className !== 'Model') ||
    typeof record.config !== 'object' ||
    record.config === null
  ) {
    throw new InvalidArgumentError({
      functionName: builder,
      argument,
      rule: "a model's architecture { className: 'Sequential' | 'Model', config } (see layersModelNetwork)",
      value,
    });
  }
  checkKnownFields(builder, record, ['className', 'config'], `${argument}.`);
  return record as LayersModelTopology;
}

/** Builds the model an architecture describes, refusing the layers a part cannot run. */
function buildModel(builder: string, argument: string, topology: LayersModelTopology): LayersModel {
  // fromConfig is tfjs-layers' synchronous deserialisation (loadLayersModel is asynchronous);
  // it edits the config it reads, so it gets a copy of the (frozen) spec's.
  const config = structuredClone(topology.config) as unknown as Parameters<
    typeof Sequential.fromConfig
  >[1];
  let model: LayersModel;
  try {
    model = (
      topology.className === 'Sequential'
        ? Sequential.fromConfig(Sequential, config)
        : LayersModel.fromConfig(LayersModel, config)
    ) as LayersModel;
  } catch (error) {
    throw new InvalidArgumentError({
      functionName: builder,
      argument,
      rule: `an architecture tfjs-layers can build (it said: ${(error as Error).message})`,
      value: topology.className,
    });
  }
  const refused = model.layers.find((layer) => trainingDependentLayers.has(layer.getClassName()));
  if (refused !== undefined) {
    model.dispose();
    throw new InvalidArgumentError({
      functionName: builder,
      argument,
      rule: `no ${[...trainingDependentLayers].join(', ')} layers (an aekit network part runs one way in training and inference)`,
      value: refused.getClassName(),
    });
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new InvalidArgumentError({
      functionName: builder,
      argument,
      rule: 'a model with one input and one output',
      value: `${model.inputs.length} inputs, ${model.outputs.length} outputs`,
    });
  }
  return model;
}

const product = (shape: readonly number[]) => shape.reduce((total, size) => total * size, 1);

/** A shape without its batch axis, every size known. */
function fixedShape(
  builder: string,
  argument: string,
  shape: readonly (number | null)[],
): number[] {
  const rest = shape.slice(1);
  if (rest.length === 0 || rest.some((size) => size === null)) {
    throw new InvalidArgumentError({
      functionName: builder,
      argument,
      rule: 'a model whose input and output sizes are all known (only the batch axis open)',
      value: shape,
    });
  }
  return rest as number[];
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((size, index) => size === b[index]);

/** The model's variables under stable names: `<layer index>.<weight name>`, e.g. `1.kernel`. */
function variablesOf(model: LayersModel): Record<string, Variable> {
  const variables: Record<string, Variable> = {};
  model.layers.forEach((layer, index) => {
    for (const weight of layer.weights) {
      // tfjs-layers names a weight `<layer>/<name>` and adds `_<n>` when the name is taken.
      const name = weight.originalName.split('/').at(-1)!.replace(/_\d+$/, '');
      variables[`${index}.${name}`] = weight.read() as Variable;
    }
  });
  return variables;
}

/** A part that runs `model` on flat inputs (reshaped to the model's input shape) and flattens its output. */
function partOf(
  model: LayersModel,
  shapes: { inDim: number; inputShape: readonly number[]; outDim: number },
  finish: (output: Tensor2D) => Tensor2D,
): NetworkPart {
  const variables = variablesOf(model);
  const layers = model.layers.map((layer) => {
    const output = layer.outputShape as (number | null)[];
    return `${layer.getClassName()} ${layer.name}: → ${output.slice(1).join('×')}`;
  });
  return {
    inDim: shapes.inDim,
    extraDim: 0,
    outDim: shapes.outDim,
    variables,
    layers,
    apply(x, extra) {
      if (extra !== undefined) {
        throw new InvalidArgumentError({
          functionName: 'NetworkPart.apply',
          argument: 'extra',
          rule: 'left out: a tfjs-layers part takes no extra input',
          value: extra.shape,
        });
      }
      return tidy(() => {
        const input = reshape(x, [x.shape[0], ...shapes.inputShape]);
        const output = model.apply(input) as Tensor;
        return finish(reshape(output, [x.shape[0], shapes.outDim]) as Tensor2D);
      });
    },
  };
}

function encoderOf(spec: LayersModelNetworkSpec, context: EncoderContext): NetworkPart {
  const builder = 'buildEncoder';
  if (context.extraDim !== 0) {
    throw new InvalidArgumentError({
      functionName: builder,
      argument: 'context.extraDim',
      rule: "0: a 'tfjs-layers' encoder takes no extra input (a conditional model's label)",
      value: context.extraDim,
    });
  }
  const model = buildModel(builder, 'spec.encoder', spec.encoder);
  try {
    const inDim = product(context.inputShape);
    const input = fixedShape(builder, 'spec.encoder', model.inputs[0]!.shape);
    if (!sameShape(input, [inDim]) && !sameShape(input, context.inputShape)) {
      throw new InvalidArgumentError({
        functionName: builder,
        argument: 'spec.encoder',
        rule: `a model whose input is [batch, ${inDim}] or [batch, ${context.inputShape.join(', ')}] (the data's shape)`,
        value: model.inputs[0]!.shape,
      });
    }
    const outDim = product(fixedShape(builder, 'spec.encoder', model.outputs[0]!.shape));
    return partOf(model, { inDim, inputShape: input, outDim }, (output) => output);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function decoderOf(spec: LayersModelNetworkSpec, context: DecoderContext): NetworkPart {
  const builder = 'buildDecoder';
  const model = buildModel(builder, 'spec.decoder', spec.decoder);
  try {
    const input = fixedShape(builder, 'spec.decoder', model.inputs[0]!.shape);
    if (!sameShape(input, [context.inDim])) {
      throw new InvalidArgumentError({
        functionName: builder,
        argument: 'spec.decoder',
        rule: `a model whose input is [batch, ${context.inDim}] (the code)`,
        value: model.inputs[0]!.shape,
      });
    }
    const outDim = product(context.outputShape);
    const output = fixedShape(builder, 'spec.decoder', model.outputs[0]!.shape);
    if (product(output) !== outDim) {
      throw new InvalidArgumentError({
        functionName: builder,
        argument: 'spec.decoder',
        rule: `a model whose output has ${outDim} values per example (the data's shape ${context.outputShape.join('×')})`,
        value: model.outputs[0]!.shape,
      });
    }
    return partOf(model, { inDim: context.inDim, inputShape: input, outDim }, (output) =>
      activate(output, context.outputActivation),
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The `'tfjs-layers'` network kind; importing `@aekit/tfjs-layers` registers it. */
export const layersModelNetworkKind: NetworkKind<LayersModelNetworkSpec> = {
  type: layersModelNetworkType,
  resolve(spec, builder, argument) {
    checkKnownFields(builder, spec, ['type', 'encoder', 'decoder'], `${argument}.`);
    return {
      type: layersModelNetworkType,
      encoder: checkTopology(builder, `${argument}.encoder`, spec.encoder),
      decoder: checkTopology(builder, `${argument}.decoder`, spec.decoder),
    };
  },
  encoder: encoderOf,
  decoder: decoderOf,
};
