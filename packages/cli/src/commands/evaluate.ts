import { initBackend } from '@aekit/runtime-wasm';
import { evaluateModel } from '../evaluation/evaluate-model';
import type { MetricMatrix } from '../family-contract';
import { choiceFlag, integerFlag } from '../flags';
import { type CliIo, Output, textTable } from '../io';
import { dataForModel, openModel } from './open-model';
import { backendNames } from './train';

function formatMetric(value: number, unit: string): string {
  if (unit === 'accuracy') return `${(100 * value).toFixed(1)}%`;
  return Number(value.toPrecision(5)).toString();
}

/** A metric's matrix as a text table: row names, then one column per column name. */
function matrixTable(matrix: MetricMatrix): string {
  return textTable(
    ['', ...matrix.columns],
    matrix.values.map((row, index) => [
      matrix.rows[index] ?? '',
      ...row.map((value) => value.toLocaleString('en')),
    ]),
  );
}

/** `aekit eval`: measures a trained model on the test split. */
export async function evalCommand(
  flags: Readonly<Record<string, unknown>>,
  io: CliIo,
): Promise<number> {
  const command = 'eval';
  const output = new Output(io, flags.json === true);
  const backend = choiceFlag(command, '--backend', flags.backend, backendNames);
  const iwSamples = integerFlag(command, '--iw-samples', flags.iwSamples, { min: 1, max: 100_000 });
  const seed = integerFlag(command, '--seed', flags.seed, { min: 0, max: 0xffffffff });
  await initBackend({ backend });
  const opened = await openModel(command, io, flags.model);
  try {
    const data = await dataForModel(command, io, opened, flags.data, flags.labelColumn);
    output.line(
      `Evaluating the ${opened.model.config.family} model in ${flags.model} on the test split of ${data.name} (${data.test.size.toLocaleString('en')} examples), on ${backend}.`,
    );
    const started = performance.now();
    const evaluation = await evaluateModel({
      adapter: opened.adapter,
      model: opened.model,
      data,
      iwSamples,
      seed,
      runDir: opened.located.runDir,
      onStage: (stage) => output.line(`  measuring ${stage}…`),
    });
    const seconds = (performance.now() - started) / 1000;
    output.line();
    output.line(
      textTable(
        ['metric', 'value', 'unit'],
        evaluation.metrics.map((metric) => [
          metric.name,
          formatMetric(metric.value, metric.unit),
          metric.unit === 'accuracy' ? '' : metric.unit,
        ]),
      ),
    );
    output.line();
    output.line('What each number measured:');
    for (const metric of evaluation.metrics)
      output.line(`  ${metric.name}: ${metric.description}.`);
    for (const metric of evaluation.metrics) {
      if (metric.matrix === undefined) continue;
      output.line();
      output.line(`${metric.name} — ${metric.matrix.title}:`);
      output.line(matrixTable(metric.matrix));
    }
    for (const note of evaluation.notes) output.line(`Note: ${note}`);
    output.result({
      model: opened.located.modelDir,
      family: opened.model.config.family,
      data: data.text,
      split: 'test',
      examples: data.test.size,
      metrics: Object.fromEntries(
        evaluation.metrics.map((metric) => [
          metric.key,
          {
            name: metric.name,
            value: metric.value,
            unit: metric.unit,
            description: metric.description,
            ...(metric.matrix === undefined ? {} : { matrix: metric.matrix }),
          },
        ]),
      ),
      notes: evaluation.notes,
      seconds,
    });
    return 0;
  } finally {
    opened.model.dispose();
  }
}
