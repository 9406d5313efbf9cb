import { initBackend } from '@aekit/runtime-wasm';
import { setBackendActivator } from '@aekit/test-utils';

// Suites run on exactly what users get: tfjs started by @aekit/runtime-wasm.
setBackendActivator(async (backend) => {
  await initBackend({ backend });
});
