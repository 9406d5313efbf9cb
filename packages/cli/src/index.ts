export type { DataSpec, LoadedData } from './data-source';
export { familyAdapters } from './families';
export { denoisingAdapter } from './families/denoising';
export { installedFamilies } from './families/installed';
export { mlpAdapterFor } from './families/mlp-adapters';
export type { MlpFamilyAdapter, MlpFamilySpec, MlpShape } from './families/mlp-families';
export { mlpFamilyAdapter, registeredMlpSpec } from './families/mlp-families';
export { stackedAdapter } from './families/stacked';
export { vaeAdapter } from './families/vae';
export type {
  FamilyAdapter,
  FamilyContext,
  FamilyOption,
  FamilySettings,
  FamilyTrainContext,
  FamilyTrainResult,
  LabelledCalls,
  LabelledRows,
  Metric,
  MetricMatrix,
  ModelShape,
} from './family-contract';
export type { CliIo, OutputStream } from './io';
export { exitCodes, runCli } from './program';
export type { ReportSection } from './report/report-html';
