import type { Autoencoder, FamilyExtra, JsonValue } from '@aekit/core';
import type { FitCallbacks, History } from '@aekit/train';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { LoadedData } from './data-source';

/** Plain JSON settings of a family, as its adapter parsed them from the flags. */
export type FamilySettings = { readonly [key: string]: JsonValue };

/** One flag `aekit train` takes for a family, shown in `aekit train --help`. */
export interface FamilyOption {
  /** Commander flags with a value placeholder, e.g. `'--beta <number>'`. */
  readonly flags: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The default, as `--help` shows it. */
  readonly defaultText?: string;
  /** The accepted words, as `--help` shows them (`parseOptions` checks them). */
  readonly choices?: readonly string[];
}

/** What `aekit train`'s common flags and the data say about the model to build. */
export interface ModelShape {
  /** Values per example. */
  readonly inputDim: number;
  /** `--latent`, or `undefined` for the family's default. */
  readonly latentDim: number | undefined;
  /** `--hidden`, or `undefined` for the family's default. */
  readonly hidden: readonly number[] | undefined;
  /** Classes in the labels, or `null` when the data has none. */
  readonly numClasses: number | null;
  /** `--seed`: the initial weights and every random draw derive from it. */
  readonly seed: number;
  /** `[height, width, channels]` of an example when the data are pictures, else null. */
  readonly imageShape?: readonly [number, number, number] | null;
}

/** One number `aekit eval` reports, with what it measured. */
export interface Metric {
  /** Key in the `--json` output, camelCase: `'logLikelihood'`. */
  readonly key: string;
  /** For people: `'importance-weighted log-likelihood'`. */
  readonly name: string;
  readonly value: number;
  /** `'nats per example'`, `'accuracy'`, … */
  readonly unit: string;
  /** What was measured, on which examples, how. */
  readonly description: string;
  /**
   * A table of numbers that goes with the value, e.g. a confusion matrix: `aekit eval` prints
   * it under the metrics and `--json` gives it as the metric's `matrix`.
   */
  readonly matrix?: MetricMatrix;
}

/** A labelled table of numbers: `values[row][column]`. */
export interface MetricMatrix {
  /** What the rows and columns are: `'rows: actual class · columns: predicted class'`. */
  readonly title: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly values: readonly (readonly number[])[];
}

/** What the report's and the evaluation's drawers of a family's extras get. */
export interface FamilyContext {
  readonly model: Autoencoder;
  /** The data set (both splits, values in [0, 1], image shape and class names). */
  readonly data: LoadedData;
  /** Test examples to show and measure (a seeded subset of the test split when it is large). */
  readonly test: LabelledRows;
  /** Seed of every random draw the hook makes. */
  readonly seed: number;
  /**
   * The run folder the model belongs to, or `null` for a bare model folder: a family whose
   * `train` hook saved more than the model (e.g. a classifier) reads it from here.
   */
  readonly runDir: string | null;
}

/** A family's words in a report section of one of its extras. */
export interface ExtraNote {
  /** Replaces the section's heading. */
  readonly heading?: string;
  /**
   * What the section shows for this family: for 'code-histograms' a sentence after the
   * figures' description, for 'filters' the whole explanation.
   */
  readonly explanation: string;
}

/** What a family's own training (`FamilyAdapter.train`) is given. */
export interface FamilyTrainContext {
  /** The new model `create` made; the command saves it as `model/` after `train` resolves. */
  readonly model: Autoencoder;
  /** The family's settings, as `parseOptions` returned them. */
  readonly settings: FamilySettings;
  readonly data: LoadedData;
  /** `aekit train`'s common options. */
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly seed: number;
  };
  /** The run folder (it exists), for anything saved beside `model/`. */
  readonly runDir: string;
  /** Aborted on Ctrl-C: pass it to `fit` and stop after the current phase. */
  readonly signal?: AbortSignal;
  /** Prints a line for people (nothing with `--json`). */
  log(text?: string): void;
  /** Callbacks for one `fit`: the progress bar and a line per epoch, as the common training prints. */
  progress(): FitCallbacks;
}

/** What a family's own training hands back to `aekit train`. */
export interface FamilyTrainResult {
  /** Written as `history.json` and drawn as the report's training curves. */
  readonly history: History;
  /** Added to `aekit train --json`'s object under the family's name. */
  readonly summary: { readonly [key: string]: JsonValue };
}

