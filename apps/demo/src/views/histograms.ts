import type { Histogram } from '../protocol';
import { format } from '../ui/chart';
import { h } from '../ui/dom';
import { Card, type View, type ViewContext } from './view';

const examples = 500;
const width = 320;
const height = 130;

function drawHistogram(canvas: HTMLCanvasElement, histogram: Histogram): void {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const g = canvas.getContext('2d')!;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  const left = 8;
  const right = width - 8;
  const top = 8;
  const bottom = height - 18;
  const { edges, counts } = histogram;
  const low = edges[0]!;
  const high = edges[edges.length - 1]!;
  const total = counts.reduce((sum, count) => sum + count, 0);
  const binWidth = (high - low) / counts.length;
  // The expected count per bin under N(0, 1), to compare with.
  const reference = (value: number) =>
    (total * binWidth * Math.exp(-0.5 * value * value)) / Math.sqrt(2 * Math.PI);
  let tallest = Math.max(...counts, 1);
  if (histogram.reference === 'standard-normal') tallest = Math.max(tallest, reference(0));
  const x = (value: number) => left + ((value - low) / (high - low)) * (right - left);
  const y = (count: number) => bottom - (count / tallest) * (bottom - top);
  g.fillStyle = '#6b8fd6';
  counts.forEach((count, bin) => {
    const x0 = x(edges[bin]!);
    const x1 = x(edges[bin + 1]!);
    g.fillRect(x0, y(count), Math.max(1, x1 - x0 - 1), bottom - y(count));
  });
  if (histogram.reference === 'standard-normal') {
    g.strokeStyle = '#d62728';
    g.lineWidth = 2;
    g.beginPath();
    for (let px = left; px <= right; px += 2) {
      const value = low + ((px - left) / (right - left)) * (high - low);
      if (px === left) g.moveTo(px, y(reference(value)));
      else g.lineTo(px, y(reference(value)));
    }
    g.stroke();
  }
  g.strokeStyle = '#9aa3ae';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(left, bottom);
  g.lineTo(right, bottom);
  g.stroke();
  g.fillStyle = '#4a5260';
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'top';
  g.textAlign = 'left';
  g.fillText(format(low), left, bottom + 3);
  g.textAlign = 'right';
  g.fillText(format(high), right, bottom + 3);
  if (low < 0 && high > 0) {
    g.textAlign = 'center';
    g.fillText('0', x(0), bottom + 3);
  }
}

export function createHistogramsView(context: ViewContext): View {
  const card = new Card(
    'histograms',
    'Activation histograms',
    `How the units of the model respond to ${examples} test digits. Dead units (always 0 after a ReLU) and saturated ones learn nothing; a sparse code has most activations near 0 and a few large ones; a regularised code follows the distribution its penalty asks for.`,
  );
  const list = h('div', { class: 'histograms' });
  card.body.append(list);
  return {
    name: 'histograms',
    card,
    unavailable: () => null,
    async refresh() {
      const histograms = await context.client.query('histograms', { count: examples });
      list.replaceChildren(
        ...histograms.map((histogram) => {
          const canvas = h('canvas', {
            role: 'img',
            'aria-label': `Histogram: ${histogram.title}, ${histogram.note}`,
          });
          drawHistogram(canvas, histogram);
          return h(
            'figure',
            { class: 'histogram' },
            h('figcaption', {}, h('strong', {}, histogram.title), h('br'), histogram.note),
            canvas,
          );
        }),
      );
      if (histograms.length === 0) list.textContent = 'This model has nothing to show here.';
    },
  };
}
