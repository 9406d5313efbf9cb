// Node cannot start WASM threads: asking for two warns once and runs on one.
const { initBackend } = require('@aekit/runtime-wasm');

initBackend({ backend: 'wasm', threads: 2 }).then((info) => {
  console.log(JSON.stringify({ backend: info.backend, threads: info.threads }));
});
