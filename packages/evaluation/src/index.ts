export type { KnnOptions, KnnResult } from './knn-accuracy';
export { knnAccuracy } from './knn-accuracy';
export type { LabelledFeatures } from './labelled-features';
export type { LinearProbeOptions, LinearProbeResult } from './linear-probe';
export { linearProbe } from './linear-probe';
export type { Pca, PcaOptions } from './pca';
export { fitPca } from './pca';
