import type { Dataset } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import { setSimdKernels } from '@aekit/runtime-wasm/internal';
import * as tf from '@tensorflow/tfjs-core';
import { convVaeLatent, createConvVae } from './conv-vae';
import type { Spread } from './measure';
import {
  type BlasInfo,
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
import { timeWindows, trainingData, type WindowedContender } from './vae-training';

/**
 * The convolution rows of `pnpm bench` (`--only conv`): each 3×3 layer of a convolutional VAE
 * on 28×28×1 images (conv-vae.ts), forward pass, input gradient and filter gradient, in GFLOP/s
 * against the compiled matrix product on the layer's im2col shape; and a whole training step of
 * that VAE in samples/s, aekit wasm against tfjs `cpu` and PyTorch.
 */

/** One 3×3 layer, `'same'` padding, as the network has it. */
export interface ConvLayer {
  readonly name: string;
  /** A transposed convolution (the decoder's way up). */
  readonly transposed: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly stride: number;
}

/** The layers of conv-vae.ts's network, in order. */
export const convVaeLayers: readonly ConvLayer[] = [
  {
    name: 'conv 1→32, 28→14',
    transposed: false,
    inChannels: 1,
    outChannels: 32,
    inSize: 28,
    outSize: 14,
    stride: 2,
  },
  {
    name: 'conv 32→64, 14→7',
    transposed: false,
    inChannels: 32,
    outChannels: 64,
    inSize: 14,
    outSize: 7,
    stride: 2,
  },
  {
    name: 'convT 64→64, 7→14',
    transposed: true,
    inChannels: 64,
    outChannels: 64,
    inSize: 7,
    outSize: 14,
    stride: 2,
  },
  {
    name: 'convT 64→32, 14→28',
    transposed: true,
    inChannels: 64,
    outChannels: 32,
    inSize: 14,
    outSize: 28,
    stride: 2,
  },
  {
    name: 'conv 32→1, 28→28',
    transposed: false,
    inChannels: 32,
    outChannels: 1,
    inSize: 28,
    outSize: 28,
    stride: 1,
  },
];

export const convPasses = ['forward', 'inputGradient', 'filterGradient'] as const;
export type ConvPass = (typeof convPasses)[number];

/**
 * A layer as the convolution it is or transposes: the `large` image (the convolution's input)
 * and the `small` one (its output). A transposed convolution's forward pass is that
 * convolution's input gradient, its input gradient that convolution's forward pass, and both
 * filter gradients are the same product.
 */
function geometry(layer: ConvLayer) {
  const [large, small] = layer.transposed
    ? [
        { size: layer.outSize, channels: layer.outChannels },
        { size: layer.inSize, channels: layer.inChannels },
      ]
    : [
        { size: layer.inSize, channels: layer.inChannels },
        { size: layer.outSize, channels: layer.outChannels },
      ];
  return { large, small };
}

/**
 * Floating-point operations of one pass at `batch`: 2·N·Ho·Wo·kh·kw·Cin·Cout, with Ho, Wo the
 * small side (the convolution's output, the transposed convolution's input), the same for all
 * three passes.
 */
export function convFlops(layer: ConvLayer, batch: number): number {
  const { large, small } = geometry(layer);
  return 2 * batch * small.size * small.size * 9 * large.channels * small.channels;
}

/** The im2col product of the layer: M = N·Ho·Wo, K = kh·kw·Cin, N = Cout (convolution sense). */
export function im2colShape(layer: ConvLayer, batch: number) {
  const { large, small } = geometry(layer);
  return { m: batch * small.size * small.size, k: 9 * large.channels, n: small.channels };
}

/** The kernel a pass runs on, in the convolution sense. */
type ConvKernel = 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter';

export function kernelOf(layer: ConvLayer, pass: ConvPass): ConvKernel {
  if (pass === 'filterGradient') return 'Conv2DBackpropFilter';
  return (pass === 'forward') !== layer.transposed ? 'Conv2D' : 'Conv2DBackpropInput';
}

/** The tensors of one pass on the active backend, and a call that runs it once. */
function passCall(layer: ConvLayer, pass: ConvPass, batch: number) {
  const { large, small } = geometry(layer);
  const { stride } = layer;
  const x = tf.randomNormal([batch, large.size, large.size, large.channels], 0, 1, 'float32', 1);
  const y = tf.randomNormal([batch, small.size, small.size, small.channels], 0, 1, 'float32', 2);
  const w = tf.randomNormal([3, 3, large.channels, small.channels], 0, 1, 'float32', 3);
  const kernel = kernelOf(layer, pass);
  const run: () => tf.Tensor =
    kernel === 'Conv2D'
      ? () => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 'same')
      : kernel === 'Conv2DBackpropInput'
        ? () =>
            tf.conv2dTranspose(
              y as tf.Tensor4D,
              w as tf.Tensor4D,
              x.shape as [number, number, number, number],
              stride,
              'same',
            )
        : () =>
            tf
              .engine()
              .runKernel(
                'Conv2DBackpropFilter',
                { x, dy: y },
                { strides: stride, pad: 'same', dataFormat: 'NHWC', filterShape: w.shape },
              ) as tf.Tensor;
  return {
    call: () => run().dispose(),
    dispose: () => tf.dispose([x, y, w]),
  };
}

