import { DataNotFoundError, type Dataset, loadFashionMnist, loadMnist } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import {
  setSharedIdentityPatch,
  setSimdKernels,
  setTransposedMatMulPatch,
} from '@aekit/runtime-wasm/internal';
import { fit } from '@aekit/train';
import { createVae, type Vae } from '@aekit/vae';
import * as tf from '@tensorflow/tfjs-core';
import { type Spread, spread } from './measure';
import {
  type BlasInfo,
  blasName,
  describeBlas,
  detectBlas,
  fastestAgreeing,
  findPyTorch,
  lossesAgree,
  lossTolerance,
  noRatioReason,
  PyTorchContender,
  pyTorchSettings,
} from './pytorch';
import { profileTrainingStep, type StepProfile } from './step-profile';
import { StockTfjsVae } from './stock-vae';

/** A contender measured in timed windows: each window reports samples and seconds. */
export interface WindowedContender {
  /** Makes the contender ready (backend active, model built) and warms it up. */
  prepare(): Promise<void>;
  /** Runs `steps` units of work (training steps or encodings); resolves with the seconds taken. */
  run(steps: number): Promise<number>;
  /** Samples per unit of work (the batch size). */
  readonly samplesPerStep: number;
  dispose(): Promise<void>;
}

export interface ContenderTiming {
  /** Samples per second of each window, in the order they ran. */
  readonly windows: readonly number[];
  readonly samplesPerSecond: Spread;
  readonly stepsPerWindow: number;
}

/**
 * Times `contenders` against each other in rounds: after a warm-up that also sizes each
 * contender's window to about `windowSeconds`, every round runs one window of each contender,
 * in an order that rotates from round to round, so drift of the machine falls on all alike.
 */
export async function timeWindows(
  contenders: Readonly<Record<string, WindowedContender>>,
  options: { windows: number; windowSeconds: number; maxSteps?: number },
): Promise<Record<string, ContenderTiming>> {
  const names = Object.keys(contenders);
  const stepsOf: Record<string, number> = {};
  for (const name of names) {
    const contender = contenders[name]!;
    await contender.prepare();
    await contender.run(1);
    const probe = Math.max(1, Math.min(3, options.maxSteps ?? 3));
    const seconds = await contender.run(probe);
    stepsOf[name] = Math.max(
      1,
      Math.min(options.maxSteps ?? 10_000, Math.round((options.windowSeconds * probe) / seconds)),
    );
  }
  const windows: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < options.windows; round += 1) {
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(round + offset) % names.length]!;
      const contender = contenders[name]!;
      await contender.prepare();
      const steps = stepsOf[name]!;
      const seconds = await contender.run(steps);
      windows[name]!.push((steps * contender.samplesPerStep) / seconds);
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        windows: windows[name]!,
        samplesPerSecond: spread(windows[name]!),
        stepsPerWindow: stepsOf[name]!,
      },
    ]),
  );
}

/** Turns aekit's kernel patches on (aekit as users get it) or off (stock tfjs kernels). */
function setAekitPatches(enabled: boolean): void {
  setTransposedMatMulPatch(enabled);
  setSharedIdentityPatch(enabled);
  setSimdKernels(enabled);
}

export interface ModelShape {
  readonly hidden: number;
  readonly batchSize: number;
}

/**
 * aekit's VAE trained with `fit` (Adam 1e-3) on `backend`, windows of whole batches; with
 * `workers` > 1, data-parallel on worker threads; with `simdKernels: false`, without aekit's
 * compiled WASM kernels (the products then run on XNNPACK, as before they existed). A window is
 * the epoch loop of one `fit` call (`history.samplesPerSecond`: without fit's set-up and the
 * workers' start).
 */
