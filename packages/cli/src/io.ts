/** A stream the command writes to: `process.stdout`, `process.stderr`, or a test's capture. */
export interface OutputStream {
  write(text: string): unknown;
  /** True when a person is watching (a terminal): progress bars draw only then. */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

/** Where a command runs: its streams, working folder and an interrupt signal. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Relative paths on the command line start here. */
  readonly cwd: string;
  /** Aborted when the user interrupts (Ctrl-C): training stops after the current step. */
  readonly signal?: AbortSignal;
}

/**
 * What a command prints. Human mode writes lines to stdout; `--json` mode keeps stdout for
 * exactly one JSON object, printed last, and sends nothing else there.
 */
export class Output {
  readonly json: boolean;
  private readonly io: CliIo;

  constructor(io: CliIo, json: boolean) {
    this.io = io;
    this.json = json;
  }

  /** A line for people: stdout in human mode, nowhere with `--json` (the JSON says it). */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** A warning: always stderr. */
  warn(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** The result: with `--json` the one JSON line on stdout, else nothing (lines said it). */
  result(value: unknown): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  get stdout(): OutputStream {
    return this.io.stdout;
  }

  get stderr(): OutputStream {
    return this.io.stderr;
  }
}

/** A plain-text table with a header, columns padded; numbers are right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map((_, column) =>
    rows.every((row) => /^[-+]?[\d.,]+(e[-+]?\d+)?%?$|^—$|^$/i.test(row[column] ?? '')),
  );
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        numeric[column] && column > 0
          ? cell.padStart(widths[column]!)
          : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [format(header), rule, ...rows.map(format)].join('\n');
}

/** A loss value for people: 4 significant digits, no exponent for ordinary sizes. */
export function formatLoss(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) return value.toExponential(3);
  if (magnitude >= 1000) return value.toFixed(1);
  return Number(value.toPrecision(4)).toString();
}

/** Seconds for people: `42.1 s`, `3 min 05 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')} s`;
}