/** A synchronous call timed in windows: `samplesPerStep` is GFLOP per call, so "samples/s" is GFLOP/s. */
function gflopContender(
  gflop: number,
  prepare: () => Promise<void>,
  call: () => void,
): WindowedContender {
  return {
    samplesPerStep: gflop,
    prepare,
    async run(steps) {
      const start = performance.now();
      for (let step = 0; step < steps; step += 1) call();
      return (performance.now() - start) / 1000;
    },
    async dispose() {},
  };
}

/** One pass of one layer: GFLOP/s (medians of timed windows) of every contender. */
export interface ConvPassRow {
  readonly layer: string;
  readonly pass: ConvPass;
  /** The kernel that runs it (convolution sense). */
  readonly kernel: ConvKernel;
  readonly batch: number;
  readonly gflop: number;
  readonly aekit: Spread;
  /** The stock wasm kernel (`setSimdKernels(false)`); null where the stock backend has none. */
  readonly stock: Spread | null;
  /** tfjs `cpu`, at `batch` (smaller: its filter gradient is very slow). */
  readonly cpu: { readonly batch: number; readonly gflops: Spread };
  /** The fastest PyTorch setting (median), or null without PyTorch. */
  readonly pytorch: { readonly setting: string; readonly gflops: Spread } | null;
  /** Every PyTorch setting timed (those whose losses agree), by name. */
  readonly pytorchSettings: Readonly<Record<string, Spread>>;
  /** The compiled matrix product alone, M×K by K×N (`im2colShape`). */
  readonly matMul: {
    readonly m: number;
    readonly k: number;
    readonly n: number;
    readonly gflops: Spread;
  };
  /** aekit's median over the product's median. */
  readonly ratioToMatMul: number;
  /** Whether `ratioToMatMul` ≥ `convKernelTarget`. */
  readonly meetsTarget: boolean;
}

/** The target for each kernel: ≥ 60% of the compiled product's GFLOP/s. */
export const convKernelTarget = 0.6;
/** The target for the training step: ≥ 0.5× PyTorch's best one-thread samples/s. */
export const convTrainingTarget = 0.5;

export interface ConvTrainingRow {
  readonly contender: string;
  readonly backend: string;
  readonly threads: number;
  readonly batch: number;
  readonly samplesPerSecond: Spread;
  readonly windows: readonly number[];
}

export interface ConvPyTorchSetting {
  readonly name: string;
  readonly threads: number;
  readonly overrides: Readonly<Record<string, string>>;
  readonly blas: BlasInfo;
  readonly blasDescription: string;
  readonly lossesAgree: boolean;
  readonly maxRelativeLossDifference: number;
}

