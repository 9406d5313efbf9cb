import { engine, findBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// Node loads tfjs-core's CommonJS bundle, which registers no gradients; Vitest transforms
// this ESM module and so can load it. Packages above @aekit/runtime-wasm use its
// initBackend instead, through setBackendActivator.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe } from 'vitest';

/** The backends every suite runs on. */
export type TestBackend = 'cpu' | 'wasm';

/** Makes `backend` the active tfjs backend, with gradients available. */
export type BackendActivator = (backend: TestBackend) => Promise<void>;

async function activateStock(backend: TestBackend): Promise<void> {
  if (!(await setBackend(backend)))
    throw new Error(`describeBackends: backend '${backend}' failed to start.`);
  await ready();
  // The cpu backend greets Node users with a banner on first use; keep test output clean.
  const instance = findBackend(backend) as { firstUse?: boolean } | null;
  if (instance !== null && 'firstUse' in instance) instance.firstUse = false;
}

let activator: BackendActivator = activateStock;

/**
 * Replaces how suites start a backend, e.g. with `@aekit/runtime-wasm`'s `initBackend` in a
 * Vitest setup file, so the suites run on exactly what users get.
 */
export function setBackendActivator(next: BackendActivator): void {
  activator = next;
}

/**
 * The backends selected by the `AEKIT_BACKENDS` environment variable (comma-separated, e.g.
 * `cpu`), or all of `backends` when it is unset.
 */
export function selectedBackends(backends: readonly TestBackend[]): TestBackend[] {
  const filter = process.env.AEKIT_BACKENDS?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (filter === undefined || filter.length === 0) return [...backends];
  return backends.filter((backend) => filter.includes(backend));
}

/**
 * Declares `suite` once per backend, as `"<name> [<backend>]"`, with that backend active for
 * its tests. Suites run one after another in the file's order, so each sees its own backend.
 */
export function describeBackends(
  backends: readonly TestBackend[],
  name: string,
  suite: (backend: TestBackend) => void,
): void {
  for (const backend of selectedBackends(backends)) {
    describe(`${name} [${backend}]`, () => {
      beforeAll(async () => {
        await activator(backend);
        if (engine().backendName !== backend) {
          throw new Error(
            `describeBackends: expected backend '${backend}', got '${engine().backendName}'.`,
          );
        }
      });
      suite(backend);
    });
  }
}
