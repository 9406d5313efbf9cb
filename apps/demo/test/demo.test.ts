import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { loadMnist } from '@aekit/data';
import { initBackend } from '@aekit/runtime-wasm';
import * as trainer from '@aekit/train';
// Importing the package registers the 'vae' family, so loadModel can rebuild the CLI's model.
import '@aekit/vae';
import type { Vae } from '@aekit/vae';
import { tensor2d } from '@tensorflow/tfjs-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digitPixels, tileOrigin } from '../src/ui/digits';
import { reconstructionColumns, reconstructionIndices } from '../src/views/reconstructions';

// The built page, served by Vite's preview server (with its COOP/COEP headers) and driven in
// Debian's Chromium, as a student would use it: train a VAE, look at it, load a model file.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) {
  throw new Error(
    `Chromium is required in CI (.ci/run installs Debian's chromium); not found at ${chromiumPath}.`,
  );
}

const appRoot = fileURLToPath(new URL('..', import.meta.url));
/** Screenshots for a person to look at (gitignored). */
const outputDir = join(appRoot, 'test', 'output');

/**
 * Steps the page trains the VAE before the test presses Stop: a few seconds here (the machine
 * is shared; a step count, unlike a duration, gives the same test on a busy machine).
 */
const trainingSteps = 120;

interface CanvasPixels {
  width: number;
  height: number;
  data: number[];
}

async function canvasPixels(page: Page, selector: string): Promise<CanvasPixels> {
  return page.$eval(selector, (canvas) => {
    const element = canvas as HTMLCanvasElement;
    const context = element.getContext('2d')!;
    const image = context.getImageData(0, 0, element.width, element.height);
    return { width: image.width, height: image.height, data: Array.from(image.data) };
  });
}

/** The grey levels of tile `index` of a digit grid drawn with `drawDigitGrid`. */
function tileLevels(pixels: CanvasPixels, index: number, columns: number): number[] {
  const { x, y } = tileOrigin(index, columns);
  const levels: number[] = [];
  for (let row = 0; row < 28; row += 1) {
    for (let column = 0; column < 28; column += 1) {
      levels.push(pixels.data[((y + row) * pixels.width + x + column) * 4]!);
    }
  }
  return levels;
}

const viteBin = join(appRoot, 'node_modules', 'vite', 'bin', 'vite.js');

/**
 * Runs the Vite CLI in a child process, as `pnpm --filter @aekit/demo build|preview` would (a
 * plain Node without the test runner's source conditions), and resolves once `ready` matches
 * its output (or it exits, for a build).
 */
function runVite(args: string[], ready?: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, [viteBin, ...args], {
    cwd: appRoot,
    // No colours: with CI set, Vite colours the port of its URL, which the ready pattern must see.
    env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    // A server that never says it is ready is stopped, not left running after the suite.
    const timer =
      ready === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(
              new Error(`vite ${args.join(' ')} did not print ${ready} within 120 s:\n${output}`),
            );
          }, 120_000);
    const onData = (chunk: Buffer) => {
      // Strip any ANSI styling before matching.
      output += stripVTControlCharacters(chunk.toString());
      if (ready?.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (ready === undefined && code === 0) resolve(child);
      else reject(new Error(`vite ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

const cliBin = join(appRoot, 'node_modules', '@aekit', 'cli', 'dist', 'bin.js');

/** Runs `aekit <args> --json` and resolves with the JSON object on its last line of stdout. */
function runCli(args: string[]): Promise<{ model: string }> {
  const child = spawn(process.execPath, [cliBin, ...args], {
    cwd: appRoot,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`aekit ${args.join(' ')} exited with ${code}:\n${stderr}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
    });
  });
}

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The largest gap between the grey levels of the reconstruction grid and 255 · x̂ computed
 * in Node. The page draws round(255 · x̂), so a level is within 0.5 of the same computation;
 * the browser's float32 sums may differ from Node's in the last bits (another SIMD or thread
 * order), which can move a value sitting on a rounding boundary by one level: hence 1.5.
 */
