import type { LatentPoints, ModelSummary } from '../protocol';
import { digitValues, drawDigitGrid } from '../ui/digits';
import { digitOptions, field, h, select } from '../ui/dom';
import { digitColours } from '../ui/palette';
import { Card, latestOnly, type View, type ViewContext } from './view';

/** Test digits placed in the scatter. */
const pointCount = 2000;
/** CSS pixels of the square plot. */
const plotSize = 400;

export function createLatentView(context: ViewContext): View {
  const card = new Card(
    'latent',
    'Latent space',
    'Each dot is the code of one test digit, coloured by which digit it is. No label was used in training (unless the model is conditional), yet digits of one class land together: the encoder has discovered the classes on its own. With more than two latent dimensions the plot shows the first two principal components of the codes. Hover over a dot to see its digit.',
  );
  const canvas = h('canvas', {
    id: 'latent-canvas',
    class: 'latent-canvas',
    tabindex: 0,
    role: 'img',
    'aria-label': 'Scatter plot of the codes of test digits',
  });
  canvas.style.width = `${plotSize}px`;
  canvas.style.height = `${plotSize}px`;
  const tooltipCanvas = h('canvas', { 'aria-hidden': 'true' });
  const tooltipText = h('span');
  const tooltip = h('div', { class: 'tooltip', hidden: true }, tooltipCanvas, tooltipText);
  const axes = h('p', { class: 'caption' });
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Colours of the digits' },
    ...digitColours.map((colour, digit) =>
      h('li', {}, h('span', { class: 'swatch', style: `background:${colour}` }), String(digit)),
    ),
  );

  // The point you drag through a 2-D latent space, and what it decodes to.
  const decoded = h('canvas', {
    id: 'latent-decoded-canvas',
    role: 'img',
    'aria-label': 'The digit decoded from the chosen point',
  });
  const position = h('output', { class: 'z-readout', 'aria-live': 'polite' });
  const decodeLabel = select(digitOptions, '0');
  const decodeLabelField = field(
    'Digit to decode as',
    decodeLabel,
    'A conditional model decodes the point as this digit.',
  );
  const explorer = h(
    'div',
    { class: 'latent-explorer', hidden: true },
    h('p', { class: 'caption' }, 'Decoded at the point'),
    decoded,
    position,
    decodeLabelField,
    h(
      'p',
      { class: 'help' },
      'Drag the ringed point, or focus the plot and use the arrow keys (Shift: larger steps, Home: back to 0).',
    ),
  );
  card.body.append(
    h(
      'div',
      { class: 'latent-layout' },
      h('div', { class: 'plot' }, canvas, tooltip, axes, legend),
      explorer,
    ),
  );

  let points: LatentPoints | null = null;
  let range = 3;
  let showPrior = false;
  let z: [number, number] = [0, 0];
  let dragging = false;
  /** The point under the mouse, ringed in the plot. */
  let hovered = -1;
  let conditional = false;

  const toCanvas = (x: number, y: number): [number, number] => [
    ((x + range) / (2 * range)) * plotSize,
    ((range - y) / (2 * range)) * plotSize,
  ];
  const fromCanvas = (px: number, py: number): [number, number] => [
    (px / plotSize) * 2 * range - range,
    range - (py / plotSize) * 2 * range,
  ];

  const decodeAt = latestOnly(async (point: [number, number]) => {
    const label = conditional ? Number(decodeLabel.value) : undefined;
    const result = await context.client.query('decode', {
      z: point,
      ...(label === undefined ? {} : { label }),
    });
    drawDigitGrid(decoded, result.pixels, 1, 1, { zoom: 5 });
  }, context.report);

  const draw = () => {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(plotSize * ratio);
    canvas.height = Math.round(plotSize * ratio);
    const g = canvas.getContext('2d')!;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, plotSize, plotSize);
    const [ox, oy] = toCanvas(0, 0);
    g.strokeStyle = '#e3e6ea';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, oy);
    g.lineTo(plotSize, oy);
    g.moveTo(ox, 0);
    g.lineTo(ox, plotSize);
    g.stroke();
    if (showPrior) {
      g.setLineDash([4, 4]);
      g.strokeStyle = '#9aa3ae';
      for (const radius of [1, 2]) {
        g.beginPath();
        g.arc(ox, oy, (radius / (2 * range)) * plotSize, 0, 2 * Math.PI);
        g.stroke();
      }
      g.setLineDash([]);
    }
    if (points !== null) {
      g.globalAlpha = 0.75;
      for (let i = 0; i < points.indices.length; i += 1) {
        const label = context.digits.testLabels[points.indices[i]!]!;
        const [px, py] = toCanvas(points.coordinates[2 * i]!, points.coordinates[2 * i + 1]!);
        g.fillStyle = digitColours[label]!;
        g.beginPath();
        g.arc(px, py, 2.2, 0, 2 * Math.PI);
        g.fill();
      }
      g.globalAlpha = 1;
      if (hovered >= 0 && hovered < points.indices.length) {
        const [px, py] = toCanvas(
          points.coordinates[2 * hovered]!,
          points.coordinates[2 * hovered + 1]!,
        );
        g.strokeStyle = '#111';
        g.lineWidth = 1.5;
        g.beginPath();
        g.arc(px, py, 5, 0, 2 * Math.PI);
        g.stroke();
      }
    }
    if (!explorer.hidden) {
      const [px, py] = toCanvas(z[0], z[1]);
      g.lineWidth = 2.5;
      g.strokeStyle = '#111';
      g.fillStyle = 'rgba(255,255,255,0.6)';
      g.beginPath();
      g.arc(px, py, 8, 0, 2 * Math.PI);
      g.fill();
      g.stroke();
      g.beginPath();
      g.moveTo(px - 12, py);
      g.lineTo(px + 12, py);
      g.moveTo(px, py - 12);
      g.lineTo(px, py + 12);
      g.lineWidth = 1;
      g.stroke();
    }
  };

  const moveTo = (next: [number, number]) => {
    z = [Math.max(-range, Math.min(range, next[0])), Math.max(-range, Math.min(range, next[1]))];
    position.textContent = `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
    draw();
    decodeAt(z);
  };

  const canvasPoint = (event: PointerEvent): [number, number] => {
    const bounds = canvas.getBoundingClientRect();
    return [event.clientX - bounds.left, event.clientY - bounds.top];
  };

  const nearest = (px: number, py: number): number => {
    if (points === null) return -1;
    let best = -1;
    let bestDistance = 8 * 8;
    for (let i = 0; i < points.indices.length; i += 1) {
      const [qx, qy] = toCanvas(points.coordinates[2 * i]!, points.coordinates[2 * i + 1]!);
      const distance = (qx - px) ** 2 + (qy - py) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    return best;
  };

  canvas.addEventListener('pointerdown', (event) => {
    if (explorer.hidden) return;
    dragging = true;
    tooltip.hidden = true;
    canvas.setPointerCapture(event.pointerId);
    moveTo(fromCanvas(...canvasPoint(event)));
  });
  canvas.addEventListener('pointermove', (event) => {
    const [px, py] = canvasPoint(event);
    if (dragging) {
      moveTo(fromCanvas(px, py));
      return;
    }
    const index = nearest(px, py);
    if (index !== hovered) {
      hovered = index;
      draw();
    }
    if (index < 0 || points === null) {
      tooltip.hidden = true;
      return;
    }
    const testIndex = points.indices[index]!;
    drawDigitGrid(tooltipCanvas, digitValues(context.digits.testImages, testIndex), 1, 1, {
      zoom: 2,
    });
    tooltipText.textContent = `digit ${context.digits.testLabels[testIndex]} (test #${testIndex})`;
    tooltip.style.left = `${px + 12}px`;
    tooltip.style.top = `${py + 12}px`;
    tooltip.hidden = false;
  });
  const endDrag = () => {
    dragging = false;
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => {
    tooltip.hidden = true;
    hovered = -1;
    draw();
  });
  canvas.addEventListener('keydown', (event) => {
    if (explorer.hidden) return;
    const step = (event.shiftKey ? 0.1 : 0.02) * range;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    if (event.key === 'Home') {
      moveTo([0, 0]);
    } else if (event.key in moves) {
      const [dx, dy] = moves[event.key]!;
      moveTo([z[0] + dx, z[1] + dy]);
    } else {
      return;
    }
    event.preventDefault();
  });
  decodeLabel.addEventListener('change', () => decodeAt(z));

  return {
    name: 'latent',
    card,
    unavailable: () => null,
    async refresh(model: ModelSummary) {
      const result = await context.client.query('latent', { count: pointCount });
      points = result;
      hovered = -1;
      tooltip.hidden = true;
      conditional = model.numClasses !== null;
      decodeLabelField.hidden = !conditional;
      // A square window holding nearly all points; for a 2-D prior at least ±3.
      const magnitudes = Array.from(result.coordinates, Math.abs).sort((a, b) => a - b);
      const robust = magnitudes[Math.floor(magnitudes.length * 0.995)] ?? 1;
      showPrior = result.projection === 'latent' && model.capabilities.sample;
      range = Math.max(robust * 1.1, showPrior ? 3 : 0, 1e-3);
      axes.textContent =
        result.projection === 'latent'
          ? model.codeDim === 1
            ? 'Horizontal: z (a 1-D code). Vertical: nothing.'
            : `Horizontal: z₁, vertical: z₂, both from −${range.toFixed(1)} to ${range.toFixed(1)}.`
          : `First two principal components of the ${model.codeDim}-D codes: ${(100 * result.explained[0]).toFixed(0)}% and ${(100 * result.explained[1]).toFixed(0)}% of their variance.`;
      const wasHidden = explorer.hidden;
      // The point moves through the region of a 2-D prior (a VAE's), ±range around 0.
      explorer.hidden = model.codeDim !== 2 || !model.capabilities.sample;
      canvas.setAttribute(
        'aria-label',
        explorer.hidden
          ? `Scatter plot of the codes of ${result.indices.length} test digits, coloured by digit`
          : `Scatter plot of the codes of ${result.indices.length} test digits, coloured by digit, with a point to move with the arrow keys`,
      );
      if (!explorer.hidden) {
        if (wasHidden) z = [0, 0];
        moveTo(z);
      } else {
        draw();
      }
    },
  };
}
