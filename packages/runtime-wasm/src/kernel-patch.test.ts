import {
  getKernel,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { installKernelPatch, processState } from './kernel-patch';

// A kernel of its own on a made-up backend name, so the patch touches nothing tfjs runs.
const backendName = 'aekit-kernel-patch-test';
const kernelName = 'AekitKernelPatchTest';
const key = '@aekit/runtime-wasm.kernel-patch-test';

const result = (name: string): TensorInfo => ({ dataId: { name }, shape: [], dtype: 'float32' });
const call = (input: string) =>
  (
    getKernel(kernelName, backendName)!.kernelFunc({
      inputs: {},
      backend: {} as never,
      attrs: { input },
    }) as TensorInfo
  ).dataId as { name: string };

const stock: KernelFunc = ({ attrs }) => result(`stock ${String(attrs?.input)}`);

describe('installKernelPatch', () => {
  afterEach(() => {
    if (getKernel(kernelName, backendName) !== undefined) unregisterKernel(kernelName, backendName);
  });

  it('puts ours in place, hands calls to the stock kernel while off, and installs once', () => {
    registerKernel({ kernelName, backendName, kernelFunc: stock });
    const switchState = { enabled: true };
    let created = 0;
    const patch = {
      kernelName,
      key,
      enabled: () => switchState.enabled,
      create: (original: KernelFunc): KernelFunc => {
        created += 1;
        // Ours handles 'a' and gives everything else to the kernel it replaced.
        return (args) =>
          args.attrs?.input === 'a' ? result('ours a') : (original(args) as TensorInfo);
      },
    };
    expect(installKernelPatch(backendName, patch)).toBe(true);
    expect(call('a').name).toBe('ours a');
    expect(call('b').name).toBe('stock b');
    switchState.enabled = false;
    expect(call('a').name).toBe('stock a');
    switchState.enabled = true;
    // A second install (here, or from another copy of the package) keeps the one wrapper.
    expect(installKernelPatch(backendName, patch)).toBe(true);
    expect(created).toBe(1);
    expect(call('a').name).toBe('ours a');
  });

  it('leaves the stock kernel when ours cannot be made, and a missing kernel alone', () => {
    const patch = { kernelName, key, create: () => undefined };
    expect(installKernelPatch(backendName, patch)).toBe(false);
    expect(getKernel(kernelName, backendName)).toBeUndefined();
    registerKernel({ kernelName, backendName, kernelFunc: stock });
    expect(installKernelPatch(backendName, patch)).toBe(false);
    expect(getKernel(kernelName, backendName)!.kernelFunc).toBe(stock);
  });
});

describe('processState', () => {
  it('returns the object already on globalThis, filling the fields it lacks', () => {
    const stateKey = '@aekit/runtime-wasm.process-state-test';
    const first = processState(stateKey, { enabled: true });
    first.enabled = false;
    const second = processState(stateKey, { enabled: true, calls: 0 });
    expect(second).toBe(first);
    expect(second).toEqual({ enabled: false, calls: 0 });
  });
});
