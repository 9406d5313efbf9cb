// The messages between the page and the training worker. Everything crossing is plain data
// (numbers, strings, typed arrays); tensors never leave the worker.

/** Hyper-parameter values as the model panel collects them, by parameter name. */
export type ParameterValues = Readonly<Record<string, number | boolean | string>>;

/** How the worker trains. */
export interface TrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

/** What the backend reports once it has started. */
export interface RuntimeSummary {
  readonly backend: string;
  readonly simd: boolean | null;
  readonly threads: number;
  readonly threadsRequested: number;
  readonly crossOriginIsolated: boolean;
  readonly logicalCores: number;
  readonly tfjsVersion: string;
}

/** The digits the page shows: the test split, pixels as bytes, row-major 28 × 28. */
export interface DigitsSummary {
  readonly trainSize: number;
  readonly testSize: number;
  readonly testImages: Uint8Array;
  readonly testLabels: Int32Array;
}

/** The model the worker holds. */
export interface ModelSummary {
  readonly family: string;
  /** The complete configuration, as saved in `config.json`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly parameters: number;
  /** Width of the code `encode` returns. */
  readonly codeDim: number;
  /** Classes the model is conditioned on (a conditional VAE), else null. */
  readonly numClasses: number | null;
  /** The views the model supports beyond the `Autoencoder` contract. */
  readonly capabilities: ModelCapabilities;
  /** Steps trained so far in this page (0 for a loaded model). */
  readonly steps: number;
}

export interface ModelCapabilities {
  /** Decodes draws from a prior p(z) (its family declares the extra 'samples'). */
  readonly sample: boolean;
  /** Has a decoded grid of a 2-D latent space to show (its family declares 'manifold'). */
  readonly manifold: boolean;
  /** Has first-layer filters to show (a dense first encoder layer on the pixels). */
  readonly filters: boolean;
}

/** One progress report: every step since the last report. */
export interface ProgressReport {
  readonly epoch: number;
  readonly epochs: number;
  /** The global step of each loss below. */
  readonly steps: readonly number[];
  /** Per loss name (`total` and every term), one value per step above. */
  readonly losses: Readonly<Record<string, readonly number[]>>;
  /** Steps per second over the last second or so. */
  readonly stepsPerSecond: number;
  /** Steps per second since training started. */
  readonly meanStepsPerSecond: number;
  readonly seconds: number;
}

export interface TrainEnd {
  readonly stopReason: 'completed' | 'earlyStopping' | 'aborted';
  readonly steps: number;
  readonly seconds: number;
  readonly meanStepsPerSecond: number;
  readonly model: ModelSummary;
}

/** A point cloud of codes in two dimensions. */
export interface LatentPoints {
  /** Test-set indices of the points. */
  readonly indices: Int32Array;
  /** x, y interleaved. */
  readonly coordinates: Float32Array;
  /** 'latent' when the code is 2-D; 'pca' for the first two principal components. */
  readonly projection: 'latent' | 'pca';
  /** Variance explained by each axis, as a fraction of the total (for 'pca'). */
  readonly explained: readonly [number, number];
}

export interface Histogram {
  readonly title: string;
  readonly note: string;
  /** Bin edges, length bins + 1. */
  readonly edges: Float32Array;
  readonly counts: Int32Array;
  /** Overlay this density, e.g. the prior N(0, 1). */
  readonly reference?: 'standard-normal';
}

/** Pixels of images, each 784 floats in [0, 1] (or any range for filters), row-major. */
export interface Images {
  readonly count: number;
  readonly pixels: Float32Array;
}

/** Corruption applied before reconstructing (the denoising view). */
export interface Noise {
  readonly kind: 'masking' | 'gaussian' | 'salt-and-pepper';
  /** Fraction of pixels (masking, salt-and-pepper) or standard deviation (gaussian). */
  readonly level: number;
  readonly seed: number;
}

/** Questions the page asks about the current model, and what each returns. */
export interface Queries {
  reconstruct: { args: { indices: readonly number[] }; result: Images };
  latent: { args: { count: number }; result: LatentPoints };
  decode: { args: { z: readonly number[]; label?: number }; result: Images };
  manifold: { args: { n: number; range: number; label?: number }; result: Images };
  interpolate: {
    args: { from: number; to: number; steps: number; method: 'linear' | 'slerp' };
    result: Images;
  };
  sample: { args: { n: number; seed: number; label?: number }; result: Images };
  denoise: {
    args: { pixels: Float32Array; noise: Noise; label?: number };
    result: { noisy: Images; reconstruction: Images };
  };
  filters: { args: { count: number }; result: Images };
  histograms: { args: { count: number }; result: readonly Histogram[] };
}

export type QueryName = keyof Queries;

export type ToWorker =
  | { readonly type: 'init'; readonly dataUrl: string; readonly threads?: number }
  | {
      readonly type: 'train';
      readonly family?: string;
      readonly parameters?: ParameterValues;
      readonly settings: TrainSettings;
      /** Start from fresh weights (with the family and parameters) or go on with the model. */
      readonly fresh: boolean;
    }
  | { readonly type: 'stop' }
  | { readonly type: 'save'; readonly id: number }
  | {
      readonly type: 'load';
      readonly id: number;
      readonly config: string;
      readonly weights: Uint8Array;
    }
  | {
      readonly type: 'query';
      readonly id: number;
      readonly name: QueryName;
      readonly args: Queries[QueryName]['args'];
    };

export type FromWorker =
  | {
      readonly type: 'ready';
      readonly runtime: RuntimeSummary;
      readonly digits: DigitsSummary;
      readonly loadSeconds: number;
    }
  | { readonly type: 'trainStart'; readonly model: ModelSummary }
  | { readonly type: 'progress'; readonly report: ProgressReport }
  | { readonly type: 'trainEnd'; readonly end: TrainEnd }
  | { readonly type: 'trainError'; readonly message: string }
  | {
      readonly type: 'saved';
      readonly id: number;
      readonly config: string;
      readonly weights: Uint8Array;
    }
  | { readonly type: 'loaded'; readonly id: number; readonly model: ModelSummary }
  | { readonly type: 'answer'; readonly id: number; readonly result: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'fatal'; readonly message: string };
