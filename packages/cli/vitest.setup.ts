import { initBackend } from '@aekit/runtime-wasm';
import { setBackendActivator } from '@aekit/test-utils';

// Suites run on exactly what users get: the runtime's backend start-up.
setBackendActivator(async (backend) => {
  await initBackend({ backend });
});
