export type {
  Autoencoder,
  AutoencoderConfig,
  JsonValue,
  LossContext,
  LossTerms,
} from './autoencoder';
export type { Batch, BatchSource } from './batch-source';
export type { NumberRange, TensorRequirements } from './checks';
export {
  checkBoolean,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkPositiveInteger,
  checkPositiveIntegerList,
  checkSameShape,
  checkSeed,
  checkTensor,
} from './checks';
export type { InvalidArgumentDetails, ShapeMismatchDetails, ShapePattern } from './errors';
export {
  AekitError,
  InvalidArgumentError,
  ShapeMismatchError,
  UnsupportedKernelError,
} from './errors';
export type { AutoencoderFamily } from './families';
export {
  findAutoencoderFamily,
  registerAutoencoderFamily,
  registeredAutoencoderFamilies,
} from './families';
export { formatValue } from './format-value';
export type { RngState } from './random';
export {
  createRng,
  deriveSeed,
  Rng,
  randomNormalTensor,
  randomUniformTensor,
} from './random';
