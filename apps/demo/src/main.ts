import './styles.css';
import { mnistFolder } from './data-files';
import { findFamilySpec } from './families';
import { ModelPanel } from './panels/model-panel';
import { TrainingPanel } from './panels/training-panel';
import type { ModelSummary, RuntimeSummary } from './protocol';
import { h } from './ui/dom';
import { createDenoisingView } from './views/denoising';
import { createFiltersView } from './views/filters';
import { createHistogramsView } from './views/histograms';
import { createInterpolationView } from './views/interpolation';
import { createLatentView } from './views/latent';
import { createManifoldView } from './views/manifold';
import { createReconstructionsView } from './views/reconstructions';
import { createSamplesView } from './views/samples';
import type { View, ViewContext } from './views/view';
import { WorkerClient } from './worker-client';

/** How often the views follow the weights while a model trains, in milliseconds. */
const refreshDuringTraining = 2000;

const runtimeLine = document.getElementById('runtime')!;
const message = document.getElementById('page-message')!;
const app = document.getElementById('app')!;

function report(error: unknown): void {
  const text = error instanceof Error ? error.message : String(error);
  console.error(error);
  message.textContent = text;
  message.hidden = false;
}

function clearMessage(): void {
  message.hidden = true;
  message.textContent = '';
}

function describeRuntime(runtime: RuntimeSummary): string {
  const threads = `${runtime.threads} thread${runtime.threads === 1 ? '' : 's'}`;
  const isolation = runtime.crossOriginIsolated
    ? `cross-origin isolated: asked for ${runtime.threadsRequested}; tfjs uses at most half of the ${runtime.logicalCores} logical cores`
    : 'not cross-origin isolated, so no WASM threads';
  return `tfjs ${runtime.tfjsVersion} on ${runtime.backend.toUpperCase()}${runtime.simd ? ' with SIMD' : ''}, ${threads} (${isolation}).`;
}

/** Saves both files of the model into a folder the user picks (Chromium's File System Access). */
type DirectoryPicker = (options: { mode: 'readwrite' }) => Promise<FileSystemDirectoryHandle>;

