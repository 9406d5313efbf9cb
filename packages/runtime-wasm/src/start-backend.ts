import {
  checkOneOf,
  checkOptionsObject,
  checkPositiveInteger,
  InvalidArgumentError,
} from '@aekit/core';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { env, findBackend, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { type BackendFacts, recordBackendFacts } from './backend-facts';
import { installBernoulliKernel } from './bernoulli-kernel';
import { installColumnSum } from './column-sum';
import { installConvKernels } from './conv-kernels';
import { installDenseKernel } from './dense-kernel';
import { installMaxPoolGrad } from './max-pool-grad';
import { installOptimizerStep } from './optimizer-step';
import { installSharedIdentity } from './shared-identity';
import { prepareSimdKernels, simdKernels } from './simd-kernels';
import { installTransposedMatMul } from './transposed-matmul';

/** The backends aekit starts. */
export type BackendName = 'wasm' | 'cpu';

/** Options shared by the Node and browser `initBackend`. */
export interface InitBackendOptions {
  /** Backend to start. Default `'wasm'`. */
  readonly backend?: BackendName;
  /**
   * Threads for WASM. Honoured in a cross-origin-isolated browser page; Node cannot start
   * WASM threads (tfjs turns them off there), so more than 1 in Node prints a warning and runs
   * on one thread. Default: what tfjs chooses (the number of cores, where threads work).
   */
  readonly threads?: number;
}

/** The keys of `InitBackendOptions`. */
const initBackendOptionNames = ['backend', 'threads'] as const;

/** Where each platform differs: WASM file locations and whether threads can start. */
export interface PlatformHooks {
  readonly platform: 'node' | 'browser';
  readonly threadsSupported: () => boolean;
  readonly logicalCores?: () => number;
  readonly beforeWasmStart?: () => void;
  /** The platform's options beyond `InitBackendOptions` (the browser's `wasmPaths`). */
  readonly platformOptions?: readonly string[];
}

let starting: Promise<void> = Promise.resolve();

/**
 * Starts `options.backend` and makes it the active one. Calls are serialised: concurrent calls
 * start one backend after the other, and each resolves once its own backend is active.
 */
export function startBackend(
  functionName: string,
  options: InitBackendOptions,
  hooks: PlatformHooks,
): Promise<void> {
  checkOptionsObject(functionName, 'options', options, [
    ...initBackendOptionNames,
    ...(hooks.platformOptions ?? []),
  ]);
  const backend = checkOneOf(functionName, 'backend', options.backend ?? 'wasm', ['wasm', 'cpu']);
  const threads =
    options.threads === undefined
      ? undefined
      : checkPositiveInteger(functionName, 'threads', options.threads);
  const run = async () => {
    installOptimizerStep(backend);
    installDenseKernel(backend);
    if (backend === 'wasm') {
      installTransposedMatMul('wasm');
      installSharedIdentity('wasm');
      installColumnSum('wasm');
      installMaxPoolGrad('wasm');
      installConvKernels('wasm');
      if (getBackend() !== 'wasm' && findBackend('wasm') === null) {
        hooks.beforeWasmStart?.();
        if (threads !== undefined) {
          if (threads > 1 && !hooks.threadsSupported()) {
            console.warn(
              `${functionName}: WASM threads are not available on this platform (${hooks.platform}); running on 1 thread instead of ${threads}.`,
            );
          } else {
            setThreadsCount(threads);
          }
        }
      }
    }
    const started = await setBackend(backend);
    if (!started) {
      throw new InvalidArgumentError({
        functionName,
        argument: 'backend',
        rule: 'a backend that starts on this platform',
        value: backend,
        hint: 'See the warnings above for why it failed to start.',
      });
    }
    await ready();
    if (backend === 'wasm') {
      await prepareSimdKernels(findBackend('wasm'));
      // Where the compiled kernels cannot load (no WebAssembly SIMD), tfjs's element-wise
      // kernels compute the Bernoulli log-likelihood faster than a JavaScript loop would.
      if (simdKernels(findBackend('wasm')) !== null) installBernoulliKernel('wasm');
    }
    quietNodeBanner(backend);
    const facts = await readFacts(backend);
    recordBackendFacts(backend, facts);
    if (
      backend === 'wasm' &&
      threads !== undefined &&
      threads > facts.threads &&
      hooks.threadsSupported()
    ) {
      // tfjs's WASM backend caps its thread pool at half the logical cores (at least 1, at most 8).
      console.warn(
        `${functionName}: the WASM backend runs on ${facts.threads} thread${facts.threads === 1 ? '' : 's'} instead of ${threads}: tfjs caps threads at half the logical cores (${hooks.logicalCores?.() ?? 'unknown'}).`,
      );
    }
  };
  const next = starting.then(run, run);
  starting = next.catch(() => undefined);
  return next;
}

/**
 * The cpu backend prints a banner recommending tfjs-node on its first tensor in Node. aekit
 * runs on WASM by design, so the banner is noise; it is switched off on that one backend
 * instance. Every other tfjs warning still prints.
 */
function quietNodeBanner(backend: BackendName): void {
  if (backend !== 'cpu') return;
  const instance = findBackend('cpu') as { firstUse?: unknown } | null;
  if (instance !== null && typeof instance.firstUse === 'boolean') instance.firstUse = false;
}

async function readFacts(backend: BackendName): Promise<BackendFacts> {
  if (backend !== 'wasm') return { simd: null, threads: 1 };
  const simd = Boolean(await env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multithreaded = Boolean(await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { simd, threads: multithreaded ? Math.max(1, getThreadsCount()) : 1 };
}