function largestLevelGap(shown: CanvasPixels, expected: Float32Array): number {
  let largest = 0;
  reconstructionIndices.forEach((_, tile) => {
    const levels = tileLevels(shown, tile, reconstructionColumns);
    levels.forEach((level, pixel) => {
      largest = Math.max(largest, Math.abs(level - 255 * expected[tile * digitPixels + pixel]!));
    });
  });
  return largest;
}

/** Waits until every view shows the page's current model revision. */
async function waitForViews(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const revision = document.body.dataset.modelRevision;
      const views = [...document.querySelectorAll<HTMLElement>('section.view')];
      return (
        revision !== undefined &&
        views.length > 0 &&
        views.every((view) => view.dataset.revision === revision)
      );
    },
    undefined,
    { timeout: 20_000 },
  );
}

describe.skipIf(!haveChromium)('the demo page in Chromium', () => {
  let server: ChildProcess | undefined;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let runDir: string;
  let modelDir: string;
  /** Node's reconstructions of the page's reconstruction digits, [16 · 784]. */
  let nodeReconstructions: Float32Array;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(outputDir, { recursive: true });
    // `pnpm test` builds the page first (turbo); build it here when run on its own.
    if (!existsSync(join(appRoot, 'dist', 'index.html'))) {
      await runVite(['build', '--logLevel', 'error']);
    }

    // A model trained and written by the aekit CLI (`aekit train`: a run folder whose model/
    // holds config.json + weights.safetensors), on the same built-in digits the page uses. A
    // 3-D code and a hidden width the page does not default to, so loading it changes the page.
    runDir = mkdtempSync(join(tmpdir(), 'aekit-demo-cli-'));
    const summary = await runCli([
      'train',
      '--epochs',
      '1',
      '--latent',
      '3',
      '--hidden',
      '96',
      '--seed',
      '7',
      '--out',
      join(runDir, 'run'),
      '--json',
    ]);
    modelDir = summary.model;
    expect(modelDir).toBe(join(runDir, 'run', 'model'));
    // The reference: the same model loaded in Node, reconstructing the page's digits.
    await initBackend({ backend: 'wasm' });
    const { test } = await loadMnist();
    const digits = test.normalize();
    const x = tensor2d(
      reconstructionIndices.flatMap((index) => Array.from(digits.sampleAt(index).x)),
      [reconstructionIndices.length, digitPixels],
    );
    const loaded = (await trainer.loadModel(modelDir)) as Vae;
    const reconstruction = loaded.reconstruct(x);
    nodeReconstructions = Float32Array.from(reconstruction.dataSync());
    for (const tensor of [x, reconstruction]) tensor.dispose();
    loaded.dispose();

    const port = await freePort();
    server = await runVite(
      ['preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
      new RegExp(`127\\.0\\.0\\.1:${port}`),
    );
    origin = `http://127.0.0.1:${port}`;

    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    // About 15 s on a quiet machine; the CLI training run dominates. Room for a loaded one.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill();
    if (runDir) rmSync(runDir, { recursive: true, force: true });
  });

  it('serves the page cross-origin isolated, so WASM threads may start', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    const threads = Number(await page.evaluate(() => document.body.dataset.threads));
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    // tfjs sizes its pool at half the logical cores (at least 1).
    expect(threads).toBe(Math.min(8, Math.max(1, Math.floor(cores / 2))));
    expect(await page.textContent('#runtime')).toContain('8,000 training and 2,000 test digits');
    expect(pageErrors).toEqual([]);
  });

  it('trains the VAE live: the loss falls, and the views fill', async () => {
    expect(await page.inputValue('#family')).toBe('vae');
    await page.click('#train');
    await page.waitForSelector('#training-status[data-state="training"]');
    await page.waitForFunction(
      (steps) => Number(document.getElementById('steps')?.textContent?.replace(/,/g, '')) >= steps,
      trainingSteps,
      { timeout: 40_000 },
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(outputDir, 'training.png') });
    await page.click('#stop');
    await page.waitForSelector('#training-status[data-state="done"]', { timeout: 10_000 });
    await waitForViews(page);

    const terms = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => ({
        term: (figure as HTMLElement).dataset.term!,
        first: Number((figure as HTMLElement).dataset.first),
        last: Number((figure as HTMLElement).dataset.last),
      })),
    );
    expect(terms.map((entry) => entry.term).sort()).toEqual(['kl', 'reconstruction', 'total']);
    const total = terms.find((entry) => entry.term === 'total')!;
    // The untrained VAE starts near 784 · ln 2 ≈ 543 nats; a few seconds bring it well down.
    expect(total.first).toBeGreaterThan(400);
    expect(total.last).toBeLessThan(0.6 * total.first);

    const stepsPerSecond = Number(
      await page.$eval(
        '#mean-steps-per-second',
        (element) => (element as HTMLElement).dataset.value,
      ),
    );
    const status = await page.textContent('#training-status');
    console.log(`demo e2e: ${status} (mean ${stepsPerSecond.toFixed(1)} steps/s in Chromium)`);
    expect(stepsPerSecond).toBeGreaterThan(0);

    const reconstructions = await canvasPixels(page, '#reconstructions-canvas');
    const inked = reconstructions.data.filter((value, index) => index % 4 === 0 && value > 64);
    // Sixteen digits cover roughly a fifth of their tiles with ink.
    expect(inked.length).toBeGreaterThan(16 * 40);

    const latent = await canvasPixels(page, '#latent-canvas');
    let coloured = 0;
    for (let index = 0; index < latent.data.length; index += 4) {
      const [r, g, b] = [latent.data[index]!, latent.data[index + 1]!, latent.data[index + 2]!];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured += 1;
    }
    expect(coloured).toBeGreaterThan(2000);

    for (const selector of ['#manifold-canvas', '#samples-canvas', '#interpolation-canvas']) {
      const pixels = await canvasPixels(page, selector);
      const bright = pixels.data.filter((value, index) => index % 4 === 0 && value > 64).length;
      expect(bright, selector).toBeGreaterThan(100);
    }
    await page.screenshot({ path: join(outputDir, 'trained.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('moves the latent point from the keyboard and decodes where it is', async () => {
    const before = await canvasPixels(page, '#latent-decoded-canvas');
    await page.focus('#latent-canvas');
    for (let press = 0; press < 10; press += 1) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowUp');
    const readout = await page.textContent('#view-latent .z-readout');
    const [z1, z2] = /z = \((-?[\d.]+), (-?[\d.]+)\)/
      .exec(readout ?? '')!
      .slice(1)
      .map(Number);
    expect(z1).toBeGreaterThan(1);
    expect(z2).toBeGreaterThan(0);
    // The decoded digit follows (the request is answered asynchronously).
    await page.waitForFunction((previous) => {
      const canvas = document.getElementById('latent-decoded-canvas') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
      return data.some((value, index) => index % 4 === 0 && value !== previous[index]);
    }, before.data);
  });

  it('downloads the trained model as the two files Node loads and reconstructs alike', async () => {
    await page.click('#download');
    const folder = mkdtempSync(join(tmpdir(), 'aekit-demo-download-'));
    for (const name of ['config.json', 'weights.safetensors']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`a[download="${name}"]`),
      ]);
      await download.saveAs(join(folder, name));
    }
    const model = (await trainer.loadModel(folder)) as Vae;
    expect(model.config).toMatchObject({ family: 'vae', latentDim: 2, hiddenDims: [256] });
    const { test } = await loadMnist();
    const digits = test.normalize();
    const x = tensor2d(
      reconstructionIndices.flatMap((index) => Array.from(digits.sampleAt(index).x)),
      [reconstructionIndices.length, digitPixels],
    );
    const reconstruction = model.reconstruct(x);
    const expected = Float32Array.from(reconstruction.dataSync());
    for (const tensor of [x, reconstruction]) tensor.dispose();
    model.dispose();
    rmSync(folder, { recursive: true, force: true });
    expect(
      largestLevelGap(await canvasPixels(page, '#reconstructions-canvas'), expected),
    ).toBeLessThanOrEqual(1.5);
  });

  it('loads a model trained by the aekit CLI and reconstructs as Node does', async () => {
    const before = Number(await page.evaluate(() => document.body.dataset.modelRevision));
    await page.setInputFiles('#load-model', [
      join(modelDir, 'config.json'),
      join(modelDir, 'weights.safetensors'),
    ]);
    await page.waitForFunction(
      (previous) => Number(document.body.dataset.modelRevision) > previous,
      before,
    );
    expect(await page.evaluate(() => document.body.dataset.modelSource)).toBe('file');
    await waitForViews(page);
    expect(await page.textContent('#model-line')).toContain('code of 3 dimensions');
    expect(await page.inputValue('#parameter-latentDim')).toBe('3');
    expect(await page.inputValue('#parameter-hidden')).toBe('96');

    const shown = await canvasPixels(page, '#reconstructions-canvas');
    const largest = largestLevelGap(shown, nodeReconstructions);
    expect(largest).toBeLessThanOrEqual(1.5);
    const latent = await page.textContent('#view-latent .caption');
    expect(latent).toContain('principal components of the 3-D codes');
    await page.screenshot({ path: join(outputDir, 'loaded.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('trains another family from the picker: a sparse autoencoder and its penalty', async () => {
    await page.selectOption('#family', 'sparse');
    await page.selectOption('#parameter-penalty', 'l1');
    // Picking the L1 penalty sets its usual weight.
    expect(await page.inputValue('#parameter-lambda')).toBe('0.01');
    await page.selectOption('#parameter-penalty', 'kl');
    expect(await page.inputValue('#parameter-lambda')).toBe('3');
    await page.click('#train');
    await page.waitForFunction(
      () => Number(document.getElementById('steps')?.textContent?.replace(/,/g, '')) >= 40,
      undefined,
      { timeout: 30_000 },
    );
    await page.click('#stop');
    await page.waitForSelector('#training-status[data-state="done"]', { timeout: 10_000 });
    await waitForViews(page);
    const terms = await page.$$eval('figure.chart', (figures) =>
      figures.map((figure) => (figure as HTMLElement).dataset.term!).sort(),
    );
    expect(terms).toEqual(['reconstruction', 'sparsity', 'total']);
    expect(await page.textContent('#model-line')).toContain('Sparse autoencoder');
    // A plain autoencoder has no prior: no manifold, no samples.
    expect(await page.textContent('#view-manifold .view-absent')).toContain('Needs a VAE');
    expect(await page.textContent('#view-samples .view-absent')).toContain('no prior');
    expect(await page.textContent('#view-histograms')).toContain('Mean activation');
    const filters = await canvasPixels(page, '#filters-canvas');
    const levels = new Set(filters.data.filter((_, index) => index % 4 === 0));
    expect(levels.size).toBeGreaterThan(100);
    await page.screenshot({ path: join(outputDir, 'sparse.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 45_000);

  it('trains a convolutional denoising autoencoder from the Network choice', async () => {
    await page.selectOption('#family', 'denoising');
    await page.selectOption('#parameter-network', 'conv');
    await page.click('#train');
    await page.waitForFunction(
      () => Number(document.getElementById('steps')?.textContent?.replace(/,/g, '')) >= 20,
      undefined,
      { timeout: 60_000 },
    );
    await page.click('#stop');
    await page.waitForSelector('#training-status[data-state="done"]', { timeout: 20_000 });
    await waitForViews(page);
    expect(await page.textContent('#model-line')).toContain('Denoising autoencoder');
    const reconstructions = await canvasPixels(page, '#reconstructions-canvas');
    const levels = new Set(reconstructions.data.filter((_, index) => index % 4 === 0));
    expect(levels.size).toBeGreaterThan(50);
    // The filters view draws dense 28 × 28 filters; a convolution's kernels are not among them.
    expect(await page.textContent('#view-filters .view-absent')).toContain('no dense first layer');
    await page.screenshot({ path: join(outputDir, 'conv-denoising.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
