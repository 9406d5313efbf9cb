// Runs in Chromium: what a user's bundled web page does with @aekit/runtime-wasm.
import { initBackend, runtimeInfo } from '@aekit/runtime-wasm';
import * as tf from '@tensorflow/tfjs-core';

interface PageResult {
  info: Awaited<ReturnType<typeof initBackend>>;
  /** runtimeInfo() after training. */
  after: ReturnType<typeof runtimeInfo>;
  losses: number[];
  gradient: number[];
  error?: string;
}

async function run(): Promise<PageResult> {
  const threads = Number(new URLSearchParams(location.search).get('threads') ?? '1');
  const info = await initBackend({ backend: 'wasm', threads });
  const gradient = Array.from(
    tf
      .grad((x: tf.Tensor) => tf.sum(tf.pow(x, 3)))(tf.tensor1d([1, -2, 0.5]))
      .dataSync(),
  );
  const x = tf.randomUniform([64, 784], 0, 1, 'float32', 1);
  const w1 = tf.variable(tf.randomNormal([784, 64], 0, 0.05, 'float32', 2));
  const w2 = tf.variable(tf.randomNormal([64, 784], 0, 0.05, 'float32', 3));
  const optimizer = tf.train.adam(1e-3);
  const losses: number[] = [];
  for (let step = 0; step < 20; step += 1) {
    const loss = optimizer.minimize(
      () => tf.losses.meanSquaredError(x, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)),
      true,
    );
    losses.push(loss!.dataSync()[0]!);
    loss!.dispose();
  }
  return { info, after: runtimeInfo(), losses, gradient };
}

const target = window as unknown as { aekitResult?: PageResult };
run().then(
  (result) => {
    target.aekitResult = result;
  },
  (error: unknown) => {
    target.aekitResult = {
      error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
    } as PageResult;
  },
);
