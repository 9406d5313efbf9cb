// A user's plain Node CommonJS script: 20 Adam steps of a 784-64-784 network on wasm.
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('@aekit/runtime-wasm');

initBackend({ backend: 'wasm' }).then((info) => {
  const x = tf.randomUniform([64, 784], 0, 1, 'float32', 1);
  const [w1, w2] = [
    tf.variable(tf.randomNormal([784, 64], 0, 0.05, 'float32', 2)),
    tf.variable(tf.randomNormal([64, 784], 0, 0.05, 'float32', 3)),
  ];
  const optimizer = tf.train.adam(1e-3);
  const losses = Array.from(
    { length: 20 },
    () =>
      optimizer
        .minimize(
          () => tf.losses.meanSquaredError(x, tf.matMul(tf.relu(tf.matMul(x, w1)), w2)),
          true,
        )
        .dataSync()[0],
  );
  console.log(JSON.stringify({ backend: info.backend, losses }));
});
