import type {
  DigitsSummary,
  FromWorker,
  ModelSummary,
  ParameterValues,
  ProgressReport,
  Queries,
  QueryName,
  RuntimeSummary,
  ToWorker,
  TrainEnd,
  TrainSettings,
} from './protocol';

/** What the page hears from the worker besides answers to its questions. */
export interface WorkerEvents {
  onTrainStart(model: ModelSummary): void;
  onProgress(report: ProgressReport): void;
  onTrainEnd(end: TrainEnd): void;
  onTrainError(message: string): void;
  onFatal(message: string): void;
}

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };

/** The page's side of the worker: questions as promises, training as events. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private events: WorkerEvents | undefined;

  private constructor(worker: Worker) {
    this.worker = worker;
  }

  /** Starts the worker, its backend and its data; resolves once it is ready. */
  static start(dataUrl: string): Promise<{
    client: WorkerClient;
    runtime: RuntimeSummary;
    digits: DigitsSummary;
    loadSeconds: number;
  }> {
    const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), {
      type: 'module',
      name: 'aekit-training',
    });
    const client = new WorkerClient(worker);
    return new Promise((resolve, reject) => {
      worker.onerror = (event) => reject(new Error(event.message || 'The worker failed to start.'));
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        if (message.type === 'ready') {
          worker.onmessage = (next: MessageEvent<FromWorker>) => client.receive(next.data);
          worker.onerror = (event) =>
            client.events?.onFatal(event.message || 'The worker stopped with an error.');
          resolve({ client, ...message });
        } else if (message.type === 'fatal') {
          reject(new Error(message.message));
        }
      };
      client.send({ type: 'init', dataUrl });
    });
  }

  listen(events: WorkerEvents): void {
    this.events = events;
  }

  private send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'trainStart':
        this.events?.onTrainStart(message.model);
        return;
      case 'progress':
        this.events?.onProgress(message.report);
        return;
      case 'trainEnd':
        this.events?.onTrainEnd(message.end);
        return;
      case 'trainError':
        this.events?.onTrainError(message.message);
        return;
      case 'fatal':
        this.events?.onFatal(message.message);
        return;
      case 'ready':
        return;
      default:
        this.settle(message);
    }
  }

  private settle(message: Extract<FromWorker, { id: number }>): void {
    const waiting = this.pending.get(message.id);
    if (waiting === undefined) return;
    this.pending.delete(message.id);
    if (message.type === 'failed') {
      waiting.reject(new Error(message.message));
    } else if (message.type === 'answer') {
      waiting.resolve(message.result as never);
    } else if (message.type === 'saved') {
      waiting.resolve({ config: message.config, weights: message.weights } as never);
    } else {
      waiting.resolve(message.model as never);
    }
  }

  private request<T>(build: (id: number) => ToWorker, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.send(build(id), transfer);
    });
  }

  query<Name extends QueryName>(
    name: Name,
    args: Queries[Name]['args'],
  ): Promise<Queries[Name]['result']> {
    return this.request((id) => ({ type: 'query', id, name, args }));
  }

  train(
    options:
      | { fresh: true; family: string; parameters: ParameterValues; settings: TrainSettings }
      | { fresh: false; settings: TrainSettings },
  ): void {
    this.send({ type: 'train', ...options });
  }

  stop(): void {
    this.send({ type: 'stop' });
  }

  save(): Promise<{ config: string; weights: Uint8Array }> {
    return this.request((id) => ({ type: 'save', id }));
  }

  load(config: string, weights: Uint8Array): Promise<ModelSummary> {
    return this.request(
      (id) => ({ type: 'load', id, config, weights }),
      [weights.buffer as ArrayBuffer],
    );
  }
}
