// On cpu in Node: the tfjs-node banner stays quiet, a real tfjs warning still prints.
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('@aekit/runtime-wasm');

initBackend({ backend: 'cpu' }).then(() => {
  const product = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
  tf.registerBackend('cpu', () => null); // tfjs warns: already registered
  console.log(JSON.stringify({ backend: tf.getBackend(), sum: tf.sum(product).dataSync()[0] }));
});
