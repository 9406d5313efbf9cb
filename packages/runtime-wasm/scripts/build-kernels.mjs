#!/usr/bin/env node
/**
 * Compiles csrc/aekit-kernels.c to WebAssembly with clang 16 (Debian: apt-get install clang-16
 * lld-16 llvm-16) and writes src/generated/aekit-kernels-wasm.ts, which carries the module as base64.
 * The generated file is committed, so installing or building the package needs no C toolchain.
 *
 *   node scripts/build-kernels.mjs          rebuild the generated file
 *   node scripts/build-kernels.mjs --check  fail if the generated file is not what the source
 *                                           builds to (byte for byte with clang 16; with no
 *                                           clang 16 on the machine, by the source's SHA-256)
 *
 * The module must import the WASM backend's memory and own none of it, so the script refuses a
 * build with a data segment, a start function, another import, or any global access (the C
 * stack lives in linear memory through the `__stack_pointer` global; using it would write into
 * the backend's memory).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourcePath = join(packageDir, 'csrc', 'aekit-kernels.c');
const outputPath = join(packageDir, 'src', 'generated', 'aekit-kernels-wasm.ts');
const clang = process.env.AEKIT_CLANG ?? 'clang-16';
const objdump = process.env.AEKIT_OBJDUMP ?? 'llvm-objdump-16';
const expectedExports = [
  'bernoulli_log_likelihood',
  'bernoulli_log_likelihood_grad',
  'column_sum',
  'conv2d',
  'conv2d_backprop_filter',
  'conv2d_backprop_input',
  'gemm',
];
const flags = [
  '--target=wasm32',
  '-O3',
  '-msimd128',
  '-nostdlib',
  '-ffreestanding',
  '-Wall',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--import-memory',
  '-Wl,--strip-all',
];

function fail(message) {
  console.error(`build-kernels: ${message}`);
  process.exit(1);
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

function readUnsignedLeb(bytes, offset) {
  let value = 0;
  let shift = 0;
  let position = offset;
  for (;;) {
    const byte = bytes[position++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return { value, next: position };
  }
}

function readName(bytes, offset) {
  const { value: length, next } = readUnsignedLeb(bytes, offset);
  return {
    name: Buffer.from(bytes.subarray(next, next + length)).toString('utf8'),
    next: next + length,
  };
}

/** Splits the module around its import section and checks what it imports and defines. */
function splitModule(bytes) {
  const sections = [];
  let offset = 8;
  while (offset < bytes.length) {
    const id = bytes[offset];
    const { value: size, next } = readUnsignedLeb(bytes, offset + 1);
    sections.push({ id, start: offset, payload: next, end: next + size });
    offset = next + size;
  }
  const forbidden = sections.filter((section) => section.id === 8 || section.id === 11);
  if (forbidden.length > 0) {
    fail('the module has a start function or a data segment; it must own no linear memory.');
  }
  const imports = sections.find((section) => section.id === 2);
  if (imports === undefined) fail('the module imports nothing; it must import env.memory.');
  const { value: count, next } = readUnsignedLeb(bytes, imports.payload);
  const module = readName(bytes, next);
  const field = readName(bytes, module.next);
  if (count !== 1 || module.name !== 'env' || field.name !== 'memory' || bytes[field.next] !== 2) {
    fail('the module must import exactly one thing, the memory env.memory.');
  }
  const exportSection = sections.find((section) => section.id === 7);
  const exported = [];
  if (exportSection !== undefined) {
    let position = readUnsignedLeb(bytes, exportSection.payload).next;
    while (position < exportSection.end) {
      const entry = readName(bytes, position);
      if (bytes[entry.next] === 0) exported.push(entry.name);
      position = readUnsignedLeb(bytes, entry.next + 1).next;
    }
  }
  if (exported.sort().join() !== expectedExports.join()) {
    fail(`the module exports [${exported}], expected [${expectedExports}].`);
  }
  return {
    head: bytes.subarray(0, imports.start),
    tail: bytes.subarray(imports.end),
  };
}

function checkCode(wasmPath) {
  const listing = execFileSync(objdump, ['-d', wasmPath], { encoding: 'utf8' });
  if (/\bglobal\.(get|set)\b/.test(listing)) {
    fail(
      'the code reads or writes a global (the C stack?): no local arrays or address-taken locals.',
    );
  }
}

/** clang's version line, or null when clang or llvm-objdump is missing. */
function clangVersion() {
  try {
    execFileSync(objdump, ['--version'], { stdio: 'ignore' });
    return execFileSync(clang, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    return null;
  }
}

function generate(source, version) {
  const directory = mkdtempSync(join(tmpdir(), 'aekit-kernels-'));
  try {
    const wasmPath = join(directory, 'aekit-kernels.wasm');
    execFileSync(clang, [...flags, '-o', wasmPath, sourcePath], { stdio: 'inherit' });
    checkCode(wasmPath);
    const bytes = new Uint8Array(readFileSync(wasmPath));
    const { head, tail } = splitModule(bytes);
    const compiler = compilerName(version);
    return `// Generated by scripts/build-kernels.mjs from csrc/aekit-kernels.c: do not edit.
// Compiler: ${compiler}; flags: ${flags.join(' ')}

/** SHA-256 of the C source this module was built from. */
export const kernelsSourceSha256 = '${sha256(source)}';

/**
 * The compiled module without its import section, which the loader writes for the memory it
 * imports (shared or not, as the backend's memory is): base64 of the bytes before and after it.
 */
export const kernelsModuleHead = '${Buffer.from(head).toString('base64')}';
export const kernelsModuleTail =
  '${Buffer.from(tail).toString('base64')}';
`;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The compiler as its version line names it, the distribution's package revision included. */
function compilerName(versionLine) {
  return versionLine.trim();
}

function checkSourceHash(source, reason) {
  const committed = readFileSync(outputPath, 'utf8');
  if (!committed.includes(`'${sha256(source)}'`)) {
    fail('csrc/aekit-kernels.c changed since the module was built: run `pnpm build:kernels`.');
  }
  console.log(`build-kernels: ${reason}; the source hash matches the generated module.`);
}

const check = process.argv.includes('--check');
const source = readFileSync(sourcePath);
const version = clangVersion();
if (version === null || !/version 16\./.test(version)) {
  if (!check)
    fail(`needs clang 16 ('${clang}'); on Debian: apt-get install clang-16 lld-16 llvm-16.`);
  checkSourceHash(source, 'clang 16 not found');
} else if (check) {
  // Bytes are compared only with the compiler that made the committed module: another build
  // of clang 16 may emit different (equally valid) code.
  const recorded = /^\/\/ Compiler: (.*?); flags:/m.exec(readFileSync(outputPath, 'utf8'))?.[1];
  if (recorded !== compilerName(version)) {
    checkSourceHash(
      source,
      `the module was built with ${recorded}, this is ${compilerName(version)}`,
    );
  } else {
    if (readFileSync(outputPath, 'utf8') !== generate(source, version)) {
      fail(
        'src/generated/aekit-kernels-wasm.ts is not what the source builds to: run `pnpm build:kernels`.',
      );
    }
    console.log(`build-kernels: the generated module is what ${compilerName(version)} builds.`);
  }
} else {
  writeFileSync(outputPath, generate(source, version));
  console.log(`build-kernels: wrote ${outputPath}`);
}
