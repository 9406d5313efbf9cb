export type {
  Autoencoder,
  AutoencoderConfig,
  JsonValue,
  LossContext,
  LossTerms,
} from './autoencoder';
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
export { formatValue } from './format-value';
export type { RngState } from './random';
export {
  createRng,
  deriveSeed,
  Rng,
  randomNormalTensor,
  randomUniformTensor,
} from './random';
