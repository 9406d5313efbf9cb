import type { ModelSummary } from '../protocol';
import { digitValues, drawDigitGrid } from '../ui/digits';
import { digitOptions, field, h, select } from '../ui/dom';
import { Card, latestOnly, type View, type ViewContext } from './view';

const steps = 10;

export function createInterpolationView(context: ViewContext): View {
  const card = new Card(
    'interpolation',
    'Interpolation between two digits',
    'Encode two test digits, walk the straight line between their codes, and decode each point. In a good latent space the path passes through plausible digits and morphs one into the other; in pixel space the same mix would only cross-fade two images. Spherical interpolation (slerp) follows a great circle instead, keeping the code’s length typical of the prior in many dimensions.',
  );
  const { testLabels } = context.digits;
  /** Test indices of each digit, in order. */
  const byDigit = Array.from({ length: 10 }, (_, digit) =>
    Array.from(testLabels.keys()).filter((index) => testLabels[index] === digit),
  );
  const ends = [
    { digit: select(digitOptions, '3'), example: 0, preview: h('canvas') },
    { digit: select(digitOptions, '8'), example: 0, preview: h('canvas') },
  ];
  const method = select(
    [
      { value: 'linear', label: 'Linear' },
      { value: 'slerp', label: 'Spherical (slerp)' },
    ],
    'linear',
  );
  const path = h('canvas', {
    id: 'interpolation-canvas',
    role: 'img',
    'aria-label': `${steps} digits decoded along the path between the two codes`,
  });
  const indexOf = (end: (typeof ends)[number]) => {
    const examples = byDigit[Number(end.digit.value)]!;
    return examples[end.example % examples.length]!;
  };
  const showPreviews = () => {
    ends.forEach((end, position) => {
      const index = indexOf(end);
      drawDigitGrid(end.preview, digitValues(context.digits.testImages, index), 1, 1, { zoom: 2 });
      end.preview.setAttribute(
        'aria-label',
        `${position === 0 ? 'First' : 'Second'} digit: a ${testLabels[index]}, test #${index}`,
      );
      end.preview.setAttribute('role', 'img');
    });
  };

  const render = async () => {
    const result = await context.client.query('interpolate', {
      from: indexOf(ends[0]!),
      to: indexOf(ends[1]!),
      steps,
      method: method.value as 'linear' | 'slerp',
    });
    drawDigitGrid(path, result.pixels, result.count, steps, { zoom: 3 });
  };
  const draw = latestOnly(render, context.report);

  const endControls = ends.map((end, position) => {
    const name = position === 0 ? 'First digit' : 'Second digit';
    const another = h(
      'button',
      {
        type: 'button',
        onclick: () => {
          end.example += 1;
          showPreviews();
          draw();
        },
      },
      'Another one',
    );
    another.setAttribute('aria-label', `Another example for the ${name.toLowerCase()}`);
    end.digit.addEventListener('change', () => {
      end.example = 0;
      showPreviews();
      draw();
    });
    return h('div', { class: 'end' }, field(name, end.digit), end.preview, another);
  });
  method.addEventListener('change', () => draw());
  const conditionalNote = h(
    'p',
    { class: 'help', hidden: true },
    'This model is conditional: the whole path is decoded as the first digit’s class, so it changes only the style.',
  );
  card.body.append(
    h('div', { class: 'controls' }, ...endControls, field('Path', method)),
    path,
    conditionalNote,
  );
  showPreviews();

  return {
    name: 'interpolation',
    card,
    unavailable: () => null,
    async refresh(model: ModelSummary) {
      conditionalNote.hidden = model.numClasses === null;
      await render();
    },
  };
}
