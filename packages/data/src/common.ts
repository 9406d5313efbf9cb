// What both entry points (Node and browser) export unchanged.
export type { CsvOptions } from './csv';
export type {
  Batch,
  BatchOptions,
  BinarizeOptions,
  LabelOptions,
  NormalizeOptions,
  SampleArray,
  SampleDtype,
  SplitOptions,
  Splits,
  StandardizeOptions,
} from './dataset';
export { Dataset, standardize } from './dataset';
export type { DataFormatDetails } from './errors';
export { DataFormatError, DataNotFoundError } from './errors';
export type { FashionMnistFiles, TrainTest } from './fashion-mnist';
export { fashionMnistClassNames, fashionMnistFileNames } from './fashion-mnist';
export type { IdxArray, IdxDataType, IdxTypedArray } from './idx';
export type { LoadIdxOptions } from './load-idx';
export type { LoadMnistOptions } from './mnist';
export { mnistClassNames } from './mnist';
