import { InvalidArgumentError, type JsonValue } from '@aekit/core';
import { type NetworkSpec, resolveNetworkSpec } from '@aekit/layers';
import type { FamilyOption } from '../family-contract';
import { choiceFlag, commandName, integerListFlag, positiveIntegerFlag } from '../flags';

/**
 * `--arch`, `--channels`, `--kernel-size`, `--strides`: which network a family's model gets.
 * `dense` (the default) is the family's fully connected network of `--hidden`; `conv` is
 * `@aekit/layers`' convolutional network spec, whose defaults (kernel, strides) are read from
 * there, with `--hidden` as the dense layers after the flatten. The settings record the spec
 * without those dense widths (`--hidden` stays the run's shape).
 */

export const architectures = ['dense', 'conv'] as const;

/** The channels of `--arch conv` when `--channels` is not given: the Keras example's. */
export const defaultConvChannels: readonly number[] = [32, 64];

/** The convolutional spec's own defaults, as `@aekit/layers` fills them in. */
const convDefaults = resolveNetworkSpec('aekit train', 'spec', { type: 'conv', channels: [1] });

export const networkFlagOptions: readonly FamilyOption[] = [
  {
    flags: '--arch <name>',
    description:
      'the network: dense (fully connected, hidden widths from --hidden) or conv (3×3 convolutions with --channels, each halving the image, then the dense layers of --hidden; needs images; the decoder mirrors it)',
    defaultText: 'dense',
    choices: architectures,
  },
  {
    flags: '--channels <list>',
    description: 'with --arch conv: the channels of each convolution, e.g. 32,64',
    defaultText: defaultConvChannels.join(','),
  },
  {
    flags: '--kernel-size <n>',
    description: 'with --arch conv: the rows and columns of every convolution kernel',
    defaultText: String(convDefaults.kernelSize),
  },
  {
    flags: '--strides <n>',
    description: 'with --arch conv: the step of every convolution (2 halves the image)',
    defaultText: String(convDefaults.strides),
  },
];

/**
 * The encoder spec the flags ask for, without its dense widths: null for `--arch dense`.
 * The conv-only flags are refused without `--arch conv`.
 */
export function parseNetworkFlags(
  command: string,
  values: Readonly<Record<string, unknown>>,
): { readonly [key: string]: JsonValue } | null {
  const arch = choiceFlag(command, '--arch', values.arch ?? 'dense', architectures);
  if (arch === 'dense') {
    for (const [key, flag] of [
      ['channels', '--channels'],
      ['kernelSize', '--kernel-size'],
      ['strides', '--strides'],
    ] as const) {
      if (values[key] !== undefined) {
        throw new InvalidArgumentError({
          functionName: commandName(command),
          argument: flag,
          rule: 'left out unless --arch conv',
          value: values[key],
        });
      }
    }
    return null;
  }
  return {
    type: 'conv',
    channels:
      values.channels === undefined
        ? [...defaultConvChannels]
        : integerListFlag(command, '--channels', values.channels),
    ...(values.kernelSize === undefined
      ? {}
      : { kernelSize: positiveIntegerFlag(command, '--kernel-size', values.kernelSize) }),
    ...(values.strides === undefined
      ? {}
      : { strides: positiveIntegerFlag(command, '--strides', values.strides) }),
  };
}

/**
 * The encoder spec for a model: the recorded flags' spec with `hidden` as its dense layers, or
 * null for the dense network. Throws for data that is not images.
 */
export function encoderSpec(
  command: string,
  recorded: JsonValue | undefined,
  hidden: readonly number[] | undefined,
  imageShape: readonly [number, number, number] | null,
): NetworkSpec | null {
  if (recorded === undefined || recorded === null) return null;
  if (imageShape === null) {
    throw new InvalidArgumentError({
      functionName: commandName(command),
      argument: '--arch',
      rule: 'dense for data that is not images (a conv network needs height × width pictures)',
      value: 'conv',
    });
  }
  return { ...(recorded as NetworkSpec), hiddenDims: [...(hidden ?? [])] };
}