export function aekitTraining(
  backend: 'wasm' | 'cpu',
  data: Dataset,
  shape: ModelShape,
  options: { readonly workers?: number; readonly simdKernels?: boolean } = {},
): WindowedContender & { readonly vae: () => Vae } {
  const { workers = 1, simdKernels = true } = options;
  let vae: Vae | undefined;
  let optimizer: tf.Optimizer | undefined;
  let window = 0;
  return {
    samplesPerStep: shape.batchSize,
    vae: () => vae!,
    async prepare() {
      await initBackend({ backend });
      setAekitPatches(true);
      vae ??= createVae({ inputDim: data.dim, latentDim: 20, hiddenDims: [shape.hidden], seed: 1 });
      optimizer ??= tf.train.adam(1e-3);
    },
    async run(steps) {
      window += 1;
      const subset = data.shuffle(window).take(steps * shape.batchSize);
      setSimdKernels(simdKernels);
      try {
        const history = await fit(vae!, subset, {
          epochs: 1,
          batchSize: shape.batchSize,
          optimizer: optimizer!,
          seed: window,
          ...(workers > 1 ? { parallel: { workers } } : {}),
        });
        return subset.size / history.samplesPerSecond[0]!;
      } finally {
        setSimdKernels(true);
      }
    },
    async dispose() {
      vae?.dispose();
      optimizer?.dispose();
    },
  };
}

/** The same model written in plain tfjs (StockTfjsVae), stock kernels, on `wasm`. */
export function stockTraining(
  data: Dataset,
  shape: ModelShape,
): WindowedContender & { readonly vae: () => StockTfjsVae } {
  let vae: StockTfjsVae | undefined;
  let window = 0;
  return {
    samplesPerStep: shape.batchSize,
    vae: () => vae!,
    async prepare() {
      await initBackend({ backend: 'wasm' });
      vae ??= new StockTfjsVae(data.dim, shape.hidden, 20);
    },
    async run(steps) {
      window += 1;
      const subset = data.shuffle(1000 + window).take(steps * shape.batchSize);
      setAekitPatches(false);
      try {
        const start = performance.now();
        for (const batch of subset.batches(shape.batchSize)) {
          await vae!.step(batch.x);
          batch.x.dispose();
          batch.labels?.dispose();
        }
        return (performance.now() - start) / 1000;
      } finally {
        setAekitPatches(true);
      }
    },
    async dispose() {
      vae?.dispose();
    },
  };
}

/** The PyTorch reference in its own process, trained `steps` batches per window. */
export function pytorchTraining(contender: PyTorchContender, shape: ModelShape): WindowedContender {
  let ready = false;
  return {
    samplesPerStep: shape.batchSize,
    async prepare() {
      if (!ready) await contender.setup(shape.hidden, shape.batchSize);
      ready = true;
    },
    run: (steps) => contender.train(steps),
    async dispose() {},
  };
}

/** The backend column of a PyTorch row: what its products run on. */
function pyTorchBackend(blas: BlasInfo | undefined): string {
  if (blas === undefined) return 'PyTorch (CPU)';
  return `PyTorch CPU, ${blasName(blas)}${blas.corename === null ? '' : ` ${blas.corename}`}`;
}

/** Encodings (posterior means) of a fixed batch, read back to the CPU each time. */
function encoding(
  batchSize: number,
  prepare: () => Promise<void>,
  encodeOnce: (x: tf.Tensor2D) => tf.Tensor,
  data: Dataset,
  patches: boolean,
): WindowedContender {
  let x: tf.Tensor2D | undefined;
  return {
    samplesPerStep: batchSize,
    async prepare() {
      await prepare();
      if (x === undefined) {
        const [batch] = data.take(batchSize).batches(batchSize);
        x = batch!.x;
      }
    },
    async run(steps) {
      setAekitPatches(patches);
      try {
        const start = performance.now();
        for (let step = 0; step < steps; step += 1) {
          const z = encodeOnce(x!);
          await z.data();
          z.dispose();
        }
        return (performance.now() - start) / 1000;
      } finally {
        setAekitPatches(true);
      }
    },
    async dispose() {
      x?.dispose();
    },
  };
}

