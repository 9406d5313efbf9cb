import type { ModelSummary } from '../protocol';
import { drawDigitGrid } from '../ui/digits';
import { digitOptions, field, h, select } from '../ui/dom';
import { Card, latestOnly, type View, type ViewContext } from './view';

const count = 32;
const columns = 8;

export function createSamplesView(context: ViewContext): View {
  const card = new Card(
    'samples',
    'Samples from the prior',
    'A generative model: draw z from the prior p(z) = N(0, I) and decode it. These digits are not in any data set. A plain autoencoder cannot do this, because nothing tells it which codes are valid; the VAE’s KL term makes the prior cover the codes. Blurry samples are typical of a small VAE with a pixel-wise likelihood.',
  );
  const canvas = h('canvas', {
    id: 'samples-canvas',
    role: 'img',
    'aria-label': `${count} digits decoded from codes drawn from the prior`,
  });
  const label = select(digitOptions, '0');
  const labelField = field('Digit', label, 'A conditional VAE generates the digit you choose.');
  let seed = 1;
  let conditional = false;
  const render = async () => {
    const result = await context.client.query('sample', {
      n: count,
      seed,
      ...(conditional ? { label: Number(label.value) } : {}),
    });
    drawDigitGrid(canvas, result.pixels, result.count, columns, { zoom: 2 });
  };
  const draw = latestOnly(render, context.report);
  const again = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        seed += 1;
        draw();
      },
    },
    'Draw new samples',
  );
  label.addEventListener('change', () => draw());
  card.body.append(h('div', { class: 'controls' }, again, labelField), canvas);

  return {
    name: 'samples',
    card,
    unavailable: (model: ModelSummary) =>
      model.capabilities.sample
        ? null
        : 'This model has no prior to sample from: only a VAE is generative.',
    async refresh(model: ModelSummary) {
      conditional = model.numClasses !== null;
      labelField.hidden = !conditional;
      await render();
    },
  };
}
