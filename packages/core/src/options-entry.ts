// `@aekit/core/options`: the part of @aekit/core that loads no TensorFlow.js — errors and
// argument checks, options objects, option schemas and the family registry's types — for
// code that describes or checks options where tfjs must not load (a page whose worker
// trains). `@aekit/core` exports all of it too; nothing here imports `@tensorflow/*` at run time.
export type { DenseActivation } from './activations';
export type { AutoencoderConfig, JsonValue } from './autoencoder';
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
export type {
  AutoencoderFamily,
  AutoencoderFamilyDescription,
  FamilyExtra,
  FamilyNotes,
  FamilyView,
} from './families';
export {
  familyViewKinds,
  findAutoencoderFamily,
  registerAutoencoderFamily,
  registeredAutoencoderFamilies,
} from './families';
export { formatValue } from './format-value';
export type {
  BooleanOptionSpec,
  ChoiceOptionSpec,
  IntegerListOptionSpec,
  IntegerOptionSpec,
  JsonOptionSpec,
  NumberOptionSpec,
  OptionCondition,
  OptionSchema,
  OptionSpec,
  OptionValue,
  ResolvedOptions,
  ResolvedSoFar,
  SeedOptionSpec,
  SuggestedRange,
} from './option-schema';
export {
  booleanOption,
  checkOptionValue,
  choiceOption,
  describeDefault,
  describeOption,
  integerListOption,
  integerOption,
  jsonOption,
  numberOption,
  optionDefault,
  optionFlag,
  resolveOptions,
  seedOption,
} from './option-schema';
export type { UnknownOptionDetails } from './options';
export {
  checkConfigObject,
  checkKnownFields,
  checkOptionsObject,
  closestName,
  deepFreeze,
  renameFields,
  UnknownOptionError,
} from './options';
