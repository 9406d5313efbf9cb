import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runtimeInfo } from '@aekit/runtime-wasm';
import { version_core } from '@tensorflow/tfjs-core';
import { benchConv, type ConvResult, convTrainingTarget } from './conv';
import { benchData, type DataResult } from './data';
import { benchFullRun, type FullRunResult } from './full-run';
import { benchFusedDense } from './fused-dense';
import { benchMatMul } from './matmul';
import type { Spread } from './measure';
import { scalingPlot } from './plot';
import { markdownTable } from './table';
import { benchVaeTraining, type ThroughputRow, type VaeTrainingResult } from './vae-training';

const usage = `Usage: pnpm bench [--json] [--quick] [--full-run] [--only vae|conv] [--out DIR]

Runs aekit's benchmarks and prints markdown tables (default) or, with --json, one JSON object.
  --json      print only one JSON object on stdout
  --quick     a few iterations only, to check the benchmark runs (numbers are not meaningful)
  --full-run  also train the reference VAE for 10 full epochs, aekit and PyTorch each in a
              process of its own, for peak resident memory (several minutes more)
  --only vae  only the VAE rows (training, encoding, scaling; with --full-run, that too)
  --only conv only the convolution rows (each layer of a convolutional VAE, its training step)
  --out DIR   where the scaling plot (vae-scaling.png) goes; default apps/bench/results
              (a temporary folder with --quick)
  --help      show this help`;

const benchDir = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      'full-run': { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.only !== undefined && values.only !== 'vae' && values.only !== 'conv') {
    throw new Error(`pnpm bench: '--only' must be 'vae' or 'conv', got '${values.only}'.`);
  }
  const all = values.only === undefined;
  if (values.only === 'conv') {
    const conv = await benchConv({ quick: values.quick });
    const environment = await environmentOf();
    if (values.json) console.log(JSON.stringify({ environment, quick: values.quick, conv }));
    else {
      printConv(conv);
      printEnvironment(environment, values.quick);
    }
    return;
  }
  // Data first: its memory figures are then the dataset's, not what other benchmarks left.
  const data = all ? await benchData() : null;
  const matMul = all ? await benchMatMul({ quick: values.quick }) : null;
  const fusedDense = all ? await benchFusedDense({ quick: values.quick }) : null;
  const vaeTraining = await benchVaeTraining({ quick: values.quick });
  const conv = all ? await benchConv({ quick: values.quick }) : null;
  let plot: string | null = null;
  if (vaeTraining.available) {
    const outDir = resolve(
      values.out ?? (values.quick ? join(tmpdir(), 'aekit-bench') : join(benchDir, 'results')),
    );
    mkdirSync(outDir, { recursive: true });
    plot = join(outDir, 'vae-scaling.png');
    writeFileSync(plot, scalingPlot(vaeTraining.scaling));
  }
  const fullRun = values['full-run']
    ? await benchFullRun({
        epochs: 10,
        ...(vaeTraining.available && vaeTraining.pytorch.available
          ? {
              pytorchThreads: vaeTraining.pytorch.bestThreads,
              pytorchUnsetOverrides: vaeTraining.pytorch.bestUnsetOverrides,
            }
          : { pytorchThreads: 1, pytorchUnsetOverrides: false }),
      })
    : null;
  const environment = await environmentOf();
  const wasmRatio = (kernels: string, variant: string) =>
    matMul?.rows.find(
      (row) => row.backend === 'wasm' && row.kernels === kernels && row.variant === variant,
    )?.ratioToPlain ?? null;
  const summary = {
    wasmTransposedToPlain: {
      stock: {
        transposeA: wasmRatio('stock', 'transposeA'),
        transposeB: wasmRatio('stock', 'transposeB'),
      },
      transposes: {
        transposeA: wasmRatio('transposes', 'transposeA'),
        transposeB: wasmRatio('transposes', 'transposeB'),
      },
      compiled: {
        transposeA: wasmRatio('compiled', 'transposeA'),
        transposeB: wasmRatio('compiled', 'transposeB'),
      },
    },
  };
  if (values.json) {
    console.log(
      JSON.stringify({
        environment,
        quick: values.quick,
        matMul,
        data,
        fusedDense,
        vaeTraining: vaeTraining.available ? { ...vaeTraining, plot } : vaeTraining,
        fullRun,
        conv,
        summary: { ...summary, targets: targets(vaeTraining) },
      }),
    );
    return;
  }
  if (matMul !== null && fusedDense !== null && data !== null) {
    const { m, k, n } = matMul.shape;
    console.log(`## matMul ${m}×${k}×${n} (float32), median of timed windows\n`);
    console.log(
      markdownTable(
        ['backend', 'kernels', 'variant', 'ms', 'GFLOP/s', 'time / plain'],
        matMul.rows.map((row) => [
          row.backend,
          row.kernels,
          row.variant,
          row.medianMs.toFixed(3),
          row.gflops.toFixed(2),
          row.ratioToPlain.toFixed(2),
        ]),
      ),
    );
    const dense = fusedDense.shape;
    console.log(
      `\n## dense layer act(x·W + b), ${dense.batch}×${dense.inDim}→${dense.outDim}: separate ops vs tf.fused.matMul\n`,
    );
    console.log(
      markdownTable(
        ['backend', 'pass', 'activation', 'separate ms', 'fused ms', 'speed-up'],
        fusedDense.rows.map((row) => [
          row.backend,
          row.pass,
          row.activation,
          row.separateMs.toFixed(3),
          row.fusedMs.toFixed(3),
          row.speedup.toFixed(2),
        ]),
      ),
    );
    printData(data);
  }
  printVaeTraining(vaeTraining, plot, fullRun);
  if (conv !== null) printConv(conv);
  printEnvironment(environment, values.quick);
}

