import {
  defaultFamily,
  defaultParameters,
  type FamilySpec,
  familySpecs,
  findFamilySpec,
  type ParameterSpec,
} from '../families';
import type { ModelSummary, ParameterValues, TrainSettings } from '../protocol';
import { field, h, select } from '../ui/dom';

/** What the panel asks the page to do. */
export interface ModelPanelActions {
  train(family: string, parameters: ParameterValues, settings: TrainSettings): void;
  continueTraining(settings: TrainSettings): void;
  stop(): void;
  download(): Promise<void>;
  saveToFolder(): Promise<void>;
  load(files: readonly File[]): Promise<void>;
}

type Control = HTMLInputElement | HTMLSelectElement;

function controlFor(parameter: ParameterSpec, value: number | boolean | string): Control {
  switch (parameter.kind) {
    case 'integer':
    case 'number':
      return h('input', {
        type: 'number',
        name: parameter.name,
        min: parameter.min,
        max: parameter.max,
        step: parameter.step,
        value: String(value),
        required: true,
      });
    case 'choice':
      return select(parameter.options, String(value), { name: parameter.name });
    case 'boolean':
      return h('input', { type: 'checkbox', name: parameter.name, checked: value === true });
  }
}

function readControl(parameter: ParameterSpec, control: Control): number | boolean | string {
  if (parameter.kind === 'boolean') return (control as HTMLInputElement).checked;
  if (parameter.kind === 'choice') return control.value;
  const value = Number(control.value);
  if (control.value.trim() === '' || !Number.isFinite(value)) {
    throw new Error(`${parameter.label} must be a number.`);
  }
  if (value < parameter.min || value > parameter.max) {
    throw new Error(`${parameter.label} must be between ${parameter.min} and ${parameter.max}.`);
  }
  if (parameter.kind === 'integer' && !Number.isInteger(value)) {
    throw new Error(`${parameter.label} must be a whole number.`);
  }
  return value;
}

/**
 * The family picker, its hyper-parameters and the model files; `trainingControls` holds the
 * training settings and buttons, which the page shows beside the charts.
 */
export class ModelPanel {
  readonly element: HTMLElement;
  private readonly family: HTMLSelectElement;
  private readonly summary: HTMLParagraphElement;
  private readonly parameterBox: HTMLFieldSetElement;
  private controls: { parameter: ParameterSpec; control: Control }[] = [];
  private readonly settings: Record<keyof TrainSettings, HTMLInputElement | HTMLSelectElement>;
  private readonly trainButton: HTMLButtonElement;
  private readonly continueButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly downloadButton: HTMLButtonElement;
  private readonly folderButton: HTMLButtonElement;
  private readonly loadInput: HTMLInputElement;
  private readonly modelLine: HTMLParagraphElement;
  readonly downloads: HTMLElement;
  /** The training settings and the Train, Continue and Stop buttons, shown by the charts. */
  readonly trainingControls: HTMLElement;

  constructor(
    private readonly actions: ModelPanelActions,
    private readonly report: (error: unknown) => void,
  ) {
    this.family = select(
      familySpecs.map((spec) => ({ value: spec.name, label: spec.title })),
      defaultFamily,
      { id: 'family' },
    );
    this.family.addEventListener('change', () => this.showFamily(this.spec()));
    this.summary = h('p', { class: 'family-summary' });
    this.parameterBox = h('fieldset', {}, h('legend', {}, 'Hyper-parameters'));
    this.settings = {
      epochs: h('input', { type: 'number', id: 'epochs', min: 1, max: 500, step: 1, value: 10 }),
      batchSize: select(
        ['32', '64', '128', '256'].map((value) => ({ value, label: value })),
        '128',
        { id: 'batch-size' },
      ),
      learningRate: h('input', {
        type: 'number',
        id: 'learning-rate',
        min: 0.00001,
        max: 0.1,
        step: 0.0001,
        value: 0.001,
      }),
      seed: h('input', { type: 'number', id: 'seed', min: 0, max: 2 ** 31, step: 1, value: 0 }),
    };
    this.trainButton = h(
      'button',
      { type: 'button', id: 'train', class: 'primary', onclick: () => this.onTrain() },
      'Train a new model',
    );
    this.continueButton = h(
      'button',
      { type: 'button', id: 'continue', disabled: true, onclick: () => this.onContinue() },
      'Continue training',
    );
    this.stopButton = h(
      'button',
      { type: 'button', id: 'stop', disabled: true, onclick: () => actions.stop() },
      'Stop',
    );
    this.downloadButton = h(
      'button',
      {
        type: 'button',
        id: 'download',
        disabled: true,
        onclick: () => actions.download().catch(report),
      },
      'Download model files',
    );
    this.folderButton = h(
      'button',
      {
        type: 'button',
        id: 'save-folder',
        disabled: true,
        hidden: !('showDirectoryPicker' in window),
        onclick: () => actions.saveToFolder().catch(report),
      },
      'Save into a folder…',
    );
    this.downloads = h('div', { class: 'downloads', 'aria-live': 'polite' });
    this.loadInput = h('input', {
      type: 'file',
      id: 'load-model',
      multiple: true,
      accept: '.json,.safetensors,application/json',
    });
    this.loadInput.addEventListener('change', () => {
      const files = [...(this.loadInput.files ?? [])];
      this.loadInput.value = '';
      if (files.length > 0) actions.load(files).catch(report);
    });
    this.modelLine = h('p', { class: 'model-line', id: 'model-line' }, 'No model yet.');

    this.element = h(
      'section',
      { class: 'panel model-panel', 'aria-labelledby': 'model-panel-title' },
      h('h2', { id: 'model-panel-title' }, 'Model'),
      field('Family', this.family),
      this.summary,
      this.parameterBox,
      this.modelLine,
      h(
        'fieldset',
        {},
        h('legend', {}, 'Model files'),
        h(
          'p',
          { class: 'help' },
          'A model is a folder of two files, config.json and weights.safetensors: what `aekit train` writes and `loadModel` reads.',
        ),
        h('div', { class: 'buttons' }, this.downloadButton, this.folderButton),
        this.downloads,
        field(
          'Load a model (choose both files)',
          this.loadInput,
          'Select config.json and weights.safetensors together, e.g. from a folder written by the aekit CLI.',
        ),
      ),
    );
    this.trainingControls = h(
      'div',
      { class: 'training-controls' },
      h(
        'fieldset',
        { class: 'settings' },
        h('legend', {}, 'Settings'),
        field('Epochs', this.settings.epochs, 'Passes over the 8,000 training digits.'),
        field('Batch size', this.settings.batchSize),
        field('Learning rate (Adam)', this.settings.learningRate),
        field('Seed', this.settings.seed, 'Same seed: same weights and batch order.'),
      ),
      h('div', { class: 'buttons' }, this.trainButton, this.continueButton, this.stopButton),
    );
    this.showFamily(this.spec());
  }