export interface ConvResult {
  readonly layers: readonly ConvPassRow[];
  readonly training: {
    readonly dataset: string;
    readonly batch: number;
    readonly latent: number;
    /** aekit's wasm step against the same step on `cpu`: same weights, batch and noise. */
    readonly lossCheck: {
      readonly relativeTolerance: number;
      /** The loss of a fresh model (forward pass) at `batch`. */
      readonly forward: {
        readonly batch: number;
        readonly wasm: number;
        readonly cpu: number;
        readonly relativeDifference: number;
      };
      /** The losses of two training steps (so the second reflects the gradients). */
      readonly steps: {
        readonly batch: number;
        readonly wasm: readonly number[];
        readonly cpu: readonly number[];
        readonly maxRelativeDifference: number;
      };
    };
    readonly rows: readonly ConvTrainingRow[];
    /** aekit wasm's median over the best agreeing PyTorch setting's at one thread, and overall. */
    readonly aekitOverPyTorchOneThread: number | null;
    readonly aekitOverPyTorchBest: number | null;
    readonly meetsTarget: boolean | null;
  };
  readonly pytorch:
    | {
        readonly available: true;
        readonly torch: string;
        readonly mkldnn: boolean;
        readonly blasDescription: string;
        /** Why no ratio is shown against PyTorch, or null. */
        readonly noRatio: string | null;
        readonly bestOneThread: string | null;
        readonly best: string | null;
        readonly settings: readonly ConvPyTorchSetting[];
      }
    | { readonly available: false; readonly reason: string };
}

const relativeDifference = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b)
    ? Math.abs(a - b) / Math.max(Math.abs(b), Number.MIN_VALUE)
    : Number.POSITIVE_INFINITY;

/** Images [batch, 28, 28, 1] of `data`'s first `batch` samples after a seeded shuffle, as values. */
function imageValues(data: Dataset, batch: number, seed: number): Float32Array {
  const [first] = data.shuffle(seed).take(batch).batches(batch);
  const values = first!.x.dataSync() as Float32Array;
  first!.dispose();
  return values;
}

/** The same model, batch and noise on wasm and cpu: the forward loss and two steps' losses. */
async function checkLosses(
  data: Dataset,
  forwardBatch: number,
  stepBatch: number,
): Promise<ConvResult['training']['lossCheck']> {
  const forwardImages = imageValues(data, forwardBatch, 7);
  const stepImages = imageValues(data, stepBatch, 8);
  const on = async (backend: 'wasm' | 'cpu') => {
    await initBackend({ backend });
    const vae = createConvVae(1);
    const x = tf.tensor2d(forwardImages, [forwardBatch, 784]);
    const loss = vae.loss(x, 0);
    const forward = loss.dataSync()[0]!;
    tf.dispose([loss, x]);
    const xs = tf.tensor2d(stepImages, [stepBatch, 784]);
    const steps: number[] = [];
    for (let step = 0; step < 2; step += 1) {
      steps.push(vae.step(xs, step + 1));
    }
    xs.dispose();
    vae.dispose();
    return { forward, steps };
  };
  const wasm = await on('wasm');
  const cpu = await on('cpu');
  return {
    relativeTolerance: lossTolerance,
    forward: {
      batch: forwardBatch,
      wasm: wasm.forward,
      cpu: cpu.forward,
      relativeDifference: relativeDifference(wasm.forward, cpu.forward),
    },
    steps: {
      batch: stepBatch,
      wasm: wasm.steps,
      cpu: cpu.steps,
      maxRelativeDifference: Math.max(
        ...wasm.steps.map((loss, step) => relativeDifference(loss, cpu.steps[step]!)),
      ),
    },
  };
}