/** Where the benchmark ran. */
async function environmentOf() {
  const info = runtimeInfo();
  return {
    node: process.version,
    tfjs: version_core,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    wasmSimd: info.backend === 'wasm' ? info.simd : undefined,
  };
}

function printEnvironment(
  environment: Awaited<ReturnType<typeof environmentOf>>,
  quick: boolean,
): void {
  console.log(
    `\nNode ${environment.node}, tfjs ${environment.tfjs}, ${environment.cores} × ${environment.cpu}` +
      (quick ? ' — quick run: numbers are not meaningful.' : ''),
  );
}

/** A GFLOP/s median: one decimal, two significant digits below 1 (tfjs cpu's gradients). */
const gflops = (value: Spread | null | undefined) =>
  value === null || value === undefined
    ? 'none'
    : value.median >= 1
      ? value.median.toFixed(1)
      : value.median.toPrecision(2);

/** The convolution rows: per layer and pass, then the training step. */
function printConv(result: ConvResult): void {
  const batch = result.layers[0]?.batch ?? 0;
  console.log(
    `\n## Convolutions of a convolutional VAE on 28×28×1 images, 3×3 'same', batch ${batch}: GFLOP/s (medians of interleaved windows)\n`,
  );
  const { pytorch } = result;
  console.log(
    markdownTable(
      [
        'layer',
        'pass',
        'kernel',
        'aekit wasm',
        'stock wasm',
        'tfjs cpu (batch)',
        'PyTorch best (setting)',
        'matMul M×K×N',
        'matMul',
        'aekit / matMul',
        '≥ 60%',
      ],
      result.layers.map((row) => [
        row.layer,
        row.pass,
        row.kernel,
        gflops(row.aekit),
        gflops(row.stock),
        `${gflops(row.cpu.gflops)} (${row.cpu.batch})`,
        row.pytorch === null
          ? '—'
          : `${gflops(row.pytorch.gflops)} (${row.pytorch.setting.replace('PyTorch ', '')})`,
        `${row.matMul.m}×${row.matMul.k}×${row.matMul.n}`,
        gflops(row.matMul.gflops),
        `${Math.round(row.ratioToMatMul * 100)}%`,
        row.meetsTarget ? 'yes' : 'no',
      ]),
    ),
  );
  console.log(
    '\nFLOPs per pass: 2·N·Ho·Wo·3·3·Cin·Cout on the small side (a transposed convolution is the ' +
      "gradient of the convolution it mirrors: its forward pass runs Conv2DBackpropInput, its input gradient Conv2D). 'none': the stock " +
      'wasm backend has no Conv2DBackpropFilter (tensorflow/tfjs#8474). aekit hands Conv2D with fewer than 4 input ' +
      'channels to the stock kernel (faster there), so those two columns time the same kernel.',
  );
  const { training } = result;
  console.log(
    `\n## Convolutional VAE training step (latent ${training.latent}), Adam 1e-3, on ${training.dataset}: contenders interleaved\n`,
  );
  console.log(
    markdownTable(
      ['contender', 'backend', 'threads', 'batch', 'samples/s, median (min–max)'],
      training.rows.map((row) => [
        row.contender,
        row.backend,
        String(row.threads),
        String(row.batch),
        // tfjs cpu trains at about one sample per second: two digits, not an integer.
        row.samplesPerSecond.median >= 10
          ? range(row.samplesPerSecond)
          : `${gflops(row.samplesPerSecond)} (${row.samplesPerSecond.min.toPrecision(2)}–${row.samplesPerSecond.max.toPrecision(2)})`,
      ]),
    ),
  );
  const { forward, steps, relativeTolerance } = training.lossCheck;
  console.log(
    `\nLoss check, same weights, batch and noise: forward at batch ${forward.batch} wasm ${forward.wasm} vs cpu ${forward.cpu} ` +
      `(relative ${forward.relativeDifference.toExponential(1)}); two steps at batch ${steps.batch} ` +
      `(max relative ${steps.maxRelativeDifference.toExponential(1)}); tolerance ${relativeTolerance}. ` +
      `tfjs cpu trains at batch ${training.rows.at(-1)?.batch} only: it takes about a second per image, minutes per step at batch 128.`,
  );
  if (!pytorch.available) {
    console.log(`\nPyTorch rows skipped: ${pytorch.reason}`);
    return;
  }
  console.log(
    `\nPyTorch ${pytorch.torch}: convolutions on oneDNN (torch.backends.mkldnn.is_available(): ${pytorch.mkldnn}), ` +
      `dense layers on ${pytorch.blasDescription}. Settings: ` +
      pytorch.settings
        .map(
          (setting) =>
            `${setting.name} (losses ${setting.lossesAgree ? 'agree' : 'DIFFER'}, max ${setting.maxRelativeLossDifference.toExponential(1)})`,
        )
        .join('; ') +
      '.',
  );
  if (pytorch.noRatio !== null) console.log(`\n**No ratio to PyTorch: ${pytorch.noRatio}.**`);
  console.log(
    `\naekit wasm / PyTorch's best one-thread setting (${pytorch.bestOneThread ?? 'none'}): ${ratio(training.aekitOverPyTorchOneThread)} ` +
      `(target ≥ ${convTrainingTarget}×: ${training.meetsTarget === null ? '—' : training.meetsTarget ? 'met' : 'not met'}); ` +
      `aekit wasm / PyTorch's best setting (${pytorch.best ?? 'none'}): ${ratio(training.aekitOverPyTorchBest)}`,
  );
}

