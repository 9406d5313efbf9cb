import { InvalidArgumentError } from '@aekit/core';
import type { Mlp } from '@aekit/layers';
import { checkMlp } from './check-mlp';

/**
 * One stack made of several, applied in order: `applyMlp(composeMlps([a, b]), x)` equals
 * `applyMlp(b, applyMlp(a, x))`. The layers (and their variables) are shared, not copied, so
 * training the composed stack — e.g. fine-tuning the encoders of a greedily pretrained stacked
 * autoencoder, `composeMlps(stages.map((stage) => stage.encoder))` — updates the stages' own
 * weights. The stages keep owning the variables: never `disposeMlp` the composed stack.
 * @param stacks each stack's input width must be the previous one's output width.
 */
export function composeMlps(stacks: readonly Mlp[]): Mlp {
  if (!Array.isArray(stacks) || stacks.length === 0) {
    throw new InvalidArgumentError({
      functionName: 'composeMlps',
      argument: 'stacks',
      rule: 'a non-empty array of Mlp',
      value: stacks,
    });
  }
  const checked = stacks.map((stack, index) => checkMlp('composeMlps', `stacks[${index}]`, stack));
  checked.forEach((stack, index) => {
    if (index === 0) return;
    const previous = checked[index - 1]!;
    const outDim = previous.widths[previous.widths.length - 1]!;
    if (stack.widths[0] !== outDim) {
      throw new InvalidArgumentError({
        functionName: 'composeMlps',
        argument: `stacks[${index}]`,
        rule: `a stack whose input width is ${outDim}, the output width of stacks[${index - 1}]`,
        value: `an Mlp of widths [${stack.widths.join(', ')}]`,
      });
    }
  });
  return {
    widths: [checked[0]!.widths[0]!, ...checked.flatMap((stack) => stack.widths.slice(1))],
    layers: checked.flatMap((stack) => [...stack.layers]),
  };
}
