export type { DataSpec, LoadedData } from './data-source';
export { familyAdapters } from './families';
export type {
  FamilyAdapter,
  FamilyContext,
  FamilyOption,
  FamilySettings,
  LabelledCalls,
  LabelledRows,
  Metric,
  ModelShape,
} from './families/family-adapter';
export { vaeAdapter } from './families/vae';
export type { CliIo, OutputStream } from './io';
export { exitCodes, runCli } from './program';
export type { ReportSection } from './report/report-html';
