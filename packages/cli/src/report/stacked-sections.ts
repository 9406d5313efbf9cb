import type { StackedAe } from '@aekit/stacked';
import type { History } from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import type { FamilyContext } from '../family-contract';
import { formatSeconds } from '../io';
import type { StackedRecord } from '../stacked-record';
import { escapeHtml, lineChartSvg, type Series } from './charts';
import { imagesFigure, pickRows, roundRobinByLabel } from './common-sections';
import type { ReportSection } from './report-html';

function percent(accuracy: number): string {
  return `${(100 * accuracy).toFixed(1)}%`;
}

/** Each stage's pretraining loss, one chart per stage (training split). */
export function pretrainingSection(record: StackedRecord): ReportSection {
  const charts = record.pretraining.map((history, stage) => {
    // The total alone when it is the only term (the same line twice otherwise).
    const terms = Object.keys(history.train).filter((term) => term !== 'total');
    const shown = terms.length === 1 ? terms : Object.keys(history.train);
    const series: Series[] = shown.map((term) => ({
      name: term === 'total' ? 'loss' : term,
      points: history.epochs.map((epoch, index) => [epoch, history.train[term]![index]!] as const),
    }));
    const inputs = stage === 0 ? 'inputs' : `stage ${stage} codes`;
    return lineChartSvg(series, {
      title: `stage ${stage + 1}: ${inputs} → ${record.layers[stage]} units`,
      xLabel: 'epoch',
      yLabel: 'per example',
      width: 330,
      height: 240,
    });
  });
  return {
    heading: 'Greedy layer-wise pretraining',
    explanation: `Each stage is a ${record.layerFamily} autoencoder trained on its own for ${record.epochs.pretrainPerStage} epoch${record.epochs.pretrainPerStage === 1 ? '' : 's'}: stage 1 on the inputs, stage k on the codes of stage k − 1 with the stages below fixed. The curves are each stage's loss terms on the training split, per example, in the units of its own input (the codes of a lower stage are not pixels, so the stages' values do not compare).`,
    html: charts.join(''),
  };
}

/** Test images rebuilt from the codes of each stage: up through stages 1…k, down again. */
export function stageReconstructionsSection(
  context: FamilyContext,
  stack: StackedAe,
): ReportSection {
  const heading = 'Reconstructions at each stage';
  const { data, test } = context;
  const imageShape = data.imageShape;
  if (imageShape === null) {
    return {
      heading,
      explanation: `The examples are not images (${data.dim} values each), so the stages' reconstructions are not drawn.`,
      html: '',
    };
  }
  const columns = 12;
  const indices = roundRobinByLabel(test.labels, test.count, columns);
  const originals = pickRows(test.x, test.dim, indices);
  const levels = stack.stages.length;
  const rebuilt = tf.tidy(() => {
    const x = tf.tensor2d(originals, [indices.length, test.dim]);
    const rows: tf.Tensor2D[] = [];
    for (let level = 1; level <= levels; level += 1) {
      let h = stack.encodeTo(x, level);
      for (let stage = level - 1; stage >= 0; stage -= 1) h = stack.stages[stage]!.decode(h);
      rows.push(h);
    }
    return tf.concat(rows, 0);
  });
  const values = new Float32Array((levels + 1) * indices.length * test.dim);
  values.set(originals, 0);
  values.set(rebuilt.dataSync(), originals.length);
  rebuilt.dispose();
  return {
    heading,
    explanation: `Test images (top row) and what the pretrained stack makes of them from the codes of each stage (row k + 1: encoded up through stages 1…k, then decoded down through their decoders). Each stage only learned to reconstruct its own input, so the errors of the stages add up on the way down: deeper codes keep less detail, the price of the more abstract features a classifier then builds on.`,
    html: imagesFigure(
      values,
      (levels + 1) * indices.length,
      imageShape,
      indices.length,
      `row 1: test images · row k + 1: reconstructed from the codes of stage k (${stack.config.latentDims.join(' → ')} units)`,
    ),
  };
}

/** Test cross-entropy against epochs of training so far: the pretrained pipeline and the network from scratch. */
function curvesChart(record: StackedRecord): string {
  const offset = record.layers.length * record.epochs.pretrainPerStage;
  const validation = (history: History | null) => history?.validation?.total ?? [];
  const pipeline: (readonly [number, number])[] = [
    ...validation(record.head).map((value, index) => [offset + index + 1, value] as const),
    ...validation(record.fineTune).map(
      (value, index) => [offset + record.epochs.head + index + 1, value] as const,
    ),
  ];
  const series: Series[] = [{ name: 'pretrained stack', points: pipeline }];
  if (record.fromScratch !== null) {
    series.push({
      name: 'from scratch',
      points: validation(record.fromScratch).map((value, index) => [index + 1, value] as const),
      dashed: true,
    });
  }
  return lineChartSvg(series, {
    title: 'test cross-entropy of the classifier',
    xLabel: 'epochs of training so far (pretraining included)',
    yLabel: 'nats per example',
    width: 460,
    height: 280,
  });
}

