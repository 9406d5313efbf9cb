import {
  InvalidArgumentError,
  type JsonValue,
  jsonOption,
  type ResolvedSoFar,
} from '@aekit/core/options';
import { type NetworkSpec, resolveNetworkSpec } from './network-spec';

/**
 * The two options through which every family takes a network other than its fully connected one
 * of `hiddenDims`: `inputShape` (one example as an image) and `encoder` (a network spec; the
 * decoder is its mirror). One home for their rules, which each family's option schema spreads
 * after its `inputDim` (they read it) and before `hiddenDims` (whose rule reads `encoder`).
 * Loads no TensorFlow.js.
 */

/** An image's `[height, width, channels]`. */
export type ImageShape = readonly [number, number, number];

/** `inputShape`: null, or `[height, width, channels]` of positive integers whose product is `inputDim`. */
function resolveInputShape(
  functionName: string,
  argument: string,
  value: unknown,
  resolved: ResolvedSoFar,
): [number, number, number] | null {
  if (value === null) return null;
  const inputDim = resolved.inputDim as number;
  const valid =
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((size) => Number.isInteger(size) && size >= 1);
  if (!valid || value[0] * value[1] * value[2] !== inputDim) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: `null or an image shape [height, width, channels] of positive integers with height · width · channels = inputDim (${inputDim})`,
      value,
    });
  }
  return [value[0], value[1], value[2]];
}

/** `encoder`: null, or a network spec other than the dense one (that is `hiddenDims`' own). */
function resolveEncoder(
  functionName: string,
  argument: string,
  value: unknown,
  resolved: ResolvedSoFar,
): NetworkSpec | null {
  if (value === null) return null;
  const spec = resolveNetworkSpec(functionName, argument, value);
  if (spec.type === 'dense') {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: "null for the fully connected encoder (set its widths with hiddenDims), or a network spec of another type, e.g. { type: 'conv', channels: [32, 64] }",
      value,
    });
  }
  if (spec.type === 'conv' && resolved.inputShape === null) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'inputShape',
      rule: "an image shape [height, width, channels] for a 'conv' encoder",
      value: null,
    });
  }
  return spec;
}

/**
 * The `inputShape` and `encoder` options, for a family's option schema (after `inputDim`).
 * `encoder` is null for the family's fully connected network, or a spec of another kind — a
 * `'conv'` one (needs `inputShape`) or one registered with `registerNetworkKind`.
 */
export function networkSpecOptions() {
  return {
    inputShape: jsonOption({
      default: null,
      shape: 'null or an image shape [height, width, channels]',
      help: 'one example as an image [height, width, channels] (its product is inputDim)',
      resolve: resolveInputShape,
    }),
    encoder: jsonOption({
      default: null,
      shape: 'null or a network spec',
      help: "the encoder's network when not the fully connected one of hiddenDims, e.g. { type: 'conv', channels: [32, 64] }; the decoder mirrors it",
      resolve: (functionName, argument, value, resolved) =>
        resolveEncoder(functionName, argument, value, resolved) as unknown as JsonValue,
    }),
  } as const;
}

/**
 * The rule between `encoder` and `hiddenDims`: with an encoder spec, `hiddenDims` stays empty
 * (a spec's dense layers are its own, e.g. a `'conv'` spec's `hiddenDims`).
 */
export function checkHiddenDimsWithEncoder(
  functionName: string,
  options: { readonly encoder: unknown; readonly hiddenDims: readonly number[] },
): void {
  if (options.encoder !== null && options.hiddenDims.length > 0) {
    throw new InvalidArgumentError({
      functionName,
      argument: 'hiddenDims',
      rule: "left out with an encoder (the dense layers of a 'conv' encoder are its own hiddenDims)",
      value: options.hiddenDims,
    });
  }
}
