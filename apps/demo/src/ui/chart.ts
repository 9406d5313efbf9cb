import { h } from './dom';

/** Weight of the newest value in the smoothed curve. */
const smoothing = 0.1;

/**
 * A live line chart of one loss term against the step: every step's value in light grey and
 * an exponential moving average on top. The figure's `data-first` and `data-last` attributes
 * hold the first value and the latest average (for readers and tests).
 */
export class LossChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLElement;
  private readonly steps: number[] = [];
  private readonly values: number[] = [];
  private readonly smoothed: number[] = [];
  private frame = 0;

  constructor(readonly term: string) {
    this.canvas = h('canvas', {
      width: 320,
      height: 140,
      role: 'img',
      'aria-label': `Chart of the ${term} loss per training step`,
    });
    this.readout = h('span', { class: 'chart-readout' });
    this.element = h(
      'figure',
      { class: 'chart', 'data-term': term },
      h('figcaption', {}, h('strong', {}, term), ' ', this.readout),
      this.canvas,
    );
  }

  push(steps: readonly number[], values: readonly number[]): void {
    values.forEach((value, index) => {
      const previous = this.smoothed.at(-1);
      this.steps.push(steps[index]!);
      this.values.push(value);
      this.smoothed.push(
        previous === undefined ? value : previous + smoothing * (value - previous),
      );
    });
    if (this.values.length > 0) {
      const last = this.smoothed.at(-1)!;
      this.element.dataset.first = String(this.values[0]);
      this.element.dataset.last = String(last);
      this.readout.textContent = `${format(last)} (started at ${format(this.values[0]!)})`;
    }
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.draw();
      });
    }
  }

  private draw(): void {
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = this.canvas.clientWidth || 320;
    const cssHeight = 140;
    this.canvas.width = Math.round(cssWidth * ratio);
    this.canvas.height = Math.round(cssHeight * ratio);
    const context = this.canvas.getContext('2d')!;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, cssWidth, cssHeight);
    if (this.values.length === 0) return;
    const left = 48;
    const right = cssWidth - 8;
    const top = 8;
    const bottom = cssHeight - 20;
    // The y range of the smoothed curve and the later raw values: the first steps' values
    // are often far larger and would flatten everything else.
    const skip = Math.min(this.values.length - 1, Math.floor(this.values.length * 0.05));
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (let i = skip; i < this.values.length; i += 1) {
      low = Math.min(low, this.values[i]!, this.smoothed[i]!);
      high = Math.max(high, this.values[i]!, this.smoothed[i]!);
    }
    if (!(high > low)) {
      high = low + Math.max(Math.abs(low) * 0.1, 1e-6);
    }
    const firstStep = this.steps[0]!;
    const lastStep = Math.max(this.steps.at(-1)!, firstStep + 1);
    const x = (step: number) =>
      left + ((step - firstStep) / (lastStep - firstStep)) * (right - left);
    const y = (value: number) =>
      bottom - ((Math.min(Math.max(value, low), high) - low) / (high - low)) * (bottom - top);

    context.strokeStyle = '#d0d4da';
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(left, top);
    context.lineTo(left, bottom);
    context.lineTo(right, bottom);
    context.stroke();
    context.fillStyle = '#4a5260';
    context.font = '11px system-ui, sans-serif';
    context.textAlign = 'right';
    context.textBaseline = 'middle';
    context.fillText(format(high), left - 4, top + 4);
    context.fillText(format(low), left - 4, bottom);
    context.textAlign = 'left';
    context.textBaseline = 'top';
    context.fillText(`step ${firstStep}`, left, bottom + 4);
    context.textAlign = 'right';
    context.fillText(`${lastStep}`, right, bottom + 4);

    const line = (series: readonly number[], colour: string, width: number) => {
      context.strokeStyle = colour;
      context.lineWidth = width;
      context.beginPath();
      // At most one vertex per CSS pixel.
      const stride = Math.max(1, Math.floor(series.length / (right - left)));
      for (let i = 0; i < series.length; i += stride) {
        const px = x(this.steps[i]!);
        const py = y(series[i]!);
        if (i === 0) context.moveTo(px, py);
        else context.lineTo(px, py);
      }
      context.stroke();
    };
    line(this.values, '#c3c8d0', 1);
    line(this.smoothed, '#1f5fbf', 2);
  }
}

/** A loss value with about four significant digits. */
export function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toFixed(0);
  if (magnitude >= 1) return value.toPrecision(4);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}
