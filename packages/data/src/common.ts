// What both entry points (Node and browser) export unchanged.
export type { CsvOptions } from './csv';
export { Dataset } from './dataset';
export type { BatchOptions, DatasetBatch } from './dataset-batches';
export type { LabelOptions } from './dataset-construction';
export type { SplitOptions } from './dataset-selection';
export type { SampleArray, SampleDtype } from './dataset-state';
export type { BinarizeOptions, NormalizeOptions, StandardizeOptions } from './dataset-transforms';
export type { DataFormatDetails } from './errors';
export { DataFormatError, DataNotFoundError } from './errors';
export type { FashionMnistFiles, TrainTest } from './fashion-mnist';
export { fashionMnistClassNames, fashionMnistFileNames } from './fashion-mnist';
export type { IdxArray, IdxDataType, IdxTypedArray } from './idx';
export type { LoadIdxOptions } from './load-idx';
export type { LoadMnistOptions } from './mnist';
export { mnistClassNames } from './mnist';
export type { Splits } from './standardize';
export { standardize } from './standardize';
