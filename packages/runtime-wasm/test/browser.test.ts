import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A user's page, bundled for the browser against the *built* package (the `browser` export
// condition), served from localhost and run in Debian's Chromium. esbuild leaves
// `new URL('./wasm/…', import.meta.url)` as is, so the WASM binaries are served beside the
// bundle, where an asset-aware bundler (Vite, webpack) would emit them.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) {
  throw new Error(
    `Chromium is required in CI (.ci/run installs Debian's chromium); not found at ${chromiumPath}.`,
  );
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const mimeTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

const requested: string[] = [];

function serve(root: string): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requested.push(url.pathname);
    const path = normalize(join(root, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!path.startsWith(root) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': mimeTypes[extname(path)] ?? 'application/octet-stream',
    };
    if (url.searchParams.has('isolated') || request.headers.referer?.includes('isolated')) {
      // Cross-origin isolation, which WASM threads need (SharedArrayBuffer).
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
    }
    response.writeHead(200, headers).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface PageResult {
  info: {
    backend: string;
    platform: string;
    threads: number;
    simd: boolean | null;
    simdKernels: boolean;
  };
  after: { simdKernels: boolean };
  losses: number[];
  gradient: number[];
  error?: string;
}

describe.skipIf(!haveChromium)('built package in Chromium (browser entry)', () => {
  let site: string;
  let server: Server;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), 'aekit-browser-'));
    await build({
      entryPoints: [join(packageRoot, 'test/browser/train-page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['browser'],
      outfile: join(site, 'page.js'),
      logLevel: 'error',
    });
    cpSync(join(packageRoot, 'dist/browser/wasm'), join(site, 'wasm'), { recursive: true });
    writeFileSync(
      join(site, 'index.html'),
      '<!doctype html><meta charset="utf-8"><title>aekit</title><script type="module" src="page.js"></script>',
    );
    server = await serve(site);
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  async function runPage(
    query: string,
  ): Promise<PageResult & { warnings: string[]; cores: number }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    const warnings: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    requested.length = 0;
    try {
      await page.goto(`${origin}/${query}`);
      await page.waitForFunction(() => 'aekitResult' in window, undefined, { timeout: 60_000 });
      const result = (await page.evaluate(
        () => (window as unknown as { aekitResult: unknown }).aekitResult,
      )) as PageResult;
      expect(errors).toEqual([]);
      expect(result.error).toBeUndefined();
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      return { ...result, warnings, cores };
    } finally {
      await page.close();
    }
  }

  it('starts wasm with gradients and trains a 784-64-784 network', async () => {
    const result = await runPage('');
    expect(result.info.backend).toBe('wasm');
    expect(result.info.platform).toBe('browser');
    expect(result.gradient).toEqual([3, 12, 0.75]);
    expect(result.losses).toHaveLength(20);
    expect(result.losses.at(-1)!).toBeLessThan(0.6 * result.losses[0]!);
  });

  it('loads the SIMD binary, without threads, on a page that is not isolated', async () => {
    const result = await runPage('');
    expect(requested).toContain('/wasm/tfjs-backend-wasm-simd.wasm');
    expect(result.info.threads).toBe(1);
    expect(result.warnings).toEqual([]);
    // aekit's compiled kernels load beside the backend's (not shared) memory.
    expect(result.info.simdKernels).toBe(true);
    expect(result.after.simdKernels).toBe(true);
  });

  it('loads the threaded binary when the page is cross-origin isolated', async () => {
    const result = await runPage('?isolated&threads=2');
    expect(requested).toContain('/wasm/tfjs-backend-wasm-threaded-simd.wasm');
    // ... and beside the threaded backend's shared memory.
    expect(result.info.simdKernels).toBe(true);
    // tfjs sizes its pool at half the logical cores (at least 1, at most 8).
    const expected = Math.min(2, Math.max(1, Math.floor(result.cores / 2)));
    expect(result.info.threads).toBe(expected);
    expect(result.warnings).toEqual(
      expected < 2
        ? [
            `initBackend: the WASM backend runs on ${expected} thread instead of 2: tfjs caps threads at half the logical cores (${result.cores}).`,
          ]
        : [],
    );
    expect(result.losses.at(-1)!).toBeLessThan(0.6 * result.losses[0]!);
  });
});
