import type { EpochEndInfo, LossValues, StepEndInfo } from '@aekit/train';
import cliProgress from 'cli-progress';
import { formatLoss, formatSeconds, type Output } from './io';

/** `reconstruction 140.2 · kl 25.1`: the named terms of a loss, without its total. */
export function describeTerms(loss: LossValues): string {
  return Object.entries(loss)
    .filter(([name]) => name !== 'total')
    .map(([name, value]) => `${name} ${formatLoss(value)}`)
    .join(' · ');
}

/**
 * Training progress. On a terminal (stderr is a TTY) a bar per epoch on stderr: steps,
 * steps/s, ETA and the current loss terms; it never writes to stdout, so `--json` output
 * stays one line. After each epoch, in human mode, one summary line on stdout.
 */
export class EpochProgress {
  private readonly output: Output;
  private readonly stepsPerEpoch: number;
  private bar: cliProgress.SingleBar | null = null;
  private epochStarted = 0;

  constructor(output: Output, stepsPerEpoch: number) {
    this.output = output;
    this.stepsPerEpoch = stepsPerEpoch;
  }

  private get drawBar(): boolean {
    return this.output.stderr.isTTY === true;
  }

  epochStart(epoch: number, epochs: number): void {
    this.epochStarted = performance.now();
    if (!this.drawBar) return;
    const width = Math.max(10, Math.min(30, (this.output.stderr.columns ?? 100) - 100));
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.output.stderr as NodeJS.WritableStream,
        format: `epoch ${epoch}/${epochs} {bar} {value}/{total} | {rate} steps/s | ETA {eta_formatted} | loss {loss} ({terms})`,
        barsize: width,
        hideCursor: true,
        clearOnComplete: true,
        // Redraw at most 10 times a second; the last step is always drawn.
        fps: 10,
        etaBuffer: 20,
        etaAsynchronousUpdate: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(this.stepsPerEpoch, 0, { rate: '—', loss: '—', terms: '' });
  }

  step(info: StepEndInfo): void {
    if (this.bar === null) return;
    const seconds = (performance.now() - this.epochStarted) / 1000;
    this.bar.update(info.batch, {
      rate: (info.batch / Math.max(seconds, 1e-9)).toFixed(1),
      loss: formatLoss(info.loss.total),
      terms: describeTerms(info.loss),
    });
  }

  epochEnd(info: EpochEndInfo): void {
    this.stop();
    const test =
      info.validation === undefined
        ? ''
        : ` | test ${formatLoss(info.validation.total)} (${describeTerms(info.validation)})`;
    this.output.line(
      `epoch ${info.epoch}/${info.epochs}  train ${formatLoss(info.train.total)} (${describeTerms(info.train)})${test} | ${Math.round(info.samplesPerSecond)} examples/s, ${formatSeconds(info.seconds)}`,
    );
  }

  /** Removes the bar (after an epoch, an interrupt or an error). */
  stop(): void {
    if (this.bar === null) return;
    this.bar.stop();
    this.bar = null;
  }
}
