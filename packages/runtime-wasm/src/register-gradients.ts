/**
 * Registers tfjs-core's gradient for every kernel (the side effect of this import).
 *
 * tfjs-core's CommonJS bundle, which Node loads, registers none, and the modules below are
 * extension-less ESM that Node cannot load. The Node builds of this package therefore bundle
 * them in (see tsup.config.ts); the browser build leaves the imports to the application's
 * bundler, which resolves them against the same tfjs-core the application uses. The gradient
 * registry is global to the process, so either way `tf.grad` and `optimizer.minimize` work.
 */
// The main tfjs-core must load first: the first copy to load creates the global engine and
// its Tensor class, and only the main copy wires that class to the ops. (Under a test runner
// that loads these ESM files beside the CommonJS bundle, this line keeps the order right.)
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// Some stock gradients (Prod; GatherV2 with batchDims) call ops as tensor methods
// (`x.reshape(...)`, `x.split(...)`), and tfjs-core registers no chained methods, so those
// gradients would throw. Registering tfjs's chained methods makes every stock gradient work.
// aekit's own code still calls ops as functions.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