  private spec(): FamilySpec {
    return findFamilySpec(this.family.value) ?? familySpecs[0]!;
  }

  /** The family currently picked. */
  selectedFamily(): FamilySpec {
    return this.spec();
  }

  /** Shows `spec`'s description and parameter controls, filled with `values`. */
  showFamily(spec: FamilySpec, values: ParameterValues = defaultParameters(spec)): void {
    this.family.value = spec.name;
    this.summary.textContent = spec.summary;
    this.controls = spec.parameters.map((parameter) => ({
      parameter,
      control: controlFor(parameter, values[parameter.name] ?? parameter.default),
    }));
    for (const { parameter, control } of this.controls) {
      control.addEventListener('change', () => this.applyLinked(spec, parameter.name));
    }
    this.parameterBox.replaceChildren(
      h('legend', {}, 'Hyper-parameters'),
      ...this.controls.map(({ parameter, control }) => {
        control.id = `parameter-${parameter.name}`;
        return field(parameter.label, control, parameter.help);
      }),
    );
  }

  /** Sets the values the family links to the parameter that just changed. */
  private applyLinked(spec: FamilySpec, changed: string): void {
    if (spec.linked === undefined) return;
    const current = Object.fromEntries(
      this.controls.map(({ parameter, control }) => [
        parameter.name,
        parameter.kind === 'boolean' ? (control as HTMLInputElement).checked : control.value,
      ]),
    );
    for (const [name, value] of Object.entries(spec.linked(changed, current))) {
      const entry = this.controls.find(({ parameter }) => parameter.name === name);
      if (entry === undefined) continue;
      if (entry.control instanceof HTMLInputElement && entry.control.type === 'checkbox') {
        entry.control.checked = value === true;
      } else {
        entry.control.value = String(value);
      }
    }
  }

  private readSettings(): TrainSettings {
    const number = (control: HTMLInputElement | HTMLSelectElement, label: string) => {
      const value = Number(control.value);
      if (control.value.trim() === '' || !Number.isFinite(value) || value < 0) {
        throw new Error(`${label} must be a number ≥ 0.`);
      }
      return value;
    };
    const epochs = number(this.settings.epochs, 'Epochs');
    const learningRate = number(this.settings.learningRate, 'Learning rate');
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new Error('Epochs must be a whole number ≥ 1.');
    if (learningRate <= 0) throw new Error('The learning rate must be > 0.');
    return {
      epochs,
      batchSize: number(this.settings.batchSize, 'Batch size'),
      learningRate,
      seed: Math.floor(number(this.settings.seed, 'Seed')),
    };
  }

  private onTrain(): void {
    try {
      const parameters = Object.fromEntries(
        this.controls.map(({ parameter, control }) => [
          parameter.name,
          readControl(parameter, control),
        ]),
      );
      this.actions.train(this.spec().name, parameters, this.readSettings());
    } catch (error) {
      this.report(error);
    }
  }

  private onContinue(): void {
    try {
      this.actions.continueTraining(this.readSettings());
    } catch (error) {
      this.report(error);
    }
  }

  /** Enables the buttons that fit: training or not, with a model or not. */
  setState(state: { training: boolean; model: ModelSummary | null }): void {
    const { training, model } = state;
    this.trainButton.disabled = training;
    this.continueButton.disabled = training || model === null;
    this.stopButton.disabled = !training;
    this.downloadButton.disabled = model === null;
    this.folderButton.disabled = model === null;
    this.loadInput.disabled = training;
    this.family.disabled = training;
    for (const { control } of this.controls) control.disabled = training;
    if (model !== null) {
      const spec = findFamilySpec(model.family);
      this.modelLine.textContent = `Current model: ${spec?.title ?? model.family}, ${model.parameters.toLocaleString('en')} parameters, code of ${model.codeDim} dimensions${model.numClasses === null ? '' : `, conditioned on ${model.numClasses} classes`}; ${model.steps.toLocaleString('en')} steps trained here.`;
    }
  }
}
