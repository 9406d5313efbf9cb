import { digitPixels, drawDigitGrid } from '../ui/digits';
import { h } from '../ui/dom';
import { Card, type View, type ViewContext } from './view';

/** The test digits shown: the first 16 of the test split (never trained on). */
export const reconstructionIndices: readonly number[] = Array.from({ length: 16 }, (_, i) => i);
export const reconstructionColumns = 8;

export function createReconstructionsView(context: ViewContext): View {
  const card = new Card(
    'reconstructions',
    'Originals and reconstructions',
    'Top: test digits the model never trained on. Bottom: decode(encode(x)), the reconstruction. A code that must compress (because it is smaller than the 784 pixels, or because noise or a penalty constrains it) keeps what matters to rebuild a digit and drops the rest: blur and lost details show what it leaves out. The reconstruction term in the charts measures this gap.',
  );
  const originals = h('canvas', {
    id: 'originals-canvas',
    role: 'img',
    'aria-label': `${reconstructionIndices.length} test digits`,
  });
  const reconstructions = h('canvas', {
    id: 'reconstructions-canvas',
    role: 'img',
    'aria-label': 'Their reconstructions by the model',
  });
  card.body.append(
    h('p', { class: 'caption' }, 'Originals'),
    originals,
    h('p', { class: 'caption' }, 'Reconstructions'),
    reconstructions,
  );
  const pixels = new Float32Array(reconstructionIndices.length * digitPixels);
  reconstructionIndices.forEach((index, row) => {
    const bytes = context.digits.testImages.subarray(
      index * digitPixels,
      (index + 1) * digitPixels,
    );
    bytes.forEach((byte, p) => {
      pixels[row * digitPixels + p] = byte / 255;
    });
  });
  drawDigitGrid(originals, pixels, reconstructionIndices.length, reconstructionColumns);
  drawDigitGrid(
    reconstructions,
    new Float32Array(pixels.length),
    reconstructionIndices.length,
    reconstructionColumns,
  );

  return {
    name: 'reconstructions',
    card,
    unavailable: () => null,
    async refresh() {
      const result = await context.client.query('reconstruct', { indices: reconstructionIndices });
      drawDigitGrid(reconstructions, result.pixels, result.count, reconstructionColumns);
    },
  };
}
