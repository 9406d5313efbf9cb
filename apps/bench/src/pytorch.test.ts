import { describe, expect, it } from 'vitest';
import {
  buildBlasInfo,
  describeBlas,
  detectBlas,
  fastestAgreeing,
  findPyTorch,
  lossesAgree,
  mappedPaths,
  noRatioReason,
  pyTorchSettings,
  settingEnvironment,
  settingName,
  type TorchRuntime,
} from './pytorch';

// Lines of /proc/<pid>/maps and torch.__config__ of Debian's python3-torch 1.13 on this machine.
const dir = '/usr/lib/x86_64-linux-gnu';
const mapsOf = (path: string, inode: number) => [
  `7f9fcbf18000-7f9fcc03d000 r--p 00000000 fe:00 ${inode}                    ${path}`,
  `7f9fcc03d000-7f9fcc045000 r-xp 00125000 fe:00 ${inode}                    ${path}`,
  `7f9fce1d6000-7f9fce1f3000 rw-p 022bd000 fe:00 ${inode}                    ${path}`,
];
const openblasCore = `${dir}/openblas-pthread/libopenblasp-r0.3.21.so`;
const openblasLapack = `${dir}/openblas-pthread/liblapack.so.3`;
const openblasBlas = `${dir}/openblas-pthread/libblas.so.3`;
const referenceBlas = `${dir}/blas/libblas.so.3.11.0`;
const config =
  'PyTorch built with:\n  - GCC 12.2\n  - LAPACK is enabled (usually provided by MKL)\n' +
  '  - Build settings: BLAS_INFO=generic, BUILD_TYPE=RelWithDebInfo, CXX_COMPILER=/usr/bin/c++, ' +
  'LAPACK_INFO=generic, PERF_WITH_AVX=1, TORCH_VERSION=1.13.0, USE_MKLDNN=ON, \n';
const openblasEntry = (path: string, corename: string) => ({
  path,
  config: `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY ${corename} MAX_THREADS=64`,
  corename,
  threads: 1,
});
const runtime = (overrides: Partial<TorchRuntime>): TorchRuntime => ({
  torch: '1.13.0a0',
  threads: 1,
  config,
  maps: [],
  openblas: [],
  overrides: {},
  ...overrides,
});

/** libblas.so.3 → OpenBLAS (libopenblas0-pthread installed), OPENBLAS_CORETYPE=Haswell. */
const openblasProcess = runtime({
  maps: [
    ...mapsOf(openblasCore, 5595312),
    ...mapsOf(openblasLapack, 5595311),
    ...mapsOf(openblasBlas, 5595310),
  ],
  openblas: [openblasCore, openblasLapack, openblasBlas].map((path) =>
    openblasEntry(path, 'Haswell'),
  ),
  overrides: { OPENBLAS_CORETYPE: 'Haswell' },
});

/**
 * libblas.so.3 → the reference BLAS (libblas3) while liblapack.so.3 still → OpenBLAS: OpenBLAS
 * is mapped and answers, but torch's sgemm runs in the reference library (1,084 samples/s here).
 */
const referenceProcess = runtime({
  maps: [
    ...mapsOf(openblasCore, 5595312),
    ...mapsOf(openblasLapack, 5595311),
    ...mapsOf(referenceBlas, 5595860),
  ],
  openblas: [openblasCore, openblasLapack].map((path) => openblasEntry(path, 'Zen')),
});

describe('mappedPaths', () => {
  it('gives each mapped file once, in order, and skips anonymous mappings', () => {
    expect(
      mappedPaths([
        ...mapsOf(openblasCore, 1),
        '7ffd5a1e2000-7ffd5a203000 rw-p 00000000 00:00 0                          [stack]',
        '7f9fd2000000-7f9fd2023000 rw-p 00000000 00:00 0 ',
        ...mapsOf(referenceBlas, 2),
      ]),
    ).toEqual([openblasCore, referenceBlas]);
  });
});

