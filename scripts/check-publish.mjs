// Checks what `npm publish` would ship for the package in the current folder: publint for the
// package.json and files, and "are the types wrong" for how each resolver sees the types.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../node_modules/.bin/', import.meta.url));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(`${bin}${command}`, args, { stdio: 'inherit' });
}

run('publint', ['--strict', '--pack', 'pnpm']);
// `--profile node16` checks node16 (CJS and ESM) and bundler resolution; node10 (no `exports`
// support) is out of scope for an ESM-first library that needs Node 20.
run('attw', ['--pack', '.', '--profile', 'node16']);
console.log(`${pkg.name}: publint and attw found no problems.`);