/** Examples as one row-major array, with labels when the data has them. */
export interface LabelledRows {
  /** `[count, dim]`, values in [0, 1]. */
  readonly x: Float32Array;
  readonly labels: Int32Array | null;
  readonly count: number;
  readonly dim: number;
}

/**
 * How the `aekit` command knows a family of autoencoders. Everything the command does with a
 * model goes through the `Autoencoder` contract (`encode`, `decode`, `reconstruct`,
 * `lossTerms`); an adapter adds only what differs:
 *
 * - `name`, `title`, `summary`, `options`: the family's `--family` value, names and flags;
 * - `parseOptions` and `create`: from flags and the data's shape to a new model;
 * - `needsLabels`: whether a model takes class labels with its inputs (conditional models);
 * - optional `sample`: how `aekit sample` draws from a family with the extra 'samples';
 * - optional `extraNote`: the family's own words in the report's sections of its extras.
 *   Which sections and metrics beyond reconstructions, codes and probes a model gets is not
 *   the adapter's: the family declares it in its registry entry (`extras`, see `FamilyExtra`
 *   of `@aekit/core`), and the report and eval draw each kind;
 * - optional `encoderJacobianNorm`: a closed form for `aekit eval`'s `jacobianFrobenius`
 *   (without it the command differentiates `encode` by autodiff);
 * - optional `train`: for a family that does not train as one `fit` of the model (stacked
 *   autoencoders pretrain stage by stage, then train a classifier). Such runs cannot be resumed.
 *
 * Loading a saved model does not need the adapter's `create`: it goes through the family
 * registry of `@aekit/core`, which the family's package fills when imported.
 */
export interface FamilyAdapter {
  /** `--family` and `config.family`, e.g. `'vae'`. */
  readonly name: string;
  /** What it is called in titles: `'Variational autoencoder'`. */
  readonly title: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Flags `aekit train` takes for this family only (beyond `--latent` and `--hidden`). */
  readonly options: readonly FamilyOption[];
  /**
   * Checks the family's flags — raw strings (or `undefined` when not given) keyed by the
   * flag's camelCase name (`--max-noise` → `maxNoise`) — and returns the settings as plain
   * JSON (kept in the run folder). Throws `InvalidArgumentError` naming the flag, e.g. via
   * `numberFlag('train', '--beta', values.beta)`.
   */
  parseOptions(values: Readonly<Record<string, unknown>>): FamilySettings;
  /** A new, untrained model. */
  create(settings: FamilySettings, shape: ModelShape): Autoencoder;
  /** Whether `model` takes class labels with its inputs (a conditional model). */
  needsLabels(model: Autoencoder): boolean;
  /**
   * Draws `n` new examples `[n, inputDim]` in data space, for `aekit sample` of a family with
   * the extra 'samples'; `label` asks a conditional model for one class. Absent: the command
   * calls the model's `sample(n, { seed })`.
   */
  sample?(model: Autoencoder, n: number, options: { seed: number; label?: number }): Tensor2D;
  /**
   * The family's words in the report's section of one of its extras (see `FamilyExtra`), e.g.
   * what its code histograms should show; undefined: the section's own words.
   */
  extraNote?(extra: FamilyExtra, model: Autoencoder): ExtraNote | undefined;
  /**
   * ‖J_f(x)‖_F per example, `[batch]`, for the encoder f = `encode` at `x` `[batch, inputDim]`,
   * by a closed form. Absent: `aekit eval` computes it by autodiff of `encode` (exact, slower
   * for wide codes).
   */
  encoderJacobianNorm?(model: Autoencoder, x: Tensor2D): Tensor1D;
  /**
   * Trains `context.model` the family's own way instead of one `fit` with checkpoints, e.g.
   * in phases. Resolves when training ends (also when `context.signal` aborted it: then the
   * history's `stopReason` is `'aborted'`). The command then saves the model, writes the
   * history and the report as for any family. Absent: the command runs `fit` on the model.
   */
  train?(context: FamilyTrainContext): Promise<FamilyTrainResult>;
}

/** `Autoencoder` methods with the labels a conditional model takes; the command passes labels only when `needsLabels(model)`. */
export interface LabelledCalls {
  encode(x: Tensor2D, labels?: Tensor1D): Tensor2D;
  decode(z: Tensor2D, labels?: Tensor1D): Tensor2D;
  reconstruct(x: Tensor2D, labels?: Tensor1D): Tensor2D;
}
