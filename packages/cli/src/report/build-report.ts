import type { Autoencoder } from '@aekit/core';
import type { History } from '@aekit/train';
import { type LoadedData, pictureChannels } from '../data-source';
import type { FamilyAdapter, FamilyContext } from '../family-contract';
import { formatLoss, formatSeconds } from '../io';
import { encodeRows, reconstructRows, takeRows } from '../model-calls';
import type { RunRecord } from '../run-folder';
import { codesSection, lossCurvesSection, reconstructionsSection } from './common-sections';
import { extraSections } from './extra-sections';
import { renderReportHtml } from './report-html';

/** Test examples a report draws its figures from (a seeded subset of a larger test split). */
export const reportTestExamples = 2000;

/** What a report is made of. */
export interface ReportInput {
  readonly adapter: FamilyAdapter;
  readonly model: Autoencoder;
  readonly data: LoadedData;
  /** The run's history; `null` for a bare model folder. */
  readonly history: History | null;
  readonly run: RunRecord | null;
  /** The run folder, or `null` for a bare model folder. */
  readonly runDir: string | null;
  /** Backend and versions, for the footer. */
  readonly runtime: {
    readonly backend: string;
    readonly versions: Readonly<Record<string, string>>;
  };
  readonly seed: number;
}

function isFamilyList(value: unknown): value is { family: string }[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as { family?: unknown }).family === 'string',
    )
  );
}

/** `latentDim 20 · hidden [400] · …`: a model's configuration for people. */
export function describeConfig(config: Autoencoder['config']): string {
  return Object.entries(config)
    .filter(([key]) => key !== 'family' && key !== 'inputDim')
    .map(([key, value]) => {
      const shown =
        value === null
          ? 'none'
          : typeof value === 'string'
            ? value
            : isFamilyList(value)
              ? // Nested models (a stacked autoencoder's stages): their families, not their configs.
                `[${value.map((item) => item.family).join(', ')}]`
              : JSON.stringify(value);
      return `${key} ${shown}`;
    })
    .join(' · ');
}

function lastOf(series: readonly number[] | undefined): number | undefined {
  return series === undefined ? undefined : series[series.length - 1];
}

function facts(input: ReportInput): [string, string][] {
  const { model, data, history, run } = input;
  const rows: [string, string][] = [
    ['family', `${model.config.family}`],
    ['data', data.title],
    [
      'examples',
      `${data.train.size.toLocaleString('en')} train / ${data.test.size.toLocaleString('en')} test, ${data.dim} values each${data.imageShape ? ` (${data.imageShape[0]} × ${data.imageShape[1]} ${pictureChannels(data.imageShape) === 3 ? 'colour ' : ''}images)` : ''}`,
    ],
    ['preparation', data.notes.join(' ')],
    ['model', `${data.dim} inputs · ${describeConfig(model.config)}`],
  ];
  if (run !== null) {
    const t = run.training;
    rows.push([
      'training',
      `Adam, learning rate ${t.learningRate}, batch ${t.batchSize}, seed ${t.seed}, on ${t.backend}`,
    ]);
  }
  if (input.adapter.train !== undefined) {
    // A family that trains in phases: its history is one phase's, so the sections say more.
    rows.push(['result', 'trained in phases; see the sections below']);
  } else if (history !== null && history.epochs.length > 0) {
    const testLoss = lastOf(history.validation?.total);
    rows.push([
      'result',
      `after ${history.epochs.length} epoch${history.epochs.length === 1 ? '' : 's'} (${history.steps} steps): loss ${formatLoss(lastOf(history.train.total))} on train, ${formatLoss(testLoss)} on test, per example`,
    ]);
    const seconds = history.samplesPerSecond.reduce(
      (sum, rate) => sum + data.train.size / Math.max(rate, 1e-9),
      0,
    );
    const meanRate =
      history.samplesPerSecond.reduce((sum, rate) => sum + rate, 0) /
      history.samplesPerSecond.length;
    rows.push([
      'speed',
      `${Math.round(meanRate).toLocaleString('en')} examples/s, ${formatSeconds(seconds)} of training`,
    ]);
  }
  return rows;
}

/** The HTML of `report.html` for a trained model: common sections, then its family's extras'. */
export async function buildReport(input: ReportInput): Promise<string> {
  const { adapter, model, data } = input;
  const test = takeRows(data.test, reportTestExamples, input.seed);
  const context: FamilyContext = { model, data, test, seed: input.seed, runDir: input.runDir };
  const sections = [
    lossCurvesSection(input.history),
    reconstructionsSection(data, test, (rows) => reconstructRows(adapter, model, rows)),
    codesSection(data, test, encodeRows(adapter, model, test)),
    ...(await extraSections({ ...context, adapter })),
  ];
  const versions = Object.entries(input.runtime.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return renderReportHtml({
    title: `${adapter.title} on ${data.name}`,
    facts: facts(input),
    sections,
    footer: `Made by aekit (${versions}) on the ${input.runtime.backend} backend, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Test figures use ${test.count === data.test.size ? 'the whole test split' : `${test.count} test examples drawn with seed ${input.seed}`}.`,
  });
}