function printData(data: DataResult): void {
  const { fashionMnist, mnist } = data;
  console.log('\n## Data: load time, memory, one epoch of batches\n');
  const rows: string[][] = [
    [
      'MNIST (mnist package), load',
      `${mnist.trainSamples} + ${mnist.testSamples}`,
      `${mnist.loadMs.toFixed(0)} ms`,
    ],
  ];
  if (fashionMnist.available) {
    const f = fashionMnist;
    rows.push(
      ['Fashion-MNIST, load', `${f.trainSamples} + ${f.testSamples}`, `${f.loadMs.toFixed(0)} ms`],
      ['Fashion-MNIST, sample data', 'uint8', `${f.sampleMB.toFixed(1)} MB`],
      [
        'Fashion-MNIST, resident memory',
        `before → after load${f.rssAfterGcMB === null ? '' : ' → after GC'}`,
        `${f.rssBeforeMB.toFixed(0)} → ${f.rssAfterMB.toFixed(0)}` +
          (f.rssAfterGcMB === null ? '' : ` → ${f.rssAfterGcMB.toFixed(0)}`) +
          ' MB',
      ],
      ...f.epochs.map((epoch) => [
        `Fashion-MNIST train epoch, ${epoch.variant}`,
        `${epoch.batches} batches of ${epoch.batchSize}, ${epoch.backend}`,
        `${epoch.ms.toFixed(0)} ms (${Math.round(epoch.samplesPerSecond)} samples/s, ${epoch.leakedTensors} tensors leaked)`,
      ]),
    );
  }
  console.log(markdownTable(['what', 'size', 'result'], rows));
  if (!fashionMnist.available) console.log(`\nFashion-MNIST skipped: ${fashionMnist.reason}`);
}

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const range = (value: Spread) =>
  `${integer(value.median)} (${integer(value.min)}–${integer(value.max)})`;
