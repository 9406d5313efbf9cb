import { dispose, memory, type Tensor, type TensorContainer } from '@tensorflow/tfjs-core';
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

/**
 * The leak check every family runs on its public methods: creating and disposing a model
 * leaves nothing behind; `run(model)`, which returns every tensor the methods made (nested in
 * arrays or objects, as `lossTerms` returns `{ total, terms }`), leaks nothing when repeated;
 * and `dispose()` frees every variable. Resolves with how many tensors `dispose()` freed.
 */
export async function expectModelFreesItsTensors<
  M extends { variables(): Record<string, Tensor>; dispose(): void },
>(create: () => M, run: (model: M) => unknown): Promise<number> {
  await expectNoLeaks(() => create().dispose());
  const model = create();
  let disposed = false;
  try {
    await expectNoLeaks(async () => dispose((await run(model)) as TensorContainer));
    const variables = Object.entries(model.variables());
    const before = memory().numTensors;
    model.dispose();
    disposed = true;
    const kept = variables.filter(([, variable]) => !variable.isDisposed).map(([name]) => name);
    expect(kept, 'variables still alive after dispose()').toEqual([]);
    return before - memory().numTensors;
  } finally {
    if (!disposed) model.dispose();
  }
}
