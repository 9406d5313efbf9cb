/** Timing helpers: warm-up, then the median of several timed windows. */

export interface Timing {
  /** Median milliseconds per call over the timed windows. */
  readonly medianMs: number;
  /** Per-window milliseconds per call, in the order they ran. */
  readonly windowsMs: readonly number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Times `contenders` against each other: after `warmup` calls of each, runs `windows` rounds;
 * in every round each contender runs `callsPerWindow` times, in an order that rotates from
 * round to round, so slow drift of the machine falls on all of them alike.
 */
export function timeInterleaved(
  contenders: Readonly<Record<string, () => void>>,
  options: { warmup: number; windows: number; callsPerWindow: number },
): Record<string, Timing> {
  const names = Object.keys(contenders);
  for (const name of names)
    for (let call = 0; call < options.warmup; call += 1) contenders[name]!();
  const windows: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < options.windows; round += 1) {
    for (let offset = 0; offset < names.length; offset += 1) {
      const name = names[(round + offset) % names.length]!;
      const start = performance.now();
      for (let call = 0; call < options.callsPerWindow; call += 1) contenders[name]!();
      windows[name]!.push((performance.now() - start) / options.callsPerWindow);
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { medianMs: median(windows[name]!), windowsMs: windows[name]! }]),
  );
}

/** The median of repeated measurements and how far they spread. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}
