/** Facts that are known only once a backend has started; recorded by `initBackend`. */
export interface BackendFacts {
  readonly simd: boolean | null;
  readonly threads: number;
}

const factsByBackend = new Map<string, BackendFacts>();

export function recordBackendFacts(backend: string, facts: BackendFacts): void {
  factsByBackend.set(backend, facts);
}

/** What was recorded when `backend` started (no SIMD, 1 thread before that). */
export function backendFacts(backend: string): BackendFacts {
  return factsByBackend.get(backend) ?? { simd: null, threads: 1 };
}
