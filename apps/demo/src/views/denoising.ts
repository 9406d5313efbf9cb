import type { ModelSummary, Noise } from '../protocol';
import { digitPixels, digitSide, digitValues, drawDigitGrid } from '../ui/digits';
import { digitOptions, field, h, select } from '../ui/dom';
import { Card, latestOnly, type View, type ViewContext } from './view';

/** CSS pixels per digit pixel on the drawing canvas. */
const drawZoom = 8;

function figure(caption: string, canvas: HTMLCanvasElement): HTMLElement {
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', caption);
  return h('figure', { class: 'digit-figure' }, canvas, h('figcaption', {}, caption));
}

export function createDenoisingView(context: ViewContext): View {
  const card = new Card(
    'denoising',
    'Denoising and your own digits',
    'Corrupt a test digit and reconstruct it. The model maps its input onto what it learned digits look like, so noise that is unlike any digit is removed; a denoising autoencoder is trained on exactly this task (corrupted input, clean target), which makes it learn the structure of the data rather than the identity. Draw a digit below to see how the model reads an input from outside the data set.',
  );
  const testSize = context.digits.testLabels.length;
  const index = h('input', { type: 'number', min: 0, max: testSize - 1, step: 1, value: 7 });
  const kind = select(
    [
      { value: 'masking', label: 'Masking (pixels set to 0)' },
      { value: 'gaussian', label: 'Gaussian (σ, clipped to [0, 1])' },
      { value: 'salt-and-pepper', label: 'Salt and pepper' },
    ],
    'masking',
  );
  const level = h('input', { type: 'range', min: 0, max: 0.95, step: 0.05, value: 0.4 });
  const levelValue = h('output', {}, '0.40');
  const clean = h('canvas');
  const noisy = h('canvas', { id: 'noisy-canvas' });
  const restored = h('canvas', { id: 'denoised-canvas' });
  let seed = 1;

  const drawing = new Float32Array(digitPixels);
  const pad = h('canvas', {
    id: 'draw-canvas',
    class: 'draw-pad',
    width: digitSide,
    height: digitSide,
    tabindex: 0,
    role: 'img',
    'aria-label':
      'Drawing area: draw a digit with the mouse, a pen or a finger. Press Delete to clear it.',
  });
  pad.style.width = `${digitSide * drawZoom}px`;
  pad.style.height = `${digitSide * drawZoom}px`;
  const drawnReconstruction = h('canvas', { id: 'drawn-reconstruction-canvas' });
  const drawLabel = select(digitOptions, '0');
  const drawLabelField = field(
    'The digit you drew',
    drawLabel,
    'A conditional model needs the label of its input.',
  );
  let conditional = false;

  const renderNoise = async () => {
    const digit = Math.min(testSize - 1, Math.max(0, Math.round(Number(index.value) || 0)));
    const pixels = digitValues(context.digits.testImages, digit);
    drawDigitGrid(clean, pixels, 1, 1, { zoom: 4 });
    const noise: Noise = {
      kind: kind.value as Noise['kind'],
      level: Number(level.value),
      seed,
    };
    const label = context.digits.testLabels[digit]!;
    const result = await context.client.query('denoise', {
      pixels,
      noise,
      ...(conditional ? { label } : {}),
    });
    drawDigitGrid(noisy, result.noisy.pixels, 1, 1, { zoom: 4 });
    drawDigitGrid(restored, result.reconstruction.pixels, 1, 1, { zoom: 4 });
  };
  const updateNoise = latestOnly(renderNoise, context.report);

  const renderDrawing = async () => {
    drawDigitGrid(pad, drawing, 1, 1, { zoom: drawZoom });
    const result = await context.client.query('denoise', {
      pixels: drawing,
      noise: { kind: 'masking', level: 0, seed: 0 },
      ...(conditional ? { label: Number(drawLabel.value) } : {}),
    });
    drawDigitGrid(drawnReconstruction, result.reconstruction.pixels, 1, 1, { zoom: 4 });
  };
  const updateDrawing = latestOnly(renderDrawing, context.report);

  // A soft round brush, painted along the pointer's path.
  let last: [number, number] | null = null;
  const paint = (x: number, y: number) => {
    for (let row = Math.floor(y - 2); row <= Math.ceil(y + 2); row += 1) {
      for (let column = Math.floor(x - 2); column <= Math.ceil(x + 2); column += 1) {
        if (row < 0 || row >= digitSide || column < 0 || column >= digitSide) continue;
        const distance = Math.hypot(column + 0.5 - x, row + 0.5 - y);
        const ink = Math.min(1, Math.max(0, 2 - distance));
        const at = row * digitSide + column;
        drawing[at] = Math.max(drawing[at]!, ink);
      }
    }
  };
  const pointerAt = (event: PointerEvent): [number, number] => {
    const bounds = pad.getBoundingClientRect();
    return [
      ((event.clientX - bounds.left) / bounds.width) * digitSide,
      ((event.clientY - bounds.top) / bounds.height) * digitSide,
    ];
  };
  const stroke = (event: PointerEvent) => {
    const point = pointerAt(event);
    const from = last ?? point;
    const stepsAlong = Math.max(
      1,
      Math.ceil(Math.hypot(point[0] - from[0], point[1] - from[1]) * 3),
    );
    for (let s = 1; s <= stepsAlong; s += 1) {
      const t = s / stepsAlong;
      paint(from[0] + t * (point[0] - from[0]), from[1] + t * (point[1] - from[1]));
    }
    last = point;
    updateDrawing();
  };
  pad.addEventListener('pointerdown', (event) => {
    pad.setPointerCapture(event.pointerId);
    last = null;
    stroke(event);
  });
  pad.addEventListener('pointermove', (event) => {
    if (pad.hasPointerCapture(event.pointerId)) stroke(event);
  });
  const clear = () => {
    drawing.fill(0);
    updateDrawing();
  };
  pad.addEventListener('keydown', (event) => {
    if (event.key === 'Delete' || event.key === 'Backspace') {
      clear();
      event.preventDefault();
    }
  });

  for (const control of [index, kind, level]) {
    control.addEventListener('input', () => {
      levelValue.textContent = Number(level.value).toFixed(2);
      updateNoise();
    });
  }
  drawLabel.addEventListener('change', () => updateDrawing());

  card.body.append(
    h(
      'div',
      { class: 'controls' },
      field('Test digit #', index),
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            index.value = String(Math.floor(Math.random() * testSize));
            updateNoise();
          },
        },
        'Random digit',
      ),
      field('Noise', kind),
      field('Noise level', level, 'Fraction of pixels hit, or σ for Gaussian noise.'),
      levelValue,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            seed += 1;
            updateNoise();
          },
        },
        'New noise',
      ),
    ),
    h(
      'div',
      { class: 'digit-row' },
      figure('Clean', clean),
      figure('Corrupted', noisy),
      figure('Reconstructed', restored),
    ),
    h(
      'div',
      { class: 'digit-row' },
      h(
        'figure',
        { class: 'digit-figure' },
        pad,
        h('figcaption', {}, 'Draw a digit here'),
        h('div', { class: 'controls' }, h('button', { type: 'button', onclick: clear }, 'Clear')),
      ),
      figure('Reconstruction of your drawing', drawnReconstruction),
      drawLabelField,
    ),
  );
  drawDigitGrid(pad, drawing, 1, 1, { zoom: drawZoom });

  return {
    name: 'denoising',
    card,
    unavailable: () => null,
    async refresh(model: ModelSummary) {
      conditional = model.numClasses !== null;
      drawLabelField.hidden = !conditional;
      await renderNoise();
      await renderDrawing();
    },
  };
}
