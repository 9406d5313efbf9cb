import { type Autoencoder, familyExtras } from '@aekit/core';
import type { Dataset } from '@aekit/data';
import { type Tensor1D, type Tensor2D, tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import type { ModelSummary } from '../protocol';
import { type ModelHandle, workerFamilies } from './family-models';

/** Pixels per digit. */
export const inputDim = 784;
/** Classes of MNIST. */
export const numClasses = 10;

/** The digits the worker trains on and answers questions about. */
export interface Digits {
  /** The training split, normalised to [0, 1]. */
  readonly train: Dataset;
  /** The test split normalised to [0, 1], row-major `[testSize, 784]`. */
  readonly testX: Float32Array;
  readonly testLabels: Int32Array;
}

/** The worker's state: the data, and the model with what it has been trained for. */
export class Session {
  handle: ModelHandle | null = null;
  /** Steps trained in this page since the model was built or loaded. */
  steps = 0;

  constructor(readonly digits: Digits) {}

  /** Replaces the model (disposing the old one). */
  setModel(model: Autoencoder, steps = 0): ModelHandle {
    const family = workerFamilies.get(model.config.family);
    if (family === undefined) {
      model.dispose();
      throw new Error(
        `This page cannot show a '${model.config.family}' model (it knows ${[...workerFamilies.keys()].join(', ')}).`,
      );
    }
    if (model.config.inputDim !== inputDim) {
      model.dispose();
      throw new Error(
        `The model takes ${model.config.inputDim} inputs, but the page's digits have ${inputDim} pixels (28 × 28).`,
      );
    }
    this.handle?.model.dispose();
    this.handle = family.handle(model);
    this.steps = steps;
    return this.handle;
  }

  /** The model, or an error saying how to get one. */
  requireModel(): ModelHandle {
    if (this.handle === null) throw new Error('There is no model yet: train one or load a file.');
    return this.handle;
  }

  summary(): ModelSummary {
    const handle = this.requireModel();
    const parameters = Object.values(handle.model.variables()).reduce(
      (sum, variable) => sum + variable.size,
      0,
    );
    const extras = familyExtras(handle.model.config.family);
    return {
      family: handle.model.config.family,
      config: handle.model.config,
      parameters,
      codeDim: handle.codeDim,
      numClasses: handle.numClasses,
      capabilities: {
        // What the family declares; the handle has the calls for it (see family-models.ts).
        sample: extras.includes('samples') && handle.sample !== undefined,
        manifold: extras.includes('manifold') && handle.sample !== undefined,
        filters: handle.filters !== undefined,
      },
      steps: this.steps,
    };
  }

  /** Test digits by index as `[n, 784]` and their labels `[n]`; the caller disposes both. */
  testBatch(indices: readonly number[]): { x: Tensor2D; labels: Tensor1D } {
    const { testX, testLabels } = this.digits;
    const count = testLabels.length;
    const x = new Float32Array(indices.length * inputDim);
    indices.forEach((index, row) => {
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`Test digit ${index} does not exist (there are ${count}).`);
      }
      x.set(testX.subarray(index * inputDim, (index + 1) * inputDim), row * inputDim);
    });
    return {
      x: tensor2d(x, [indices.length, inputDim]),
      labels: tensor1d(
        indices.map((index) => testLabels[index]!),
        'int32',
      ),
    };
  }
}