async function main(): Promise<void> {
  const dataUrl = new URL(`${import.meta.env.BASE_URL}${mnistFolder}/`, document.baseURI).href;
  const { client, runtime, digits, loadSeconds } = await WorkerClient.start(dataUrl);
  runtimeLine.textContent = `${describeRuntime(runtime)} ${digits.trainSize.toLocaleString('en')} training and ${digits.testSize.toLocaleString('en')} test digits loaded in ${loadSeconds.toFixed(1)} s.`;
  document.body.dataset.threads = String(runtime.threads);
  document.body.dataset.crossOriginIsolated = String(runtime.crossOriginIsolated);

  let model: ModelSummary | null = null;
  let training = false;
  let revision = 0;
  let lastRefresh = 0;

  const context: ViewContext = { client, digits, report };
  const views: View[] = [
    createReconstructionsView(context),
    createLatentView(context),
    createManifoldView(context),
    createInterpolationView(context),
    createSamplesView(context),
    createDenoisingView(context),
    createFiltersView(context),
    createHistogramsView(context),
  ];

  let refreshing = false;
  let refreshAgain = false;
  /** Brings every view up to the current weights, one view after the other. */
  const refreshViews = async () => {
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      do {
        refreshAgain = false;
        lastRefresh = performance.now();
        const shown = revision;
        for (const view of views) {
          const current = model;
          if (current === null) {
            view.card.setUnavailable('Train a model or load one to see this view.');
            continue;
          }
          view.card.setFamily(findFamilySpec(current.family));
          const reason = view.unavailable(current);
          view.card.setUnavailable(reason);
          if (reason === null) {
            try {
              await view.refresh(current);
            } catch (error) {
              report(error);
            }
          }
          view.card.markRevision(shown);
        }
      } while (refreshAgain);
    } finally {
      refreshing = false;
    }
  };

  const setModel = (next: ModelSummary) => {
    model = next;
    revision += 1;
    document.body.dataset.modelRevision = String(revision);
  };

  const trainingPanel = new TrainingPanel();
  const panel: ModelPanel = new ModelPanel(
    {
      train(family, parameters, settings) {
        clearMessage();
        trainingPanel.reset();
        client.train({ fresh: true, family, parameters, settings });
        training = true;
        panel.setState({ training, model });
      },
      continueTraining(settings) {
        clearMessage();
        client.train({ fresh: false, settings });
        training = true;
        panel.setState({ training, model });
      },
      stop() {
        client.stop();
      },
      async download() {
        const { config, weights } = await client.save();
        const link = (name: string, blob: Blob) =>
          h('a', { href: URL.createObjectURL(blob), download: name, class: 'download' }, name);
        panel.downloads.replaceChildren(
          'Save both into one folder: ',
          link('config.json', new Blob([config], { type: 'application/json' })),
          ' ',
          link(
            'weights.safetensors',
            new Blob([weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
          ),
        );
      },
      async saveToFolder() {
        const picker = (window as unknown as { showDirectoryPicker?: DirectoryPicker })
          .showDirectoryPicker;
        if (picker === undefined) throw new Error('This browser cannot write into folders.');
        const folder = await picker({ mode: 'readwrite' });
        const { config, weights } = await client.save();
        for (const [name, data] of [
          ['config.json', config],
          ['weights.safetensors', weights],
        ] as const) {
          const writable = await (
            await folder.getFileHandle(name, { create: true })
          ).createWritable();
          await writable.write(data as string | Uint8Array<ArrayBuffer>);
          await writable.close();
        }
        panel.downloads.textContent = `Saved config.json and weights.safetensors into ${folder.name}.`;
      },
      async load(files) {
        clearMessage();
        const config = files.find((file) => file.name.endsWith('.json'));
        const weights = files.find((file) => file.name.endsWith('.safetensors'));
        if (config === undefined || weights === undefined) {
          throw new Error(
            `Choose both files of the model folder: config.json and weights.safetensors (got ${files.map((file) => file.name).join(', ')}).`,
          );
        }
        const summary = await client.load(
          await config.text(),
          new Uint8Array(await weights.arrayBuffer()),
        );
        setModel(summary);
        const spec = findFamilySpec(summary.family);
        if (spec !== undefined) panel.showFamily(spec, spec.fromConfig(summary.config));
        panel.setState({ training, model });
        trainingPanel.loaded(
          `Loaded ${config.name} and ${weights.name}: a ${spec?.title ?? summary.family} with ${summary.parameters.toLocaleString('en')} parameters. Continue training it, or look at it below.`,
        );
        document.body.dataset.modelSource = 'file';
        await refreshViews();
      },
    },
    report,
  );
  trainingPanel.setControls(panel.trainingControls);

  client.listen({
    onTrainStart(summary) {
      setModel(summary);
      document.body.dataset.modelSource = 'trained';
      const spec = findFamilySpec(summary.family);
      trainingPanel.started(
        `Training a ${spec?.title ?? summary.family} with ${summary.parameters.toLocaleString('en')} parameters…`,
      );
      panel.setState({ training, model });
      void refreshViews();
    },
    onProgress(progress) {
      trainingPanel.progress(progress);
      if (model !== null) setModel({ ...model, steps: progress.steps.at(-1) ?? model.steps });
      panel.setState({ training, model });
      if (performance.now() - lastRefresh >= refreshDuringTraining) void refreshViews();
    },
    onTrainEnd(end) {
      training = false;
      setModel(end.model);
      trainingPanel.ended(end);
      panel.setState({ training, model });
      void refreshViews();
    },
    onTrainError(text) {
      training = false;
      trainingPanel.failed(text);
      panel.setState({ training, model });
      report(new Error(text));
    },
    onFatal(text) {
      report(new Error(`The worker failed: ${text}`));
    },
  });

  app.replaceChildren(
    h('div', { class: 'top' }, panel.element, trainingPanel.element),
    h('div', { class: 'views' }, ...views.map((view) => view.card.element)),
  );
  panel.setState({ training, model });
  await refreshViews();
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  report(error);
  runtimeLine.textContent = 'The page could not start.';
});
