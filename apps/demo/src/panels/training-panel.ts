import type { ProgressReport, TrainEnd } from '../protocol';
import { LossChart } from '../ui/chart';
import { h } from '../ui/dom';
import { chartedLosses } from './charted-losses';

/** Live training: status, throughput, and one chart per loss term. */
export class TrainingPanel {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly epoch: HTMLElement;
  private readonly steps: HTMLElement;
  private readonly rate: HTMLElement;
  private readonly meanRate: HTMLElement;
  private readonly chartBox: HTMLElement;
  private charts = new Map<string, LossChart>();

  private readonly controls = h('div');

  constructor() {
    this.status = h(
      'p',
      { id: 'training-status', role: 'status', 'data-state': 'idle' },
      'Not training.',
    );
    this.epoch = h('dd', { id: 'epoch' }, '–');
    this.steps = h('dd', { id: 'steps' }, '0');
    this.rate = h('dd', { id: 'steps-per-second' }, '–');
    this.meanRate = h('dd', { id: 'mean-steps-per-second' }, '–');
    this.chartBox = h('div', { class: 'charts' });
    this.element = h(
      'section',
      { class: 'panel training-panel', 'aria-labelledby': 'training-title' },
      h('h2', { id: 'training-title' }, 'Training'),
      h(
        'p',
        { class: 'help' },
        'Training runs in a Web Worker on the WASM backend, so the page stays responsive. Each chart is one term of the loss, per example, at every step (grey) and smoothed (blue); total is what the optimiser minimises. Steps/s counts the whole loop, including the views below, which follow the weights every two seconds.',
      ),
      this.controls,
      this.status,
      h(
        'dl',
        { class: 'metrics' },
        h('div', {}, h('dt', {}, 'Epoch'), this.epoch),
        h('div', {}, h('dt', {}, 'Steps'), this.steps),
        h('div', {}, h('dt', {}, 'Steps/s (now)'), this.rate),
        h('div', {}, h('dt', {}, 'Steps/s (mean)'), this.meanRate),
      ),
      this.chartBox,
    );
  }

  /** Shows the training settings and buttons (owned by the model panel) above the status. */
  setControls(controls: HTMLElement): void {
    this.controls.replaceChildren(controls);
  }

  /** A fresh run: the charts start empty. */
  reset(): void {
    this.charts = new Map();
    this.chartBox.replaceChildren();
    this.steps.textContent = '0';
    this.rate.textContent = '–';
    this.meanRate.textContent = '–';
  }

  started(description: string): void {
    this.setStatus('training', description);
  }

  progress(report: ProgressReport): void {
    for (const [term, values] of Object.entries(chartedLosses(report.losses))) {
      let chart = this.charts.get(term);
      if (chart === undefined) {
        chart = new LossChart(term);
        this.charts.set(term, chart);
        // 'total' first, then the terms in the order they appear.
        if (term === 'total' || term.startsWith('total ')) this.chartBox.prepend(chart.element);
        else this.chartBox.append(chart.element);
      }
      chart.push(report.steps, values);
    }
    this.epoch.textContent = `${report.epoch} of ${report.epochs}`;
    const lastStep = report.steps.at(-1);
    if (lastStep !== undefined) this.steps.textContent = lastStep.toLocaleString('en');
    this.rate.textContent = report.stepsPerSecond.toFixed(1);
    this.meanRate.textContent = report.meanStepsPerSecond.toFixed(1);
    this.meanRate.dataset.value = String(report.meanStepsPerSecond);
  }

  ended(end: TrainEnd): void {
    const how =
      end.stopReason === 'aborted'
        ? 'Stopped'
        : end.stopReason === 'earlyStopping'
          ? 'Stopped early'
          : 'Finished';
    this.meanRate.textContent = end.meanStepsPerSecond.toFixed(1);
    this.meanRate.dataset.value = String(end.meanStepsPerSecond);
    this.setStatus(
      'done',
      `${how} after ${end.steps.toLocaleString('en')} steps in ${end.seconds.toFixed(1)} s: ${end.meanStepsPerSecond.toFixed(1)} steps/s.`,
    );
  }

  /** A model came from files: no training history to show. */
  loaded(description: string): void {
    this.reset();
    this.epoch.textContent = '–';
    this.setStatus('idle', description);
  }

  failed(message: string): void {
    this.setStatus('error', `Training failed: ${message}`);
  }

  private setStatus(state: string, text: string): void {
    this.status.dataset.state = state;
    this.status.textContent = text;
  }
}
