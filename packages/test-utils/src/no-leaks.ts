import { memory } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/**
 * Runs `fn` twice and asserts that the second run leaves `tf.memory().numTensors` where it
 * found it. The first run warms caches (lazily created constants, kernel set-up), so only
 * growth that repeats — a leak — fails. `fn` must dispose whatever it creates, including
 * the results of the function under test.
 */
export async function expectNoLeaks(fn: () => unknown | Promise<unknown>): Promise<void> {
  await fn();
  const before = memory().numTensors;
  await fn();
  const after = memory().numTensors;
  if (after !== before) {
    expect.fail(
      `expectNoLeaks: tf.memory().numTensors went from ${before} to ${after} during one run ` +
        `(${after - before > 0 ? '+' : ''}${after - before} tensors).`,
    );
  }
}
