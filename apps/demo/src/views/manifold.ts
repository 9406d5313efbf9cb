import type { ModelSummary } from '../protocol';
import { drawDigitGrid } from '../ui/digits';
import { digitOptions, field, h, select } from '../ui/dom';
import { Card, latestOnly, type View, type ViewContext } from './view';

export function createManifoldView(context: ViewContext): View {
  const card = new Card(
    'manifold',
    'Manifold of a 2-D latent space',
    'The decoder applied to a regular grid of codes z = (z₁, z₂): left to right z₁ grows, bottom to top z₂ grows. Because the KL term packs the codes into the prior without holes, every point decodes to something digit-like and neighbouring points to similar digits: the grid is a map of the learned manifold, with smooth changes of class and of style (slant, thickness) across it.',
  );
  const canvas = h('canvas', {
    id: 'manifold-canvas',
    role: 'img',
    'aria-label': 'Digits decoded from a grid of latent codes',
  });
  const size = select(
    ['10', '15', '20'].map((value) => ({ value, label: `${value} × ${value}` })),
    '15',
  );
  const range = h('input', { type: 'range', min: 0.5, max: 5, step: 0.5, value: 3 });
  const rangeValue = h('output', {}, '±3');
  const label = select(digitOptions, '0');
  const labelField = field('Digit', label, 'A conditional model draws the grid for this digit.');
  card.body.append(
    h(
      'div',
      { class: 'controls' },
      field('Grid', size),
      field('Range of z (±)', range, 'The grid spans [−r, r]² in latent space.'),
      rangeValue,
      labelField,
    ),
    canvas,
  );

  let conditional = false;
  const render = async () => {
    const n = Number(size.value);
    const result = await context.client.query('manifold', {
      n,
      range: Number(range.value),
      ...(conditional ? { label: Number(label.value) } : {}),
    });
    // About 900 CSS pixels wide, in whole pixels per image pixel.
    const zoom = Math.max(1, Math.floor(900 / (n * 30)));
    drawDigitGrid(canvas, result.pixels, result.count, n, { zoom });
  };
  const draw = latestOnly(render, context.report);

  for (const control of [size, range, label]) {
    control.addEventListener('input', () => {
      rangeValue.textContent = `±${range.value}`;
      draw();
    });
  }

  return {
    name: 'manifold',
    card,
    unavailable: (model: ModelSummary) =>
      !model.capabilities.manifold
        ? 'Needs a VAE: the grid spans the region its prior N(0, I) covers.'
        : model.codeDim === 2
          ? null
          : `Needs a 2-D latent space; this model's code has ${model.codeDim} dimensions. Train one with latent size 2.`,
    async refresh(model: ModelSummary) {
      conditional = model.numClasses !== null;
      labelField.hidden = !conditional;
      await render();
    },
  };
}
