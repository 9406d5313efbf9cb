import {
  checkKnownFields,
  checkPositiveInteger,
  checkPositiveIntegerList,
  deepFreeze,
  InvalidArgumentError,
  type JsonValue,
} from '@aekit/core/options';

/**
 * Network specs: an encoder or a decoder described by a plain JSON object, what a model's
 * `config.json` stores. This module checks them and loads no TensorFlow.js (it is part of
 * `@aekit/layers/options`); `network.ts` builds them.
 */

/** A network's description: its kind (`type`) and that kind's fields. */
export interface NetworkSpec {
  readonly type: string;
  readonly [field: string]: JsonValue;
}

/**
 * Fully connected: `hiddenDims` widths, each layer `activation(x·W + b)`. As an encoder, the
 * input (and any joined extra, e.g. a label) goes through the widths in order; as a decoder,
 * through them in reverse and then to the output.
 */
export interface DenseNetworkSpec extends NetworkSpec {
  readonly type: 'dense';
  readonly hiddenDims: readonly number[];
}

/**
 * Convolutional, on images `[height, width, channels]`: as an encoder, one `same`-padded
 * convolution per entry of `channels` (kernel `kernelSize`, step `strides`, then the
 * activation), the flatten, then dense layers of `hiddenDims`; as a decoder, its mirror —
 * dense layers of `hiddenDims` reversed, a dense layer to the last convolution's output
 * (`h × w × channels[last]`), one transposed convolution per entry of `channels` in reverse
 * order (each with that entry's channels, kernel and stride, to the exact size the matching
 * convolution read), and a `same` stride-1 convolution to the image's channels giving the
 * output (logits or means). Keras's convolutional VAE is
 * `{ type: 'conv', channels: [32, 64], strides: 2, hiddenDims: [16] }` on 28×28×1 images.
 */
export interface ConvNetworkSpec extends NetworkSpec {
  readonly type: 'conv';
  readonly channels: readonly number[];
  /** One kernel size for every convolution, or one per entry of `channels`. Default 3. */
  readonly kernelSize: number | readonly number[];
  /** One step for every convolution, or one per entry of `channels`. Default 2. */
  readonly strides: number | readonly number[];
  /** Dense layers after the flatten. Default none. */
  readonly hiddenDims: readonly number[];
}

/** How to check the specs of one kind of network (the `type` they carry). */
export interface NetworkSpecKind<Spec extends NetworkSpec = NetworkSpec> {
  readonly type: string;
  /**
   * Checks a spec (its `type` already matched) and returns it complete, defaults filled in;
   * throws `InvalidArgumentError` naming `functionName` and `argument.field` otherwise.
   */
  resolve(spec: Readonly<Record<string, unknown>>, functionName: string, argument: string): Spec;
}

const registryKey = Symbol.for('@aekit/layers.network-kinds');

/**
 * The registered kinds by type, one map per process (shared by every copy of @aekit/layers):
 * the spec half of each, and the builders once `@aekit/layers`' root has registered them.
 * @internal
 */
export function networkKindRegistry(): Map<string, NetworkSpecKind> {
  const holder = globalThis as { [registryKey]?: Map<string, NetworkSpecKind> };
  holder[registryKey] ??= new Map();
  return holder[registryKey];
}

/** The `type`s of the registered network kinds, sorted. */
export function networkKinds(): string[] {
  return [...networkKindRegistry().keys()].sort();
}

const kindList = () =>
  networkKinds()
    .map((name) => `'${name}'`)
    .join(', ');

/** The registered kind of `type`, or an error naming the known ones. @internal */
export function networkKindOf(
  functionName: string,
  argument: string,
  type: unknown,
): NetworkSpecKind {
  const kind = typeof type === 'string' ? networkKindRegistry().get(type) : undefined;
  if (kind === undefined) {
    throw new InvalidArgumentError({
      functionName,
      argument: `${argument}.type`,
      rule: `one of ${kindList()} (or a kind registered with registerNetworkKind)`,
      value: type,
    });
  }
  return kind;
}

/**
 * Checks a network spec and returns it complete and frozen, e.g.
 * `resolveNetworkSpec('createVae', 'config.encoder', { type: 'conv', channels: [32, 64] })`.
 */
export function resolveNetworkSpec(
  functionName: string,
  argument: string,
  value: unknown,
): NetworkSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError({
      functionName,
      argument,
      rule: `a network spec { type: ${kindList()}, … }`,
      value,
    });
  }
  const record = value as Readonly<Record<string, unknown>>;
  const kind = networkKindOf(functionName, argument, record.type);
  return deepFreeze({ ...kind.resolve(record, functionName, argument), type: kind.type });
}

function checkHiddenDims(functionName: string, argument: string, value: unknown): number[] {
  return checkPositiveIntegerList(functionName, `${argument}.hiddenDims`, value ?? [], {
    allowEmpty: true,
  });
}

/** One positive integer per convolution, from a number or a list of `count`. */
function perLayer(
  functionName: string,
  argument: string,
  value: unknown,
  count: number,
): number | number[] {
  if (Array.isArray(value)) {
    const list = checkPositiveIntegerList(functionName, argument, value);
    if (list.length !== count) {
      throw new InvalidArgumentError({
        functionName,
        argument,
        rule: `a positive integer or a list of ${count} (one per entry of channels)`,
        value,
      });
    }
    return list;
  }
  return checkPositiveInteger(functionName, argument, value);
}

/** The spec half of the `'dense'` kind. */
export const denseSpecKind: NetworkSpecKind<DenseNetworkSpec> = {
  type: 'dense',
  resolve(spec, functionName, argument) {
    checkKnownFields(functionName, spec, ['type', 'hiddenDims'], `${argument}.`);
    return { type: 'dense', hiddenDims: checkHiddenDims(functionName, argument, spec.hiddenDims) };
  },
};

/** The spec half of the `'conv'` kind. */
export const convSpecKind: NetworkSpecKind<ConvNetworkSpec> = {
  type: 'conv',
  resolve(spec, functionName, argument) {
    checkKnownFields(
      functionName,
      spec,
      ['type', 'channels', 'kernelSize', 'strides', 'hiddenDims'],
      `${argument}.`,
    );
    const channels = checkPositiveIntegerList(functionName, `${argument}.channels`, spec.channels);
    return {
      type: 'conv',
      channels,
      kernelSize: perLayer(
        functionName,
        `${argument}.kernelSize`,
        spec.kernelSize ?? 3,
        channels.length,
      ),
      strides: perLayer(functionName, `${argument}.strides`, spec.strides ?? 2, channels.length),
      hiddenDims: checkHiddenDims(functionName, argument, spec.hiddenDims),
    };
  },
};

// The built-in kinds' specs resolve without the root entry; it adds their builders.
for (const kind of [denseSpecKind, convSpecKind] as NetworkSpecKind[]) {
  if (!networkKindRegistry().has(kind.type)) networkKindRegistry().set(kind.type, kind);
}