describe('detectBlas', () => {
  it("reads torch's BLAS_INFO, not LAPACK_INFO", () => {
    expect(buildBlasInfo(config)).toBe('generic');
    expect(buildBlasInfo('Build settings: LAPACK_INFO=mkl, BLAS_INFO=open, ')).toBe('open');
    expect(buildBlasInfo('no build settings')).toBeNull();
  });

  it('names OpenBLAS, its version and kernels where libblas.so.3 is OpenBLAS', () => {
    const blas = detectBlas(openblasProcess);
    expect(blas).toEqual({
      kind: 'OpenBLAS',
      optimised: true,
      library: openblasBlas,
      version: 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64',
      corename: 'Haswell',
      threads: 1,
      blasInfo: 'generic',
    });
    expect(noRatioReason(blas)).toBeNull();
    expect(describeBlas(blas)).toBe(
      `OpenBLAS 0.3.21 (Haswell kernels, 1 thread), ${openblasBlas}; torch BLAS_INFO=generic`,
    );
  });

  it('names the reference BLAS even where an OpenBLAS LAPACK is mapped too, and gives no ratio', () => {
    const blas = detectBlas(referenceProcess);
    expect(blas).toMatchObject({
      kind: 'reference BLAS',
      optimised: false,
      library: referenceBlas,
      corename: null,
    });
    expect(noRatioReason(blas)).toMatch(
      /reference BLAS .*libblas\.so\.3\.11\.0.*libopenblas0-pthread/,
    );
  });

  it('takes BLAS_INFO where no BLAS is mapped: MKL linked in, or generic with nothing optimised', () => {
    const mkl = detectBlas(runtime({ config: 'Build settings: BLAS_INFO=mkl, LAPACK_INFO=mkl, ' }));
    expect(mkl).toMatchObject({ kind: 'MKL', optimised: true, library: null });
    const bare = detectBlas(runtime({ maps: mapsOf(`${dir}/libgomp.so.1.0.0`, 7) }));
    expect(bare).toMatchObject({ kind: 'reference BLAS', optimised: false, library: null });
    expect(noRatioReason(bare)).toMatch(/BLAS_INFO=generic, no optimised BLAS loaded/);
  });

  it('knows BLIS by its Debian directory', () => {
    const blis = detectBlas(runtime({ maps: mapsOf(`${dir}/blis-openmp/libblas.so.3`, 9) }));
    expect(blis).toMatchObject({ kind: 'BLIS', optimised: true });
  });
});

describe('the choice of setting', () => {
  it('tries 1 and 2 threads, with and without the overrides only where the machine sets them', () => {
    expect(pyTorchSettings({ OPENBLAS_L2_SIZE: '1048576' }).map(settingName)).toEqual([
      'PyTorch 1 thread',
      'PyTorch 1 thread, OpenBLAS overrides unset',
      'PyTorch 2 threads',
      'PyTorch 2 threads, OpenBLAS overrides unset',
    ]);
    expect(pyTorchSettings({ PATH: '/usr/bin' }).map(settingName)).toEqual([
      'PyTorch 1 thread',
      'PyTorch 2 threads',
    ]);
  });

  it('unsets both overrides together, for that process only', () => {
    const environment = {
      OPENBLAS_CORETYPE: 'Haswell',
      OPENBLAS_L2_SIZE: '1048576',
      PATH: '/usr/bin',
    };
    expect(settingEnvironment({ threads: 1, unsetOverrides: true }, environment)).toEqual({
      PATH: '/usr/bin',
    });
    expect(settingEnvironment({ threads: 1, unsetOverrides: false }, environment)).toEqual(
      environment,
    );
    expect(environment.OPENBLAS_CORETYPE).toBe('Haswell');
  });

  it('accepts float32 rounding between settings and rejects a wrong or NaN loss', () => {
    // Losses (summed over 128 examples) of steps 1, 11 and 20 at 1 and 2 threads, measured here.
    const one = [70365.6328125, 54099.48828125, 47963.1328125];
    const two = [70365.640625, 54099.48828125, 47963.12890625];
    const check = lossesAgree(one, two);
    expect(check.agree).toBe(true);
    expect(check.maxRelativeDifference).toBeCloseTo(1.1e-7, 8);
    expect(lossesAgree(one, [70365.6328125, 54099.48828125, 47963.1328125 * 1.001]).agree).toBe(
      false,
    );
    expect(lossesAgree(one, [70365.6328125, Number.NaN, 47963.1328125]).agree).toBe(false);
    expect(lossesAgree(one, one.slice(0, 2)).agree).toBe(false);
  });

  it('takes the fastest setting whose losses agree, never a faster one that differs', () => {
    const settings = [
      { name: '1 thread', agree: true, median: 20_000 },
      { name: '1 thread, unset', agree: false, median: 28_000 },
      { name: '2 threads', agree: true, median: 21_000 },
    ];
    expect(fastestAgreeing(settings)?.name).toBe('2 threads');
    expect(fastestAgreeing(settings.map((setting) => ({ ...setting, agree: false })))).toBe(
      undefined,
    );
  });
});

describe('PyTorch on this machine', () => {
  it('runs on OpenBLAS where python3 imports torch (CI installs python3-torch and OpenBLAS)', {
    timeout: 60_000,
  }, async () => {
    const torch = await findPyTorch();
    if (process.env.CI === 'true' || torch.available) {
      expect(torch.available).toBe(true);
      if (!torch.available) return;
      const blas = detectBlas(torch.runtime);
      expect(blas.kind).toBe('OpenBLAS');
      expect(blas.library).toMatch(/openblas[^/]*\/libblas\.so/);
      expect(blas.corename).toMatch(/^\w+$/);
      expect(blas.threads).toBe(1);
    } else {
      expect(torch.reason).toMatch(/python3-torch libopenblas0-pthread/);
    }
  });
});
