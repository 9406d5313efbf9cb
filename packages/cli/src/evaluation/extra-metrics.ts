import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { FamilyExtra } from '@aekit/core';
import type { StackedClassifier } from '@aekit/stacked';
import { configFileName, loadModel } from '@aekit/train';
import type { FamilyAdapter, FamilyContext, Metric } from '../family-contract';
import { headRows, mean, perExample } from '../model-calls';
import { generative } from '../report/generative-sections';
import { stackedFiles } from '../stacked-record';

/** What a measure of an extra gets: the family's context, its adapter and `--iw-samples`. */
export interface ExtraMetricContext extends FamilyContext {
  readonly adapter: FamilyAdapter;
  readonly iwSamples: number;
}

/** Importance samples' rows per call: batches of `floor(budget / k)` examples keep memory flat. */
const importanceRowBudget = 10_000;
/** Test examples the importance-weighted log-likelihood is estimated on. */
export const importanceExamples = 1000;

/** The ELBO and the importance-weighted log-likelihood (the extra 'likelihood'). */
async function likelihoodMetrics(context: ExtraMetricContext): Promise<Metric[]> {
  const vae = generative(context.model);
  const withLabels = context.adapter.needsLabels(context.model);
  const { test, seed, iwSamples } = context;
  const elbo = perExample(test, { batchSize: 500, withLabels }, (x, labels) =>
    vae.elbo(x, { samples: 1, seed, ...(labels === undefined ? {} : { labels }) }),
  );
  const subset = headRows(test, importanceExamples);
  const batch = Math.max(1, Math.floor(importanceRowBudget / iwSamples));
  const logLikelihood = perExample(subset, { batchSize: batch, withLabels }, (x, labels) =>
    vae.logLikelihood(x, {
      importanceSamples: iwSamples,
      seed,
      ...(labels === undefined ? {} : { labels }),
    }),
  );
  const elboOfSubset = mean(elbo.subarray(0, subset.count));
  const metrics: Metric[] = [
    {
      key: 'elbo',
      name: 'ELBO',
      value: mean(elbo),
      unit: 'nats per example',
      description: `the evidence lower bound E_q[log p(x|z)] − KL(q(z|x) ‖ N(0, I)) with one draw of z per example and the KL in closed form, averaged over ${test.count} test examples; higher is better, and −ELBO is the training loss at β = 1`,
    },
    {
      key: 'logLikelihood',
      name: `log-likelihood (IW, k = ${iwSamples})`,
      value: mean(logLikelihood),
      unit: 'nats per example',
      description: `the importance-weighted estimate log (1/k) Σᵢ p(x, zᵢ)/q(zᵢ|x) with k = ${iwSamples} draws zᵢ ~ q(z|x), a tighter lower bound on log p(x) than the ELBO, averaged over the first ${subset.count} of those test examples (whose ELBO is ${elboOfSubset.toFixed(2)}, so the bound tightened by ${(mean(logLikelihood) - elboOfSubset).toFixed(2)} nats)`,
    },
  ];
  return metrics;
}

/** The accuracy of the classifier saved beside the model, with its confusion matrix (the extra 'classifier'). */
async function classifierMetrics(context: ExtraMetricContext): Promise<Metric[]> {
  if (context.runDir === null) return [];
  const dir = join(context.runDir, stackedFiles.classifier);
  try {
    await access(join(dir, configFileName));
  } catch {
    return [];
  }
  const classifier = await loadModel<StackedClassifier>(dir);
  try {
    const { accuracy, confusion, count } = await classifier.evaluate(context.data.test);
    const fineTuned = classifier.config.trainable.every((flag) => flag);
    const classNames = context.data.classNames ?? confusion.map((_, label) => String(label));
    const metric: Metric = {
      key: 'classifierAccuracy',
      name: `classifier accuracy (${fineTuned ? 'fine-tuned' : 'head only'})`,
      value: accuracy,
      unit: 'accuracy',
      description: `the softmax classifier saved in ${stackedFiles.classifier}/ (${fineTuned ? 'fine-tuned: every layer trained with the labels after pretraining' : 'the head trained on the fixed pretrained stages'}) on all ${count} test examples; the matrix counts test examples by true class (rows) and predicted class (columns)`,
      matrix: {
        title: 'confusion matrix, rows: true class, columns: predicted class',
        rows: classNames,
        columns: classNames,
        values: confusion,
      },
    };
    return [metric];
  } finally {
    classifier.dispose();
  }
}

/**
 * How `aekit eval` measures each extra a family declares, in the declared order; the kinds
 * absent here add no metric (they are figures of the report).
 */
const extraMetrics: {
  readonly [Kind in FamilyExtra]?: (context: ExtraMetricContext) => Promise<Metric[]>;
} = {
  likelihood: likelihoodMetrics,
  classifier: classifierMetrics,
};

/** Whether any of `extras` adds metrics to `aekit eval`. */
export function hasExtraMetrics(extras: readonly FamilyExtra[]): boolean {
  return extras.some((extra) => extraMetrics[extra] !== undefined);
}

/** The metrics of the extras `extras`, in their order. */
export async function measureExtras(
  extras: readonly FamilyExtra[],
  context: ExtraMetricContext,
): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for (const extra of extras) metrics.push(...((await extraMetrics[extra]?.(context)) ?? []));
  return metrics;
}
