import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runtimeInfo } from '@aekit/runtime-wasm';
import { version_core } from '@tensorflow/tfjs-core';
import { benchData, type DataResult } from './data';
import { benchFusedDense } from './fused-dense';
import { benchMatMul } from './matmul';
import { markdownTable } from './table';

const usage = `Usage: pnpm bench [--json] [--quick]

Runs aekit's benchmarks and prints a markdown table (default) or, with --json, one JSON object.
  --json    print only one JSON object on stdout
  --quick   a few iterations only, to check the benchmark runs (numbers are not meaningful)
  --help    show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  // Data first: its memory figures are then the dataset's, not what other benchmarks left.
  const data = await benchData();
  const matMul = await benchMatMul({ quick: values.quick });
  const fusedDense = await benchFusedDense({ quick: values.quick });
  const info = runtimeInfo();
  const environment = {
    node: process.version,
    tfjs: version_core,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    wasmSimd: info.backend === 'wasm' ? info.simd : undefined,
  };
  const wasmRatio = (kernels: string, variant: string) =>
    matMul.rows.find(
      (row) => row.backend === 'wasm' && row.kernels === kernels && row.variant === variant,
    )?.ratioToPlain ?? null;
  const summary = {
    wasmTransposedToPlain: {
      stock: {
        transposeA: wasmRatio('stock', 'transposeA'),
        transposeB: wasmRatio('stock', 'transposeB'),
      },
      patched: {
        transposeA: wasmRatio('patched', 'transposeA'),
        transposeB: wasmRatio('patched', 'transposeB'),
      },
    },
  };
  if (values.json) {
    console.log(
      JSON.stringify({ environment, quick: values.quick, matMul, data, fusedDense, summary }),
    );
    return;
  }
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
  console.log(
    `\nNode ${environment.node}, tfjs ${environment.tfjs}, ${environment.cores} × ${environment.cpu}` +
      (values.quick ? ' — quick run: numbers are not meaningful.' : ''),
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