function accuracyTable(record: StackedRecord): string {
  const { epochs, accuracy, seconds } = record;
  const pretraining = `${record.layers.length} × ${epochs.pretrainPerStage} pretraining`;
  const rows: [string, string, string, number | null][] = [
    [
      'head only, stages fixed',
      `${pretraining} + ${epochs.head} head`,
      formatSeconds(seconds.pretraining + seconds.head),
      accuracy.headOnly,
    ],
  ];
  if (accuracy.fineTuned !== null) {
    rows.push([
      'fine-tuned, all layers',
      `${pretraining} + ${epochs.head} head + ${epochs.fineTune} fine-tuning`,
      formatSeconds(seconds.pretraining + seconds.head + (seconds.fineTune ?? 0)),
      accuracy.fineTuned,
    ]);
  }
  if (accuracy.fromScratch !== null) {
    rows.push([
      'same network from scratch',
      `${epochs.fromScratch} of all layers`,
      formatSeconds(seconds.fromScratch ?? 0),
      accuracy.fromScratch,
    ]);
  }
  const body = rows
    .map(
      ([name, trained, time, value]) =>
        `<tr><th scope="row">${escapeHtml(name)}</th><td>${escapeHtml(trained)}</td><td class="number">${escapeHtml(time)}</td><td class="number"><strong>${value === null ? '—' : percent(value)}</strong></td><td><span class="bar" style="width:${value === null ? 0 : (200 * value).toFixed(0)}px"></span></td></tr>`,
    )
    .join('');
  return `<table class="data"><thead><tr><th>classifier</th><th>epochs</th><th>training time</th><th>test accuracy</th><th></th></tr></thead><tbody>${body}</tbody></table>`;
}

function classificationSection(record: StackedRecord): ReportSection {
  const { accuracy } = record;
  let verdict: string;
  if (accuracy.fineTuned !== null && accuracy.fromScratch !== null) {
    const difference = 100 * (accuracy.fineTuned - accuracy.fromScratch);
    verdict =
      difference >= 0
        ? `Here pretraining paid off: fine-tuning the pretrained stack ends ${difference.toFixed(1)} points above the same network trained from scratch with as many epochs.`
        : `Here the network from scratch ends ${(-difference).toFixed(1)} points above the fine-tuned stack with as many epochs: with this much labelled data and this few epochs, pretraining did not pay off.`;
  } else {
    verdict =
      'Train with --finetune to fine-tune every layer and to compare with the same network trained from scratch.';
  }
  return {
    heading: 'Classification: head only, fine-tuned, from scratch',
    explanation: `A softmax layer on the top codes, trained with cross-entropy on the labels: first with the pretrained stages fixed (only the head learns; how linearly separable the pretrained features are), then${accuracy.fineTuned === null ? ' (with --finetune)' : ''} with every layer trained (fine-tuning), compared with the same architecture trained from a random start for as many epochs as pretraining, head and fine-tuning together. Accuracies on the ${record.testExamples.toLocaleString('en')} test examples; training times include the earlier phases. ${verdict}`,
    html: accuracyTable(record) + curvesChart(record),
  };
}

/** The confusion matrix as a table: rows actual, columns predicted, cells shaded by row share. */
function confusionSection(record: StackedRecord): ReportSection {
  const { classNames, confusion } = record;
  const header = classNames.map((name) => `<th scope="col">${escapeHtml(name)}</th>`).join('');
  const body = confusion
    .map((row, actual) => {
      const total = row.reduce((sum, count) => sum + count, 0);
      const cells = row
        .map((count, predicted) => {
          const share = total === 0 ? 0 : count / total;
          const colour = actual === predicted ? '44, 160, 44' : '214, 39, 40';
          const shade = actual === predicted ? share : Math.min(1, 3 * share);
          return `<td class="number" style="background: rgba(${colour}, ${shade.toFixed(3)})" title="${escapeHtml(`${classNames[actual]} predicted as ${classNames[predicted]}: ${count}`)}">${count}</td>`;
        })
        .join('');
      const recall = total === 0 ? '—' : percent(row[actual]! / total);
      return `<tr><th scope="row">${escapeHtml(classNames[actual] ?? String(actual))}</th>${cells}<td class="number">${recall}</td></tr>`;
    })
    .join('');
  const which = record.accuracy.fineTuned === null ? 'head-only' : 'fine-tuned';
  const worst = confusion
    .flatMap((row, actual) => row.map((count, predicted) => ({ actual, predicted, count })))
    .filter((cell) => cell.actual !== cell.predicted)
    .sort((a, b) => b.count - a.count)[0];
  return {
    heading: 'Confusion matrix',
    explanation: `How the ${which} classifier (saved in classifier/) labels the ${record.testExamples.toLocaleString('en')} test examples: row = the true class, column = the predicted class, the diagonal (green) the correct ones; red cells are mistakes, darker for a larger share of the row. The last column is each class's recall.${worst !== undefined && worst.count > 0 ? ` The most frequent mistake: ${classNames[worst.actual]} taken for ${classNames[worst.predicted]} (${worst.count} times).` : ''}`,
    html: `<table class="data confusion"><thead><tr><th>true \\ predicted</th>${header}<th>recall</th></tr></thead><tbody>${body}</tbody></table>`,
  };
}

/**
 * The classifier's sections: accuracies beside training curves, then the confusion matrix; one
 * section saying why they are missing when the run's record (`stacked.json`) is not there.
 */
export function classifierSections(record: StackedRecord | null): ReportSection[] {
  if (record === null) {
    return [
      {
        heading: 'Classification',
        explanation:
          'This model folder has no stacked.json beside it (it is not in the run folder aekit train wrote), so the classifier’s accuracies and confusion matrix are not known here.',
        html: '',
      },
    ];
  }
  return [classificationSection(record), confusionSection(record)];
}