const ratio = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)}×`);

/** The targets, measured: aekit wasm on one core, against stock and PyTorch. */
function targets(result: VaeTrainingResult) {
  if (!result.available) return null;
  const median = (name: string) =>
    result.training.find((row) => row.contender === name)?.samplesPerSecond.median ?? null;
  const aekit = median('aekit wasm');
  const stock = median('tfjs wasm (stock)');
  const best = Math.max(
    ...result.training
      .filter((row) => row.contender.startsWith('aekit'))
      .map((row) => row.samplesPerSecond.median),
  );
  const pytorch = result.pytorch.available ? result.pytorch : null;
  const bestPyTorch =
    pytorch === null || pytorch.best === null || pytorch.noRatio !== null
      ? null
      : median(pytorch.best);
  return {
    aekitWasmSamplesPerSecond: aekit,
    aekitWasmOver8000: aekit === null ? null : aekit / 8000,
    aekitWasmOverStock: aekit === null || stock === null ? null : aekit / stock,
    bestAekitOverBestPyTorch: bestPyTorch === null ? null : best / bestPyTorch,
    /** Why there is no ratio to PyTorch, when there is none. */
    noPyTorchRatio:
      pytorch === null
        ? result.pytorch.available
          ? null
          : result.pytorch.reason
        : pytorch.best === null
          ? 'no PyTorch setting computed the reference losses'
          : pytorch.noRatio,
  };
}

function throughputTable(rows: readonly ThroughputRow[]): string {
  return markdownTable(
    ['contender', 'backend', 'threads', 'samples/s, median (min–max)', 'ratio to PyTorch'],
    rows.map((row) => [
      row.contender,
      row.backend,
      String(row.threads),
      range(row.samplesPerSecond),
      ratio(row.ratioToPyTorch),
    ]),
  );
}

/** What PyTorch ran on, each setting tried, and which one the ratios are against. */
function printPyTorch(result: VaeTrainingResult & { available: true }): void {
  const { pytorch } = result;
  if (!pytorch.available) {
    console.log(`\nPyTorch rows skipped: ${pytorch.reason}`);
    return;
  }
  console.log(`\nPyTorch ${pytorch.torch} runs on ${pytorch.blasDescription}.`);
  if (pytorch.noRatio !== null) console.log(`\n**No ratio to PyTorch: ${pytorch.noRatio}.**`);
  const { steps, relativeTolerance, reference } = pytorch.lossCheck;
  console.log(
    `\nSettings tried (losses of ${steps} fixed-seed steps against '${reference}', relative tolerance ${relativeTolerance}); ` +
      `the best setting (ratios, sweeps, full run) is the fastest that agrees: ${pytorch.best ?? 'none agrees'}.\n`,
  );
  console.log(
    markdownTable(
      ['setting', 'OpenBLAS overrides', 'BLAS', 'losses', 'samples/s'],
      pytorch.settings.map((setting) => [
        setting.name,
        Object.keys(setting.overrides).length === 0
          ? 'none'
          : Object.entries(setting.overrides)
              .map(([name, value]) => `${name}=${value}`)
              .join(' '),
        setting.blasDescription,
        `${setting.lossesAgree ? 'agree' : 'DIFFER'} (max ${setting.maxRelativeLossDifference.toExponential(1)})`,
        setting.samplesPerSecond === null ? 'not timed' : integer(setting.samplesPerSecond),
      ]),
    ),
  );
}

function printVaeTraining(
  result: VaeTrainingResult,
  plot: string | null,
  fullRun: FullRunResult | null,
): void {
  if (!result.available) {
    console.log(`\nVAE training skipped: ${result.reason}`);
    return;
  }
  console.log(
    `\n## VAE 784-400-20 training, batch 128, Adam 1e-3, on ${result.dataset}: contenders interleaved\n`,
  );
  console.log(throughputTable(result.training));
  printPyTorch(result);
  const goals = targets(result);
  if (goals !== null) {
    console.log(
      `\naekit wasm: ${goals.aekitWasmSamplesPerSecond === null ? '—' : integer(goals.aekitWasmSamplesPerSecond)} samples/s ` +
        `(${ratio(goals.aekitWasmOver8000)} the 8,000 target), ${ratio(goals.aekitWasmOverStock)} stock tfjs; ` +
        `best aekit / best PyTorch: ${ratio(goals.bestAekitOverBestPyTorch)}`,
    );
  }
  console.log('\n## Where a training step goes (wasm, tf.profile per kernel)\n');
  console.log(
    markdownTable(
      [
        'contender',
        'step ms',
        'kernels',
        'kernel ms',
        'matMul ms',
        'matMul GFLOP/s',
        'samples/s if only matMuls ran',
        'step − kernel ms',
      ],
      result.profile.map((row) => [
        row.contender,
        row.stepMs.toFixed(2),
        String(Math.round(row.kernelsPerStep)),
        row.kernelMsPerStep.toFixed(2),
        row.matMulMsPerStep.toFixed(2),
        (row.matMulMflopPerStep / row.matMulMsPerStep).toFixed(1),
        integer((128 * 1000) / row.matMulMsPerStep),
        (row.stepMs - row.kernelMsPerStep).toFixed(2),
      ]),
    ),
  );
  console.log(
    "\nKernel times are tf.profile's, which reads every output and so adds a little to each: " +
      'step − kernel time can come out negative; it bounds the engine and JavaScript work from above.',
  );
  for (const row of result.profile) {
    console.log(`\n${row.contender}, kernels by time per step:\n`);
    console.log(
      markdownTable(
        ['kernel', 'calls', 'ms'],
        row.kernels
          .slice(0, 10)
          .map((kernel) => [
            kernel.kernel,
            String(kernel.callsPerStep),
            kernel.msPerStep.toFixed(3),
          ]),
      ),
    );
  }
  console.log('\n## Encoding (posterior mean), batch 1,000\n');
  console.log(throughputTable(result.encoding));
  if (result.pytorch.available && result.pytorch.noRatio !== null) {
    console.log(`\nNo ratio to PyTorch: ${result.pytorch.noRatio}.`);
  }
  const names = [
    ...new Set(
      [...result.scaling.hidden, ...result.scaling.batch].flatMap((point) =>
        Object.keys(point.samplesPerSecond),
      ),
    ),
  ];
  console.log('\n## Scaling: training samples/s (median) by hidden width and batch size\n');
  console.log(
    markdownTable(
      ['hidden', 'batch', ...names],
      [...result.scaling.hidden, ...result.scaling.batch].map((point) => [
        String(point.hidden),
        String(point.batchSize),
        ...names.map((name) => {
          const value = point.samplesPerSecond[name];
          return value === undefined ? '—' : integer(value);
        }),
      ]),
    ),
  );
  if (plot !== null) console.log(`\nPlot: ${plot}`);
  if (fullRun === null) {
    console.log('\nPeak memory of a full 10-epoch run: run `pnpm bench --full-run`.');
    return;
  }
  console.log('\n## Full 10-epoch run, each in its own process\n');
  console.log(
    markdownTable(
      ['implementation', 'samples/s', 'test −ELBO', 'peak RSS', 'wall time', 'BLAS'],
      fullRun.rows.map((row) => [
        row.implementation,
        integer(row.samplesPerSecond),
        row.testNegativeElbo.toFixed(2),
        `${integer(row.peakRssMB)} MB`,
        `${integer(row.seconds)} s`,
        row.blas ?? '—',
      ]),
    ),
  );
  if (fullRun.pytorchSkipped !== undefined)
    console.log(`\nPyTorch skipped: ${fullRun.pytorchSkipped}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