/** One row of the training or encoding table. */
export interface ThroughputRow {
  readonly contender: string;
  readonly backend: string;
  /** Threads (or worker threads) it computes on. */
  readonly threads: number;
  readonly samplesPerSecond: Spread;
  readonly windows: readonly number[];
  /**
   * Median samples/s over the best PyTorch setting's; null without PyTorch, or where it runs on
   * a reference BLAS (`pytorch.noRatio` says why).
   */
  readonly ratioToPyTorch: number | null;
}

export interface ScalingPoint {
  readonly hidden: number;
  readonly batchSize: number;
  /** Median samples/s by contender name. */
  readonly samplesPerSecond: Readonly<Record<string, number>>;
}

export type VaeTrainingResult =
  | {
      readonly available: true;
      readonly dataset: string;
      readonly pytorch:
        | {
            readonly available: true;
            readonly torch: string;
            /** The fastest setting whose losses agree (null if none does). */
            readonly best: string | null;
            readonly bestThreads: number;
            readonly bestUnsetOverrides: boolean;
            /** What the best setting (else the first) computes on. */
            readonly blas: BlasInfo;
            readonly blasDescription: string;
            /** Why no ratio is shown against PyTorch, or null where ratios are shown. */
            readonly noRatio: string | null;
            /** The loss check: each setting's fixed-seed losses against the first setting's. */
            readonly lossCheck: {
              readonly steps: number;
              readonly relativeTolerance: number;
              readonly reference: string;
            };
            readonly settings: readonly PyTorchSettingReport[];
          }
        | { readonly available: false; readonly reason: string };
      readonly training: readonly ThroughputRow[];
      readonly encoding: readonly ThroughputRow[];
      readonly scaling: {
        readonly hidden: readonly ScalingPoint[];
        readonly batch: readonly ScalingPoint[];
      };
      /** Where one training step's time goes, per kernel. */
      readonly profile: readonly StepProfile[];
    }
  | { readonly available: false; readonly reason: string };

/** One PyTorch setting tried: what it ran on, whether its losses agree, how fast it was. */
export interface PyTorchSettingReport {
  readonly name: string;
  readonly threads: number;
  readonly unsetOverrides: boolean;
  /** The OpenBLAS overrides the process saw. */
  readonly overrides: Readonly<Record<string, string>>;
  readonly blas: BlasInfo;
  readonly blasDescription: string;
  readonly lossesAgree: boolean;
  readonly maxRelativeLossDifference: number;
  /** Median training samples/s; null for a setting not timed because its losses disagree. */
  readonly samplesPerSecond: number | null;
}

interface Options {
  readonly quick: boolean;
}

/** Steps of the fixed-seed run whose losses every PyTorch setting must reproduce. */
const lossCheckSteps = 20;

/** The VAE benchmarks' training data: Fashion-MNIST where installed, else the embedded MNIST digits, in [0, 1]. */
export async function trainingData(): Promise<{ data: Dataset; name: string }> {
  try {
    const { train } = await loadFashionMnist();
    return { data: train.normalize(), name: 'Fashion-MNIST (official, 60,000 training images)' };
  } catch (error) {
    if (!DataNotFoundError.isInstance(error)) throw error;
    const { train } = await loadMnist();
    return {
      data: train.normalize(),
      name: `MNIST digits (${train.size}; Fashion-MNIST not installed)`,
    };
  }
}

/**
 * Rows 1–4 and 6 of the benchmark: VAE training throughput of aekit (wasm, cpu), stock tfjs
 * and PyTorch at its thread settings, interleaved in one run; encoding throughput at batch
 * 1,000; and how training throughput scales with hidden width and batch size.
 */
