#!/usr/bin/env node
import { runCli } from './program';

// The first Ctrl-C stops training after the current step (the run can be resumed); a second
// one quits at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write('\nStopping after this step… (Ctrl-C again to quit now)\n');
  interrupt.abort();
});

// A reader that goes away (`aekit train | head`) ends the command quietly, as with any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: interrupt.signal,
});
