/**
 * A worker thread of data-parallel training (see `ParallelOptions` and parallel-protocol.ts):
 * it starts its own tfjs backend, rebuilds the model from its config, then on each command
 * loads the weights, computes the loss and gradient of its rows, and writes them back.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { type Batch, findAutoencoderFamily, type TrainableModel } from '@aekit/core';
import { dispose, tensor, tensor1d, tensor2d, tidy, type Variable } from '@tensorflow/tfjs-core';
import { batchGradients } from './gradient-shares';
import {
  command,
  maxLossValues,
  control as slot,
  type WorkerInit,
  type WorkerMessage,
  type WorkerModule,
} from './parallel-protocol';

const init = workerData as WorkerInit;

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

function load(module: WorkerModule): Promise<unknown> {
  return import(
    module.from === null
      ? module.specifier
      : pathToFileURL(createRequire(module.from).resolve(module.specifier)).href
  );
}

async function start(): Promise<{ model: TrainableModel; variables: Variable[] }> {
  for (const module of init.modules) await load(module);
  const runtime = (await load(init.runtimeModule)) as {
    initBackend(options: { backend: string }): Promise<unknown>;
  };
  await runtime.initBackend({ backend: init.backend });
  const family = findAutoencoderFamily(String(init.config.family));
  if (family === undefined) {
    throw new Error(
      `no autoencoder family '${String(init.config.family)}' is registered in the worker: list the module that registers it in options.parallel.modules.`,
    );
  }
  const model = family.create(init.config as never);
  const all = model.variables();
  const variables = init.variables.map(({ name, shape }) => {
    const variable = all[name];
    if (variable === undefined || variable.shape.join() !== shape.join()) {
      throw new Error(
        `the worker's model has no variable '${name}' of shape [${shape.join(', ')}].`,
      );
    }
    return variable;
  });
  return { model, variables };
}

async function serve(model: TrainableModel, variables: Variable[]): Promise<void> {
  const words = new Int32Array(init.control);
  const parameters = new Float32Array(init.parameters);
  const x = new Float32Array(init.x);
  const labels = new Int32Array(init.labels);
  const total = init.variables.reduce((sum, variable) => sum + variable.size, 0);
  const gradients = new Float32Array(init.gradients, (init.index - 1) * total * 4, total);
  const losses = new Float32Array(init.losses, (init.index - 1) * maxLossValues * 4, maxLossValues);
  const trained = init.variables.map(({ name }, index) => [name, variables[index]!] as const);
  let seen = 0;
  for (;;) {
    Atomics.wait(words, slot.generation, seen);
    seen = Atomics.load(words, slot.generation);
    if (Atomics.load(words, slot.command) === command.stop) return;
    const first = words[slot.firstRow + 2 * init.index]!;
    const count = words[slot.firstRow + 2 * init.index + 1]!;
    const rows = words[slot.rows]!;
    if (count > 0) {
      // Copies, never views of shared memory: a tensor's data must not change under it.
      tidy(() => {
        init.variables.forEach(({ offset, size, shape }, index) => {
          variables[index]!.assign(tensor(parameters.slice(offset, offset + size), [...shape]));
        });
      });
      const dim = init.inputDim;
      const batch: Batch = {
        x: tensor2d(x.slice(first * dim, (first + count) * dim), [count, dim]),
        ...(words[slot.hasLabels] === 1
          ? { labels: tensor1d(labels.slice(first, first + count), 'int32') }
          : {}),
      };
      try {
        const result = await batchGradients(model, trained, batch, words[slot.step]!, count / rows);
        try {
          init.variables.forEach(({ offset, size }, index) => {
            const gradient = result.grads[variables[index]!.name];
            if (gradient === undefined) gradients.fill(0, offset, offset + size);
            else gradients.set(gradient.dataSync() as Float32Array, offset);
          });
          losses.fill(Number.NaN);
          losses.set(result.values.subarray(0, maxLossValues));
        } finally {
          dispose(Object.values(result.grads));
        }
      } finally {
        dispose([batch.x, ...(batch.labels === undefined ? [] : [batch.labels])]);
      }
    }
    Atomics.add(words, slot.done, 1);
    Atomics.notify(words, slot.done);
  }
}

start()
  .then(async ({ model, variables }) => {
    post({ kind: 'ready', names: init.variables.map((variable) => variable.name) });
    await serve(model, variables);
    model.dispose();
  })
  .catch((error: unknown) => {
    post({
      kind: 'error',
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
    });
  });
