// Rehearses `pnpm release` without publishing: in a throw-away clone of HEAD it applies the
// pending changesets (or, when there are none, a patch bump of every public package), builds,
// and runs `pnpm publish --dry-run` for each public package. The working tree is not touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const clone = mkdtempSync(join(tmpdir(), 'aekit-release-'));

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, {
    cwd: clone,
    stdio: 'inherit',
    env: { ...process.env, CI: 'true' },
  });
}

try {
  run('git', ['clone', '--quiet', root, clone]);
  const publicPackages = readdirSync(join(clone, 'packages'))
    .map((folder) =>
      JSON.parse(readFileSync(join(clone, 'packages', folder, 'package.json'), 'utf8')),
    )
    .filter((manifest) => manifest.private !== true)
    .map((manifest) => manifest.name);
  const pending = readdirSync(join(clone, '.changeset')).filter(
    (file) => file.endsWith('.md') && file !== 'README.md',
  );
  if (pending.length === 0) {
    const bumps = publicPackages.map((name) => `'${name}': patch`).join('\n');
    writeFileSync(
      join(clone, '.changeset', 'release-rehearsal.md'),
      `---\n${bumps}\n---\n\nRelease rehearsal.\n`,
    );
  }
  run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--silent']);
  run('pnpm', ['exec', 'changeset', 'version']);
  run('pnpm', ['install', '--no-frozen-lockfile', '--prefer-offline', '--silent']);
  run('pnpm', [
    'exec',
    'turbo',
    'run',
    'build',
    '--output-logs=errors-only',
    ...publicPackages.map((name) => `--filter=${name}`),
  ]);
  run('pnpm', [
    '-r',
    ...publicPackages.map((name) => `--filter=${name}`),
    'publish',
    '--dry-run',
    '--no-git-checks',
    '--access',
    'public',
  ]);
  console.log(`Release rehearsal passed for ${publicPackages.join(', ')}.`);
} finally {
  rmSync(clone, { recursive: true, force: true });
}
