import { InvalidArgumentError } from '@aekit/core';
import type { NamedTensorMap, Optimizer } from '@tensorflow/tfjs-core';
import type { ResolvedFitOptions } from './fit-options';
import { applyOptimizerStep } from './optimizer-step';
import {
  captureOptimizerState,
  createOptimizer,
  type OptimizerState,
  restoreOptimizerState,
  setLearningRate,
} from './optimizers';
import type { NamedVariable } from './run-state';
import { type LearningRateSchedule, scheduledLearningRate } from './schedules';

/**
 * The optimiser of one `fit` call, and everything done to it: made from its name (then this
 * object disposes it) or taken as the caller's instance (then the caller does); the learning
 * rate of each epoch from the schedule; the update of each step, in the order of the trained
 * variables; and its complete state, captured for a checkpoint and restored on resume (Adam's
 * β powers included, see `captureOptimizerState`).
 */
export class TrainingOptimizer {
  private constructor(
    private readonly optimizer: Optimizer,
    private readonly owned: boolean,
    private readonly trained: readonly NamedVariable[],
    private readonly learningRate: number | undefined,
    private readonly schedule: LearningRateSchedule | undefined,
  ) {}

  /**
   * The optimiser `options` ask for, updating `trained`. An instance of the caller's that will
   * have to save or restore its state (checkpoint, resume) is tried first, so that one that
   * cannot fails before training rather than at the first checkpoint.
   */
  static async open(
    options: ResolvedFitOptions,
    trained: readonly NamedVariable[],
  ): Promise<TrainingOptimizer> {
    const { optimizer, learningRate, schedule } = options;
    if (typeof optimizer === 'string') {
      return new TrainingOptimizer(
        createOptimizer(optimizer, learningRate!),
        true,
        trained,
        learningRate,
        schedule,
      );
    }
    const given = new TrainingOptimizer(optimizer, false, trained, learningRate, schedule);
    if (options.checkpoint !== undefined || options.resume !== undefined) {
      await given.checkCanSave();
    }
    return given;
  }

  /** The tfjs class name, e.g. `'Adam'`: a checkpoint resumes only with the same class. */
  get className(): string {
    return this.optimizer.getClassName();
  }

  /**
   * Sets the learning rate of epoch `epoch` (from 0) of `epochs`, when `fit` has one (a named
   * optimiser, or `learningRate` given), and returns the rate the epoch trains with: NaN when
   * an instance keeps a rate that cannot be read.
   */
  startEpoch(epoch: number, epochs: number): number {
    if (this.learningRate === undefined) {
      return (this.optimizer as unknown as { learningRate?: number }).learningRate ?? Number.NaN;
    }
    const learningRate = scheduledLearningRate(this.schedule, this.learningRate, epoch, epochs);
    setLearningRate(this.optimizer, learningRate);
    return learningRate;
  }

  /**
   * One update with `gradients` (by variable name; they are not disposed). Applied in the order
   * of the trained variables, so the optimiser's per-variable state lines up with them in every
   * run (tfjs indexes its moments by position); a variable the loss does not reach has no
   * gradient and is skipped. Fused into one kernel call where the backend has it (see
   * `applyOptimizerStep`).
   */
  step(gradients: NamedTensorMap): void {
    applyOptimizerStep(
      this.optimizer,
      this.trained.map(([, variable]) => ({
        name: variable.name,
        tensor: gradients[variable.name],
      })),
    );
  }

  /** The optimiser's complete state, with moments under the variables' logical names. */
  capture(): Promise<OptimizerState> {
    return captureOptimizerState(this.optimizer, this.trained);
  }

  /**
   * Throws unless a checkpoint written with an optimiser of class `className` (in `file`) can
   * be restored into this one.
   */
  checkSameClass(className: string, file: string): void {
    if (className !== this.className) {
      throw new InvalidArgumentError({
        functionName: 'fit',
        argument: 'options.optimizer',
        rule: `the optimiser the checkpoint ${file} was written with, ${className}`,
        value: this.className,
      });
    }
  }

  /** Restores `state` (captured from an optimiser of the same class), so the next step is the one it would have taken. */
  restore(state: OptimizerState): Promise<void> {
    return restoreOptimizerState(this.optimizer, state, this.trained);
  }

  /** Frees the optimiser if `fit` made it; the caller's instance is left to the caller. */
  dispose(): void {
    if (this.owned) this.optimizer.dispose();
  }

  private async checkCanSave(): Promise<void> {
    try {
      await this.capture();
    } catch (error) {
      throw new InvalidArgumentError(
        {
          functionName: 'fit',
          argument: 'options.optimizer',
          rule: 'an optimiser that can save and restore its state (getWeights/setWeights), for checkpoints',
          value: this.className,
        },
        { cause: error },
      );
    }
  }
}
