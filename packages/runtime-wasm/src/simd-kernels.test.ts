import { afterEach, describe, expect, it } from 'vitest';
import { initBackend, runtimeInfo } from './index';
import { type AekitKernelExports, kernelsModuleBytes, setSimdKernels } from './simd-kernels';

describe('aekit compiled kernels module', () => {
  afterEach(() => setSimdKernels(true));

  // The backend's memory is shared in a cross-origin-isolated page (threaded binary): the module
  // must import it either way.
  for (const shared of [false, true]) {
    it(`runs on ${shared ? 'a shared' : 'an unshared'} memory`, async () => {
      const memory = new WebAssembly.Memory(
        shared ? { initial: 2, maximum: 16, shared: true } : { initial: 2 },
      );
      const bytes = kernelsModuleBytes(shared);
      expect(WebAssembly.validate(bytes)).toBe(true);
      const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
      const kernels = instance.exports as unknown as AekitKernelExports;
      // A 3×5 matrix at byte 1024, its column sums written at byte 4096.
      const values = new Float32Array(memory.buffer, 1024, 15);
      values.set([1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500]);
      kernels.column_sum(1024, 4096, 3, 5);
      expect(Array.from(new Float32Array(memory.buffer, 4096, 5))).toEqual([
        111, 222, 333, 444, 555,
      ]);
      // 2×3 times 3×2 through gemm with bias, scratch at byte 8192.
      new Float32Array(memory.buffer, 2048, 6).set([1, 2, 3, 4, 5, 6]);
      new Float32Array(memory.buffer, 2560, 6).set([1, 0, 0, 1, 1, 1]);
      new Float32Array(memory.buffer, 3072, 2).set([0.5, -0.5]);
      kernels.gemm(2048, 2560, 3072, 6144, 2, 3, 2, 4, 8192);
      expect(Array.from(new Float32Array(memory.buffer, 6144, 4))).toEqual([4.5, 4.5, 10.5, 10.5]);
    });
  }

  it('is reported by runtimeInfo on wasm, and not when switched off or on cpu', async () => {
    await initBackend({ backend: 'wasm' });
    expect(runtimeInfo().simdKernels).toBe(true);
    setSimdKernels(false);
    expect(runtimeInfo().simdKernels).toBe(false);
    setSimdKernels(true);
    await initBackend({ backend: 'cpu' });
    expect(runtimeInfo().simdKernels).toBe(false);
    await initBackend({ backend: 'wasm' });
  });
});
