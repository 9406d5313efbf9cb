/**
 * Registers tfjs-core's gradient for every kernel (the side effect of this import).
 *
 * tfjs-core's CommonJS bundle, which Node loads, registers none, and the module below is
 * extension-less ESM that Node cannot load. The Node builds of this package therefore bundle
 * it in (see tsup.config.ts); the browser build leaves the import to the application's
 * bundler, which resolves it against the same tfjs-core the application uses. The gradient
 * registry is global to the process, so either way `tf.grad` and `optimizer.minimize` work.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
