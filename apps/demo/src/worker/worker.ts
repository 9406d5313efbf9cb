/// <reference lib="webworker" />
// The training worker: tfjs on WASM, the digits, the model. The page sends `ToWorker`
// messages and gets `FromWorker` messages back; training yields to the message queue every
// ~100 ms, so the page's questions are answered between steps while a model trains.
import { loadIdx, mnistClassNames } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import { type FitOptions, fit, modelFromBytes, modelToBytes } from '@aekit/train';
import { mnistFileNames } from '../data-files';
import type { FromWorker, ProgressReport, RuntimeSummary, ToWorker } from '../protocol';
import { workerFamilies } from './family-models';
import { queries } from './queries';
import { inputDim, numClasses, Session } from './session';

declare const self: DedicatedWorkerGlobalScope;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Lets queued messages (the page's questions, a stop) run. */
const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** How often training reports progress and yields, in milliseconds. */
const reportEvery = 100;

let session: Session | undefined;
let training: AbortController | undefined;

async function start(dataUrl: string): Promise<void> {
  const started = performance.now();
  const isolated = self.crossOriginIsolated === true;
  const logicalCores = self.navigator.hardwareConcurrency ?? 1;
  // Threads need a cross-origin-isolated page; ask for every core and report what tfjs gave.
  const threadsRequested = isolated ? logicalCores : 1;
  const info = await initBackend({
    backend: 'wasm',
    ...(isolated ? { threads: threadsRequested } : {}),
  });
  const runtime: RuntimeSummary = {
    backend: info.backend,
    simd: info.simd,
    threads: info.threads,
    threadsRequested,
    crossOriginIsolated: isolated,
    logicalCores,
    tfjsVersion: info.tfjsVersion,
  };
  const fetchBytes = async (name: string) => {
    const response = await fetch(new URL(name, dataUrl));
    if (!response.ok) throw new Error(`Could not load ${name}: HTTP ${response.status}.`);
    return new Uint8Array(await response.arrayBuffer());
  };
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    [
      mnistFileNames.trainImages,
      mnistFileNames.trainLabels,
      mnistFileNames.testImages,
      mnistFileNames.testLabels,
    ].map(fetchBytes),
  );
  const classNames = mnistClassNames;
  const train = await loadIdx({ images: trainImages!, labels: trainLabels!, classNames });
  const test = await loadIdx({ images: testImages!, labels: testLabels!, classNames });
  const testTensor = test.normalize().toTensor();
  const testX = Float32Array.from(testTensor.dataSync() as Float32Array);
  testTensor.dispose();
  const testBytes = Uint8Array.from(testX, (value) => Math.round(value * 255));
  session = new Session({
    train: train.normalize(),
    testX,
    testLabels: test.labels!,
  });
  post({
    type: 'ready',
    runtime,
    digits: {
      trainSize: train.size,
      testSize: test.size,
      testImages: testBytes,
      testLabels: Int32Array.from(test.labels!),
    },
    loadSeconds: (performance.now() - started) / 1000,
  });
}

async function train(message: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const current = session!;
  if (training !== undefined) throw new Error('A model is training already.');
  const { settings } = message;
  if (message.fresh) {
    const family = workerFamilies.get(message.family ?? '');
    if (family === undefined) throw new Error(`Unknown family '${message.family}'.`);
    current.setModel(
      family.create(message.parameters ?? {}, { inputDim, numClasses, seed: settings.seed }),
    );
  }
  const handle = current.requireModel();
  const controller = new AbortController();
  training = controller;
  post({ type: 'trainStart', model: current.summary() });

  const firstStep = current.steps;
  const started = performance.now();
  let lastReport = started;
  let stepsAtLastReport = 0;
  let taken = 0;
  let epochs = settings.epochs;
  let epoch = 1;
  /** Prefix of the loss names, e.g. 'stage 2:' while a stack pretrains its second stage. */
  let phase = '';
  let pending: { steps: number[]; losses: Record<string, number[]> } = { steps: [], losses: {} };
  const report = () => {
    const now = performance.now();
    const message: ProgressReport = {
      epoch,
      epochs,
      steps: pending.steps,
      losses: pending.losses,
      stepsPerSecond: ((taken - stepsAtLastReport) * 1000) / Math.max(now - lastReport, 1),
      meanStepsPerSecond: (taken * 1000) / Math.max(now - started, 1),
      seconds: (now - started) / 1000,
    };
    post({ type: 'progress', report: message });
    pending = { steps: [], losses: {} };
    lastReport = now;
    stepsAtLastReport = taken;
  };
  try {
    const options: FitOptions = {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      learningRate: settings.learningRate,
      // A different shuffle when training goes on.
      seed: (settings.seed + firstStep) >>> 0,
      signal: controller.signal,
      callbacks: {
        onEpochStart: (info) => {
          epoch = info.epoch;
          epochs = info.epochs;
        },
        onStepEnd: async (info) => {
          taken += 1;
          current.steps = firstStep + taken;
          pending.steps.push(current.steps);
          for (const [term, value] of Object.entries(info.loss)) {
            const name = phase === '' ? term : `${phase} ${term}`;
            const series = pending.losses[name] ?? [];
            series.push(value);
            pending.losses[name] = series;
          }
          if (performance.now() - lastReport >= reportEvery) {
            report();
            await yieldToMessages();
          }
        },
      },
    };
    // A fresh model of a family with its own schedule (a stack's greedy layer-wise
    // pretraining) trains that way; everything else, and further training, with fit.
    const family = workerFamilies.get(handle.model.config.family)!;
    const stopReason =
      message.fresh && family.pretrain !== undefined
        ? await family.pretrain(handle.model, current.digits.train, options, (label) => {
            phase = label;
          })
        : (await fit(handle.model, current.digits.train, options)).stopReason;
    if (pending.steps.length > 0) report();
    const seconds = (performance.now() - started) / 1000;
    post({
      type: 'trainEnd',
      end: {
        stopReason,
        steps: taken,
        seconds,
        meanStepsPerSecond: taken / Math.max(seconds, 1e-3),
        model: current.summary(),
      },
    });
  } finally {
    training = undefined;
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      await start(message.dataUrl);
      return;
    case 'train':
      try {
        await train(message);
      } catch (error) {
        post({ type: 'trainError', message: messageOf(error) });
      }
      return;
    case 'stop':
      training?.abort();
      return;
    case 'save': {
      try {
        const bytes = await modelToBytes(session!.requireModel().model);
        post({ type: 'saved', id: message.id, config: bytes.config, weights: bytes.weights }, [
          bytes.weights.buffer as ArrayBuffer,
        ]);
      } catch (error) {
        post({ type: 'failed', id: message.id, message: messageOf(error) });
      }
      return;
    }
    case 'load': {
      try {
        if (training !== undefined) throw new Error('Stop training before loading a model.');
        session!.setModel(modelFromBytes(message.config, message.weights));
        post({ type: 'loaded', id: message.id, model: session!.summary() });
      } catch (error) {
        post({ type: 'failed', id: message.id, message: messageOf(error) });
      }
      return;
    }
    case 'query': {
      try {
        const answer = (queries[message.name] as (s: Session, a: unknown) => unknown)(
          session!,
          message.args,
        );
        post({ type: 'answer', id: message.id, result: answer });
      } catch (error) {
        post({ type: 'failed', id: message.id, message: messageOf(error) });
      }
      return;
    }
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((error: unknown) => {
    post({ type: 'fatal', message: messageOf(error) });
  });
};
