import type { FamilySpec, ViewName } from '../families';
import type { DigitsSummary, ModelSummary } from '../protocol';
import { h } from '../ui/dom';
import type { WorkerClient } from '../worker-client';

/** What every view can use. */
export interface ViewContext {
  readonly client: WorkerClient;
  readonly digits: DigitsSummary;
  /** Reports an error to the page's status line. */
  report(error: unknown): void;
}

/** A card of the page that shows one aspect of the model. */
export interface View {
  readonly name: ViewName;
  readonly card: Card;
  /** Null when the view can show `model`; otherwise why not. */
  unavailable(model: ModelSummary): string | null;
  /** Recomputes what the view shows from the worker's current model. */
  refresh(model: ModelSummary): Promise<void>;
}

/**
 * A view's frame: a heading, the view's content, and beside it what the lecture says the
 * view shows, plus a remark of the current family.
 */
export class Card {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private readonly absent: HTMLElement;

  constructor(
    readonly name: ViewName,
    title: string,
    explanation: string,
  ) {
    const headingId = `view-${name}-title`;
    this.body = h('div', { class: 'view-body' });
    this.note = h('p', { class: 'view-note', hidden: true });
    this.absent = h('p', { class: 'view-absent', hidden: true });
    this.element = h(
      'section',
      { class: 'view', id: `view-${name}`, 'aria-labelledby': headingId },
      h('h2', { id: headingId }, title),
      h(
        'div',
        { class: 'view-layout' },
        this.body,
        h('aside', { class: 'view-explanation' }, h('p', {}, explanation), this.note),
      ),
      this.absent,
    );
  }

  /** Shows the current family's remark on this view, if it has one. */
  setFamily(spec: FamilySpec | undefined): void {
    const note = spec?.notes?.[this.name];
    this.note.textContent = note ?? '';
    this.note.hidden = note === undefined;
  }

  /** Hides the content and says why, or shows it again (reason null). */
  setUnavailable(reason: string | null): void {
    this.body.hidden = reason !== null;
    this.absent.hidden = reason === null;
    this.absent.textContent = reason ?? '';
  }

  /** Records which model revision the view shows (for tests and screen readers). */
  markRevision(revision: number): void {
    this.element.dataset.revision = String(revision);
  }
}

/**
 * Runs `task` with the latest arguments only: a call while one runs replaces any waiting
 * call, so a dragged point or a slider never queues up stale work.
 */
export function latestOnly<Args extends unknown[]>(
  task: (...args: Args) => Promise<void>,
  onError: (error: unknown) => void,
): (...args: Args) => void {
  let running = false;
  let waiting: Args | null = null;
  const run = async (args: Args) => {
    running = true;
    try {
      await task(...args);
    } catch (error) {
      onError(error);
    } finally {
      running = false;
      if (waiting !== null) {
        const next = waiting;
        waiting = null;
        void run(next);
      }
    }
  };
  return (...args: Args) => {
    if (running) waiting = args;
    else void run(args);
  };
}