/** aekit's training step of the conv VAE on `backend`, cycling over a few prepared batches. */
function aekitConvTraining(
  backend: 'wasm' | 'cpu',
  data: Dataset,
  batch: number,
): WindowedContender {
  const poolSize = 8;
  let vae: ReturnType<typeof createConvVae> | undefined;
  let pool: tf.Tensor2D[] = [];
  let position = 0;
  return {
    samplesPerStep: batch,
    async prepare() {
      await initBackend({ backend });
      if (vae !== undefined) return;
      vae = createConvVae(1);
      pool = Array.from({ length: poolSize }, (_, index) =>
        tf.tensor2d(imageValues(data, batch, 100 + index), [batch, 784]),
      );
    },
    async run(steps) {
      const start = performance.now();
      for (let step = 0; step < steps; step += 1) {
        const x = pool[position % poolSize]!;
        position += 1;
        vae!.step(x, position);
      }
      return (performance.now() - start) / 1000;
    },
    async dispose() {
      await initBackend({ backend });
      vae?.dispose();
      tf.dispose(pool);
      pool = [];
    },
  };
}

interface Options {
  readonly quick: boolean;
}

/** Steps of the fixed-seed run whose losses every PyTorch setting must reproduce. */
const pyTorchCheckSteps = 5;

/**
 * The convolution rows: per-layer GFLOP/s (aekit wasm, stock wasm, tfjs cpu, PyTorch's fastest
 * setting, the compiled product on the im2col shape) and the training step of the conv VAE.
 * With `quick`, small batches and one short window each: it checks the rows run, in seconds.
 */