export async function benchVaeTraining(options: Options): Promise<VaeTrainingResult> {
  const { quick } = options;
  const { data, name: dataset } = await trainingData();
  const torch = await findPyTorch();
  const pytorch: PyTorchContender[] = [];
  try {
    if (torch.available) {
      for (const setting of pyTorchSettings(process.env)) {
        pytorch.push(await PyTorchContender.start(torch.python, setting));
      }
    }
    // The same fixed-seed steps in every setting, against the first (1 thread, the machine's
    // environment as it is): a setting whose losses differ is neither timed nor chosen.
    const losses: number[][] = [];
    for (const contender of pytorch) {
      losses.push(await contender.check(400, 128, lossCheckSteps));
    }
    const agreement = losses.map((setting) => lossesAgree(losses[0]!, setting));
    const agreeing = pytorch.filter((_, index) => agreement[index]!.agree);
    const shape = { hidden: 400, batchSize: 128 };
    const aekitWasm = aekitTraining('wasm', data, shape);
    const stock = stockTraining(data, shape);
    const contenders: Record<string, WindowedContender> = {
      'aekit wasm': aekitWasm,
      'aekit wasm, 2 workers': aekitTraining('wasm', data, shape, { workers: 2 }),
      'aekit wasm, XNNPACK products': aekitTraining('wasm', data, shape, { simdKernels: false }),
      'tfjs wasm (stock)': stock,
      'aekit cpu': aekitTraining('cpu', data, shape),
    };
    for (const contender of agreeing)
      contenders[contender.name] = pytorchTraining(contender, shape);
    const timings = await timeWindows(contenders, {
      windows: quick ? 1 : 5,
      windowSeconds: quick ? 0.05 : 1.5,
      ...(quick ? { maxSteps: 2 } : {}),
    });
    const settings = pytorch.map((contender, index): PyTorchSettingReport => {
      const blas = detectBlas(contender.runtime);
      return {
        name: contender.name,
        threads: contender.threads,
        unsetOverrides: contender.setting.unsetOverrides,
        overrides: contender.runtime.overrides,
        blas,
        blasDescription: describeBlas(blas),
        lossesAgree: agreement[index]!.agree,
        maxRelativeLossDifference: agreement[index]!.maxRelativeDifference,
        samplesPerSecond: timings[contender.name]?.samplesPerSecond.median ?? null,
      };
    });
    const best = fastestAgreeing(
      settings.map((setting, index) => ({
        index,
        agree: setting.lossesAgree,
        median: setting.samplesPerSecond ?? 0,
      })),
    );
    const bestContender = best === undefined ? undefined : pytorch[best.index];
    const bestSetting = settings[best?.index ?? 0];
    const noRatio = bestSetting === undefined ? null : noRatioReason(bestSetting.blas);
    const reference =
      bestContender === undefined || noRatio !== null
        ? null
        : timings[bestContender.name]!.samplesPerSecond.median;
    const blasOf = (name: string) => settings.find((setting) => setting.name === name)?.blas;
    const rowsOf = (results: Record<string, ContenderTiming>, reference: number | null) =>
      Object.entries(results).map(
        ([contender, timing]): ThroughputRow => ({
          contender,
          backend: contender.startsWith('PyTorch')
            ? pyTorchBackend(blasOf(contender))
            : contender.includes('cpu')
              ? 'cpu'
              : 'wasm',
          threads: Number(/(\d+) (thread|worker)/.exec(contender)?.[1] ?? 1),
          samplesPerSecond: timing.samplesPerSecond,
          windows: timing.windows,
          ratioToPyTorch: reference === null ? null : timing.samplesPerSecond.median / reference,
        }),
      );
    const training = rowsOf(timings, reference);

    // Encoding: the trained models above, batch 1,000, read back each time.
    const encodeBatch = 1000;
    const encoders: Record<string, WindowedContender> = {
      'aekit wasm': encoding(
        encodeBatch,
        async () => {
          await initBackend({ backend: 'wasm' });
        },
        (x) => aekitWasm.vae().encode(x),
        data,
        true,
      ),
      'tfjs wasm (stock)': encoding(
        encodeBatch,
        async () => {
          await initBackend({ backend: 'wasm' });
        },
        (x) => stock.vae().encode(x),
        data,
        false,
      ),
    };
    for (const contender of agreeing) {
      encoders[contender.name] = {
        samplesPerStep: encodeBatch,
        async prepare() {},
        run: (steps) => contender.encode(encodeBatch, steps),
        async dispose() {},
      };
    }
    const encodeTimings = await timeWindows(encoders, {
      windows: quick ? 1 : 5,
      windowSeconds: quick ? 0.05 : 0.5,
      ...(quick ? { maxSteps: 2 } : {}),
    });
    const encodeNames = Object.keys(encodeTimings).filter((key) => key.startsWith('PyTorch'));
    const encodeReference =
      encodeNames.length === 0 || noRatio !== null
        ? null
        : Math.max(...encodeNames.map((key) => encodeTimings[key]!.samplesPerSecond.median));
    const encodingRows = rowsOf(encodeTimings, encodeReference);
    for (const contender of Object.values(contenders)) await contender.dispose();
    for (const contender of Object.values(encoders)) await contender.dispose();

    const profile = await profileTrainingStep(data, {
      steps: quick ? 2 : 20,
      repeats: quick ? 1 : 3,
    });

    // Scaling: aekit wasm and the best PyTorch setting, fresh models per point; along the batch
    // sizes also aekit on two workers, whose fixed costs per step (weights out, gradients back,
    // one update) weigh less as batches grow.
    const scalingPoint = async (
      hidden: number,
      batchSize: number,
      withWorkers = false,
    ): Promise<ScalingPoint> => {
      const pointShape = { hidden, batchSize };
      const pointContenders: Record<string, WindowedContender> = {
        'aekit wasm': aekitTraining('wasm', data, pointShape),
        ...(withWorkers
          ? { 'aekit wasm, 2 workers': aekitTraining('wasm', data, pointShape, { workers: 2 }) }
          : {}),
      };
      if (bestContender !== undefined) {
        pointContenders[bestContender.name] = pytorchTraining(bestContender, pointShape);
      }
      const pointTimings = await timeWindows(pointContenders, {
        windows: quick ? 1 : 4,
        windowSeconds: quick ? 0.02 : 0.8,
        ...(quick ? { maxSteps: 1 } : {}),
      });
      for (const contender of Object.values(pointContenders)) await contender.dispose();
      return {
        hidden,
        batchSize,
        samplesPerSecond: Object.fromEntries(
          Object.entries(pointTimings).map(([key, timing]) => [
            key,
            timing.samplesPerSecond.median,
          ]),
        ),
      };
    };
    // A quick run checks the sweeps work on their two smallest points.
    const hiddenWidths = quick ? [100, 200] : [100, 200, 400, 800, 1600];
    const batchSizes = quick ? [32, 64] : [32, 64, 128, 256, 512];
    const hiddenPoints: ScalingPoint[] = [];
    for (const hidden of hiddenWidths) hiddenPoints.push(await scalingPoint(hidden, 128));
    const batchPoints: ScalingPoint[] = [];
    for (const batchSize of batchSizes) batchPoints.push(await scalingPoint(400, batchSize, true));

    return {
      available: true,
      dataset,
      pytorch:
        torch.available && bestSetting !== undefined
          ? {
              available: true,
              torch: torch.torch,
              best: bestContender?.name ?? null,
              bestThreads: bestContender?.threads ?? 1,
              bestUnsetOverrides: bestContender?.setting.unsetOverrides ?? false,
              blas: bestSetting.blas,
              blasDescription: bestSetting.blasDescription,
              noRatio,
              lossCheck: {
                steps: lossCheckSteps,
                relativeTolerance: lossTolerance,
                reference: settings[0]!.name,
              },
              settings,
            }
          : {
              available: false,
              reason: torch.available ? 'no PyTorch setting started' : torch.reason,
            },
      training,
      encoding: encodingRows,
      scaling: { hidden: hiddenPoints, batch: batchPoints },
      profile,
    };
  } finally {
    for (const contender of pytorch) await contender.close();
  }
}
