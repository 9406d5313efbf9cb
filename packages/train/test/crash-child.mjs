// A training run in its own process, for the SIGKILL test (test/crash.test.ts). It runs the
// built package, as a user's script would:
//
//   node crash-child.mjs <checkpoint dir> <pause> [resume]
//
// <pause> makes the run hang at one point of epoch 3 and print "PAUSED <pause>", so the test
// can kill it exactly there: 'step' (mid-epoch), 'write' (half of the checkpoint's bytes
// written to its temporary file), 'sync' (temporary file complete, not yet renamed), or
// 'none'. With 'resume' it continues from the checkpoint. At the end it prints one JSON line:
// the history and the final weights.
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@aekit/runtime-wasm';
import * as trainer from '@aekit/train';
import * as tf from '@tensorflow/tfjs-core';
import { createTinyAutoencoder, tinyData } from './tiny-autoencoder.mjs';

const [dir, pause, resume] = process.argv.slice(2);
// wasm, unless the suites were asked to run on cpu only (AEKIT_BACKENDS=cpu).
await initBackend({ backend: process.env.AEKIT_BACKENDS?.trim() === 'cpu' ? 'cpu' : 'wasm' });

const hang = (what) => {
  process.stdout.write(`PAUSED ${what}\n`);
  // A timer keeps the event loop alive: with nothing pending, Node would end the process
  // (exit code 13, unsettled top-level await) before the test's SIGKILL arrives.
  setInterval(() => {}, 60_000);
  return new Promise(() => {});
};

if (pause === 'write' || pause === 'sync') {
  // Fault injection at the file level: the library writes each checkpoint with
  // FileHandle.writeFile then FileHandle.sync on a temporary file, then renames it. The third
  // checkpoint is epoch 3's.
  const probePath = join(tmpdir(), `aekit-crash-probe-${process.pid}`);
  const probe = await open(probePath, 'w');
  const prototype = Object.getPrototypeOf(probe);
  await probe.close();
  await rm(probePath);
  const { writeFile, sync } = prototype;
  let writes = 0;
  let armed = false;
  prototype.writeFile = async function (data, ...rest) {
    writes += 1;
    if (writes === 3 && pause === 'write') {
      await this.write(data.subarray(0, data.byteLength >> 1));
      return hang('write');
    }
    if (writes === 3) armed = true;
    return writeFile.call(this, data, ...rest);
  };
  prototype.sync = async function () {
    await sync.call(this);
    if (armed) {
      armed = false;
      return hang('sync');
    }
  };
}

const model = createTinyAutoencoder({ inputDim: 8, hiddenDim: 4, seed: 11 });
const x = tinyData(64, 8);
const validation = tinyData(16, 8, 9);
const history = await trainer.fit(model, x, {
  epochs: 5,
  batchSize: 16,
  learningRate: 0.01,
  validation,
  seed: 3,
  checkpoint: { dir },
  ...(resume === 'resume' ? { resume: dir } : {}),
  callbacks: {
    onStepEnd: ({ epoch, batch }) =>
      pause === 'step' && epoch === 3 && batch === 2 ? hang('step') : undefined,
  },
});
const weights = Object.fromEntries(
  Object.entries(model.variables()).map(([name, variable]) => [
    name,
    Array.from(variable.dataSync()),
  ]),
);
tf.dispose([x, validation]);
model.dispose();
process.stdout.write(`${JSON.stringify({ history, weights })}\n`);