export async function benchConv(options: Options): Promise<ConvResult> {
  const { quick } = options;
  const batch = quick ? 8 : 128;
  // tfjs cpu: its filter gradient runs at ~0.01 GFLOP/s (16 s for one of the 14×14×32→64
  // layer at batch 128), its training step ~1 s per image; smaller batches keep this section
  // within minutes. GFLOP/s and samples/s of cpu's loops barely depend on the batch.
  const cpuBatch = {
    forward: quick ? 2 : 32,
    inputGradient: quick ? 2 : 32,
    filterGradient: quick ? 1 : 2,
  };
  const cpuTrainingBatch = quick ? 1 : 4;
  await initBackend({ backend: 'wasm' });
  const { data, name: dataset } = await trainingData();
  const torch = await findPyTorch();
  const pytorch: PyTorchContender[] = [];
  try {
    if (torch.available) {
      // Started together: each spends seconds importing torch and loading the images.
      const started = await Promise.allSettled(
        pyTorchSettings(process.env).map((setting) =>
          PyTorchContender.start(torch.python, setting, 'conv_server.py'),
        ),
      );
      for (const outcome of started)
        if (outcome.status === 'fulfilled') pytorch.push(outcome.value);
      const failed = started.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    }
    const checkBatch = quick ? 8 : 128;
    const losses: number[][] = [];
    for (const contender of pytorch) {
      const answer = await contender.ask({
        cmd: 'check',
        batchSize: checkBatch,
        seed: 1,
        steps: quick ? 2 : pyTorchCheckSteps,
      });
      losses.push(answer.losses as number[]);
    }
    const agreement = losses.map((setting) => lossesAgree(losses[0]!, setting));
    const agreeing = pytorch.filter((_, index) => agreement[index]!.agree);

    const lossCheck = await checkLosses(data, quick ? 8 : 128, quick ? 1 : 4);
    if (
      !(lossCheck.forward.relativeDifference <= lossTolerance) ||
      !(lossCheck.steps.maxRelativeDifference <= lossTolerance)
    ) {
      throw new Error(
        `pnpm bench --only conv: aekit's wasm step computes another loss than the cpu step (forward ${lossCheck.forward.wasm} vs ${lossCheck.forward.cpu}, steps ${lossCheck.steps.wasm.join(', ')} vs ${lossCheck.steps.cpu.join(', ')}): a benchmark of a wrong computation is worthless.`,
      );
    }

    const windows = { windows: quick ? 1 : 5, windowSeconds: quick ? 0.01 : 0.25 };
    const quickSteps = quick ? { maxSteps: 1 } : {};
    const layers: ConvPassRow[] = [];
    for (const layer of convVaeLayers) {
      for (const pass of convPasses) {
        const kernel = kernelOf(layer, pass);
        const gflop = convFlops(layer, batch) / 1e9;
        const shape = im2colShape(layer, batch);
        await initBackend({ backend: 'wasm' });
        const tensors = passCall(layer, pass, batch);
        const left = tf.randomNormal([shape.m, shape.k], 0, 1, 'float32', 4);
        const right = tf.randomNormal([shape.k, shape.n], 0, 1, 'float32', 5);
        const wasm = async () => {
          await initBackend({ backend: 'wasm' });
        };
        const contenders: Record<string, WindowedContender> = {
          aekit: gflopContender(gflop, wasm, () => {
            setSimdKernels(true);
            tensors.call();
          }),
          matMul: gflopContender(gflop, wasm, () => {
            setSimdKernels(true);
            tf.matMul(left, right).dispose();
          }),
        };
        // The stock backend has no Conv2DBackpropFilter (tensorflow/tfjs#8474): with aekit's
        // kernels off, aekit's JavaScript loop would run, which is no stock kernel.
        if (kernel !== 'Conv2DBackpropFilter') {
          contenders.stock = gflopContender(gflop, wasm, () => {
            setSimdKernels(false);
            try {
              tensors.call();
            } finally {
              setSimdKernels(true);
            }
          });
        }
        for (const contender of agreeing) {
          await contender.ask({
            cmd: 'layer',
            batch,
            inChannels: layer.inChannels,
            outChannels: layer.outChannels,
            inSize: layer.inSize,
            outSize: layer.outSize,
            stride: layer.stride,
            transposed: layer.transposed,
            pass,
          });
          contenders[contender.name] = {
            samplesPerStep: gflop,
            async prepare() {},
            run: async (steps) => (await contender.ask({ cmd: 'run', steps })).seconds as number,
            async dispose() {},
          };
        }
        const timings = await timeWindows(contenders, { ...windows, ...quickSteps });
        await initBackend({ backend: 'wasm' });
        tensors.dispose();
        tf.dispose([left, right]);

        await initBackend({ backend: 'cpu' });
        const onCpu = passCall(layer, pass, cpuBatch[pass]);
        const cpuGflop = convFlops(layer, cpuBatch[pass]) / 1e9;
        const cpuTiming = await timeWindows(
          { cpu: gflopContender(cpuGflop, async () => {}, onCpu.call) },
          { windows: quick ? 1 : 2, windowSeconds: quick ? 0.01 : 0.5, maxSteps: quick ? 1 : 3 },
        );
        onCpu.dispose();

        const bestPyTorch = fastestAgreeing(
          agreeing.map((contender) => ({
            name: contender.name,
            agree: true,
            median: timings[contender.name]!.samplesPerSecond.median,
          })),
        );
        const aekit = timings.aekit!.samplesPerSecond;
        const matMul = timings.matMul!.samplesPerSecond;
        layers.push({
          layer: layer.name,
          pass,
          kernel,
          batch,
          gflop,
          aekit,
          stock: timings.stock?.samplesPerSecond ?? null,
          cpu: { batch: cpuBatch[pass], gflops: cpuTiming.cpu!.samplesPerSecond },
          pytorch:
            bestPyTorch === undefined
              ? null
              : {
                  setting: bestPyTorch.name,
                  gflops: timings[bestPyTorch.name]!.samplesPerSecond,
                },
          pytorchSettings: Object.fromEntries(
            agreeing.map((contender) => [
              contender.name,
              timings[contender.name]!.samplesPerSecond,
            ]),
          ),
          matMul: { ...shape, gflops: matMul },
          ratioToMatMul: aekit.median / matMul.median,
          meetsTarget: aekit.median / matMul.median >= convKernelTarget,
        });
      }
    }

    // The whole training step, contenders interleaved.
    const trainers: Record<string, WindowedContender> = {
      'aekit wasm': aekitConvTraining('wasm', data, batch),
    };
    for (const contender of agreeing) {
      let ready = false;
      trainers[contender.name] = {
        samplesPerStep: batch,
        async prepare() {
          if (!ready) await contender.ask({ cmd: 'setup', batchSize: batch, seed: 1 });
          ready = true;
        },
        run: async (steps) => (await contender.ask({ cmd: 'train', steps })).seconds as number,
        async dispose() {},
      };
    }
    const trainingTimings = await timeWindows(trainers, {
      windows: quick ? 1 : 5,
      windowSeconds: quick ? 0.01 : 1.5,
      ...(quick ? { maxSteps: 1 } : {}),
    });
    await trainers['aekit wasm']!.dispose();
    const cpuTrainer = aekitConvTraining('cpu', data, cpuTrainingBatch);
    const cpuTraining = await timeWindows(
      { 'tfjs cpu': cpuTrainer },
      { windows: quick ? 1 : 2, windowSeconds: 1, maxSteps: 1 },
    );
    await cpuTrainer.dispose();
    await initBackend({ backend: 'wasm' });

    const settings = pytorch.map((contender, index): ConvPyTorchSetting => {
      const blas = detectBlas(contender.runtime);
      return {
        name: contender.name,
        threads: contender.threads,
        overrides: contender.runtime.overrides,
        blas,
        blasDescription: describeBlas(blas),
        lossesAgree: agreement[index]!.agree,
        maxRelativeLossDifference: agreement[index]!.maxRelativeDifference,
      };
    });
    const medianOf = (name: string) => trainingTimings[name]!.samplesPerSecond.median;
    const bestAmong = (candidates: readonly PyTorchContender[]) =>
      fastestAgreeing(
        candidates.map((contender) => ({
          name: contender.name,
          agree: true,
          median: medianOf(contender.name),
        })),
      );
    const best = bestAmong(agreeing);
    const bestOneThread = bestAmong(agreeing.filter((contender) => contender.threads === 1));
    const bestIndex = best === undefined ? 0 : pytorch.findIndex((c) => c.name === best.name);
    const reference = settings[bestIndex];
    const noRatio = reference === undefined ? null : noRatioReason(reference.blas);
    const aekitMedian = medianOf('aekit wasm');
    const over = (setting: { median: number } | undefined) =>
      setting === undefined || noRatio !== null ? null : aekitMedian / setting.median;
    const rows: ConvTrainingRow[] = [
      ...Object.entries(trainingTimings).map(([contender, timing]) => {
        const setting = settings.find((entry) => entry.name === contender);
        return {
          contender,
          backend: setting === undefined ? 'wasm' : `PyTorch CPU (oneDNN convolutions)`,
          threads: setting?.threads ?? 1,
          batch,
          samplesPerSecond: timing.samplesPerSecond,
          windows: timing.windows,
        };
      }),
      {
        contender: 'tfjs cpu',
        backend: 'cpu',
        threads: 1,
        batch: cpuTrainingBatch,
        samplesPerSecond: cpuTraining['tfjs cpu']!.samplesPerSecond,
        windows: cpuTraining['tfjs cpu']!.windows,
      },
    ];
    const overOneThread = over(bestOneThread);
    return {
      layers,
      training: {
        dataset,
        batch,
        latent: convVaeLatent,
        lossCheck,
        rows,
        aekitOverPyTorchOneThread: overOneThread,
        aekitOverPyTorchBest: over(best),
        meetsTarget: overOneThread === null ? null : overOneThread >= convTrainingTarget,
      },
      pytorch:
        torch.available && reference !== undefined
          ? {
              available: true,
              torch: torch.torch,
              mkldnn: pytorch[bestIndex]!.ready.mkldnn === true,
              blasDescription: reference.blasDescription,
              noRatio,
              bestOneThread: bestOneThread?.name ?? null,
              best: best?.name ?? null,
              settings,
            }
          : {
              available: false,
              reason: torch.available ? 'no PyTorch setting started' : torch.reason,
            },
    };
  } finally {
    for (const contender of pytorch) await contender.close();
  }
}
