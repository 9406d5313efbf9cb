import { execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The built command, exactly as `npm install @aekit/cli` runs it. */
export const binPath = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/bin.js ...args` in `cwd` and collects its exit code and output. */
export function runAekit(args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [binPath, ...args],
      { cwd, env: { ...process.env, AEKIT_DEBUG: '' }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

/**
 * Runs `node dist/bin.js ...args` and sends it SIGINT (Ctrl-C) once a line of its stdout
 * matches `when`.
 */
export function interruptAekit(
  args: readonly string[],
  cwd: string,
  when: RegExp,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!sent && when.test(stdout)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The one JSON object `--json` prints: stdout must be exactly one line. */
export function parseJsonLine(result: CliResult): Record<string, unknown> {
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  if (lines.length !== 1) {
    throw new Error(
      `expected one line on stdout, got ${lines.length}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** An IDX file: magic (0, 0, type 0x08 = unsigned byte, rank), big-endian sizes, then the bytes. */
export function idxBytes(shape: readonly number[], values: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, axis) => {
    view.setUint32(4 + 4 * axis, size);
  });
  const out = new Uint8Array(header.length + values.length);
  out.set(header);
  out.set(values, header.length);
  return out;
}

/** A small linear congruential generator: the same bytes on every machine. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `count` 8 × 8 images of 4 classes: class c is a bright bar over rows 2c and 2c + 1 on a dim,
 * noisy background. Returns the pixel bytes and the labels.
 */
export function tinyImages(count: number): { pixels: Uint8Array; labels: Uint8Array } {
  const random = lcg(7);
  const pixels = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let index = 0; index < count; index += 1) {
    const label = index % 4;
    labels[index] = label;
    for (let row = 0; row < 8; row += 1) {
      for (let column = 0; column < 8; column += 1) {
        const bright = row === 2 * label || row === 2 * label + 1;
        const level = bright ? 180 + 75 * random() : 40 * random();
        pixels[index * 64 + row * 8 + column] = Math.round(level);
      }
    }
  }
  return { pixels, labels };
}

/** Writes the tiny images as an IDX pair in `dir`; returns their paths. */
export async function writeTinyIdx(
  dir: string,
  count: number,
): Promise<{ images: string; labels: string }> {
  const { pixels, labels } = tinyImages(count);
  const images = `${dir}/tiny-images.idx`;
  const labelsPath = `${dir}/tiny-labels.idx`;
  await writeFile(images, idxBytes([count, 8, 8], pixels));
  await writeFile(labelsPath, idxBytes([count], labels));
  return { images, labels: labelsPath };
}
