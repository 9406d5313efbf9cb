import type { ModelSummary } from '../protocol';
import { drawDigitGrid } from '../ui/digits';
import { h } from '../ui/dom';
import { Card, type View, type ViewContext } from './view';

const count = 100;
const columns = 10;

export function createFiltersView(context: ViewContext): View {
  const card = new Card(
    'filters',
    'First-layer filters',
    'Each tile is the weight vector of one hidden unit of the first encoder layer, drawn as an image: mid-grey is 0, white positive, black negative (each tile scaled to its own largest weight). A unit responds most to inputs that look like its filter. Random weights look like noise; training turns them into strokes and blobs. Denoising and sparse autoencoders are known for especially clean, localised stroke detectors.',
  );
  const canvas = h('canvas', {
    id: 'filters-canvas',
    role: 'img',
    'aria-label': `Weights of the first ${count} hidden units, as 28 × 28 images`,
  });
  card.body.append(canvas);
  return {
    name: 'filters',
    card,
    unavailable: (model: ModelSummary) =>
      model.capabilities.filters ? null : 'This model has no dense first layer on the pixels.',
    async refresh() {
      const result = await context.client.query('filters', { count });
      drawDigitGrid(canvas, result.pixels, result.count, columns, { zoom: 2, scale: 'symmetric' });
    },
  };
}
